"""`make dev`: the whole service on this machine, no AWS account, no Docker.

A moto server on loopback holds the AWS resources created from template.yaml (so presigned label
URLs and the executing Step Functions work over HTTP); the functions run in this process the way
AWS triggers them; the gateway serves GraphQL (with GraphiQL) on http://127.0.0.1:$PORT/graphql.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from returns_devstack import localstripe_server
from returns_devstack.environment import apply_local_environment
from returns_devstack.loopback import free_port, port_taken

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer


def start_moto_server(port: int) -> ThreadedMotoServer:
    from moto.server import ThreadedMotoServer

    from returns_devstack.deploy import configure_moto_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call (and poll) is noise
    os.environ["MOTO_PORT"] = str(port)  # Step Functions tasks call moto back on this port
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    configure_moto_server(f"http://127.0.0.1:{port}")
    return server


def banner(port: int, moto_port: int, orders: list[str], stripe_url: str = "") -> str:
    from returns_devstack.tokens import demo_token

    base = f"http://127.0.0.1:{port}"
    url = f"{base}/graphql"
    tokens = {role: demo_token(role) for role in ("customer", "agent", "warehouse", "integration")}
    lines = [
        "",
        "Returns service (embedded stack) is up. State lives in memory: stopping it forgets everything.",
        f"  Returns portal     : {base}/portal/     (customers; sign in as a demo customer)",
        f"  Service console    : {base}/console/    (agents)",
        f"  Warehouse screen   : {base}/warehouse/  (warehouse)",
        f"  GraphiQL / GraphQL : {url}",
        f"  Sent emails        : http://127.0.0.1:{port}/_local/mail",
        f"  Run a job          : curl -X POST http://127.0.0.1:{port}/_local/jobs/<expire-approved|escalate-reviews|reconcile-deadlines|resend-emails|void-labels>",
        f"  moto (AWS) server  : http://127.0.0.1:{moto_port}",
        f"  localstripe        : {stripe_url}  (refunds: GET {stripe_url}/v1/refunds?payment_intent=<pi_...> "
        "with -u sk_test_localstripe:)",
        f"  Carrier scan       : curl -X POST http://127.0.0.1:{port}/_local/carrier/scan "
        "-H 'Content-Type: application/json' "
        "-d '{\"trackingNumber\": \"<number>\", \"status\": \"in_transit|out_for_delivery|delivered\"}'",
        f"  Demo orders        : {', '.join(orders)} (customer jane.doe@example.com)",
        "",
        "Bearer tokens (12 h; paste into GraphiQL's headers as {\"Authorization\": \"Bearer <token>\"}):",
    ]
    lines += [f"  {role:<11} {token}" for role, token in tokens.items()]
    lines += [
        "",
        "Try it:",
        f"  curl -s {url} -H 'Content-Type: application/json' -H 'Authorization: Bearer "
        f"{tokens['customer']}' \\",
        '    -d \'{"query": "{ order(id: \\"AK-1001\\") { id returnability { orderLineId eligible '
        'returnableQuantity reasons { code clause { id } } } } }"}\'',
        "",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


def main() -> None:
    apply_local_environment()
    port = int(os.environ.get("PORT", "8000"))
    moto_port = int(os.environ.get("MOTO_PORT") or free_port())
    stripe_port = int(os.environ.get("LOCALSTRIPE_PORT") or localstripe_server.DEFAULT_PORT)
    for name, taken in (("PORT", port), ("MOTO_PORT", moto_port), ("LOCALSTRIPE_PORT", stripe_port)):
        if port_taken(taken):  # one clear line instead of a traceback from deep inside a server
            sys.exit(f"make dev: port {taken} ({name}) is already in use (another `make dev`?); "
                     f"stop it or choose another: {name}={taken + 1} make dev")
    moto = start_moto_server(moto_port)
    endpoint = f"http://127.0.0.1:{moto_port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint

    import uvicorn

    from returns_devstack.local_routes import local_app
    from returns_devstack.localstripe_server import LocalStripe
    from returns_devstack.runtime import BackgroundTriggers
    from returns_devstack.stack import start_embedded_stack

    payments = LocalStripe(port=stripe_port).start()
    embedded = start_embedded_stack(endpoint_url=endpoint, payments=payments,
                                    function_log_level=os.environ.get("FUNCTION_LOG_LEVEL", "WARNING"),
                                    portal_url=f"http://127.0.0.1:{port}/portal/")  # the emails' links
    orders = embedded.seed_demo_data()
    triggers = BackgroundTriggers(embedded.runtime)
    triggers.start()
    app = local_app(embedded)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level=os.environ.get("LOG_LEVEL", "info").lower()
    )
    server = uvicorn.Server(config)  # handles Ctrl-C and SIGTERM itself

    async def serve() -> None:
        # The gateway calls its ports in worker threads, and a command holds its thread until its
        # events are delivered (the answer shows the screening outcome): with asyncio's default
        # min(32, CPUs + 4) threads, concurrent clients' reads queued behind each other's commands.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=64, thread_name_prefix="gateway-port"))
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:  # only now is the port open: then tell the developer
            print(banner(port, moto_port, orders, payments.url), flush=True)
        await serving

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its graceful shutdown
    finally:
        triggers.stop()
        payments.stop()
        moto.stop()
        print("stopped.", file=sys.stderr)
        # The interpreter's own shutdown runs several full garbage collections over everything still
        # alive, and moto's in-memory AWS state is large (about 1M objects after 20 clients × 60 s:
        # 1 s per collection, so 7 s to exit here, 20-30 s after a long session). That state is
        # forgotten anyway: frozen objects are left out of collections, so the process ends at once.
        gc.freeze()


if __name__ == "__main__":
    main()
