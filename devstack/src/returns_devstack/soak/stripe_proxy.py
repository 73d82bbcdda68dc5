"""Stripe's faults, between the refund function and localstripe: a loopback HTTP proxy that answers a
request with a 5xx or a 429 instead of forwarding it (Stripe did nothing), or forwards a refund and then
drops the connection without answering (Stripe took it; the answer is lost, as after a timeout)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from returns_devstack.loopback import free_port
from returns_devstack.soak.faults import Faults


class StripeFaultProxy:
    def __init__(self, upstream: str, faults: Faults) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults = faults
        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="stripe-faults", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StripeFaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.faults.roll("stripe_5xx"):
                    return self._answer(500, {"error": {"type": "api_error", "message": "injected 500"}})
                if proxy.faults.roll("stripe_429"):
                    return self._answer(429, {"error": {"type": "invalid_request_error", "code": "rate_limit",
                                                        "message": "Too many requests (injected)"}})
                status, answer = self._forward(body)
                refund = self.command == "POST" and self.path.startswith("/v1/refunds")
                if refund and status < 300 and proxy.faults.roll("stripe_lost_answer"):
                    self.close_connection = True  # Stripe took the refund; its answer never arrives
                    return None
                return self._answer(status, answer)

            def _forward(self, body: bytes) -> tuple[int, Any]:
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in {"host", "content-length"}}
                request = urllib.request.Request(proxy.upstream + self.path, data=body or None,
                                                 headers=headers, method=self.command)
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        return answer.status, json.loads(answer.read() or b"{}")
                except urllib.error.HTTPError as error:
                    return error.code, json.loads(error.read() or b"{}")

            def _answer(self, status: int, body: Any) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
