"""`make dev` for real: the embedded stack in its own process answers over HTTP on loopback, shows
GraphiQL, serves a presigned label URL through the moto server, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from returns_devstack.local_server import READY_LINE, LocalServer, server_environment
from returns_devstack.tokens import demo_token

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _post(url: str, query: str, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps({"query": query}).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server():
    server = LocalServer(cwd=REPO)
    try:
        yield server.url, server.banner, server.process
    finally:
        server.stop()


def test_banner_prints_tokens_and_the_first_query(server):
    url, banner, _process = server
    for app in ("portal", "console", "warehouse"):
        assert f"{url}/{app}/" in banner
    assert "State lives in memory" in banner
    for role in ("customer", "agent", "warehouse", "integration"):
        assert f"  {role}" in banner
    assert "curl -s http://127.0.0.1:" in banner


def test_graphiql_and_demo_data_over_http(server):
    url, _banner, _process = server
    request = urllib.request.Request(f"{url}/graphql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "graphiql" in response.read().decode().lower()
    data = _post(f"{url}/graphql", '{ order(id: "AK-1001") { id lines { id } } }', demo_token("customer"))
    assert data["data"]["order"]["id"] == "AK-1001"


def test_a_prepaid_label_is_a_pdf_behind_its_presigned_url(server):
    url, _banner, _process = server
    mutation = """mutation { requestReturn(input: {orderId: "AK-1001", method: PREPAID_LABEL,
      conditionAttested: true,
      idempotencyKey: "server-test", lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) {
      return { status label { url trackingNumber } } userErrors { code message } } }"""
    answer = _post(f"{url}/graphql", mutation, demo_token("customer"))["data"]["requestReturn"]
    assert answer["userErrors"] == []
    label = answer["return"]["label"]
    with urllib.request.urlopen(label["url"], timeout=10) as response:
        pdf = response.read()
    assert pdf.startswith(b"%PDF") and label["trackingNumber"].encode() in pdf
    with urllib.request.urlopen(f"{url}/_local/mail", timeout=10) as response:
        assert "label" in response.read().decode().lower()


def test_ctrl_c_stops_everything(server):
    _url, _banner, process = server
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) in (0, -signal.SIGINT, 130)
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout
    assert children.strip() == ""


def test_a_port_in_use_ends_in_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "returns_devstack.server"], cwd=REPO,
                              env=server_environment(port),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"make dev: port {port} (PORT) is already in use (another `make dev`?); "
                                   f"stop it or choose another: PORT={port + 1} make dev")
    assert "Traceback" not in done.stdout + done.stderr


def test_a_chatty_server_never_blocks_on_its_output(tmp_path):
    """The pipe holds 64 KB: a server that logs more after its banner must still be read."""
    done = tmp_path / "done"
    script = (
        "import signal, sys, time\n"
        f"print({READY_LINE!r}, flush=True)\n"
        "for n in range(4000): print('log line', n, 'x' * 60, flush=True)\n"
        f"open({str(done)!r}, 'w').close()\n"
        "signal.signal(signal.SIGINT, lambda *_: sys.exit(0))\n"
        "time.sleep(60)\n"
    )
    chatty = LocalServer(startup_seconds=30, command=(sys.executable, "-c", script))
    try:
        for _ in range(100):
            if done.exists():
                break
            time.sleep(0.1)
        assert done.exists(), "the server blocked writing its log"
        assert chatty.output[-1].startswith("log line 3999")
    finally:
        chatty.stop()
    assert chatty.process.returncode is not None
