"""`make dev`'s server (`python -m returns_devstack.server`) in a process of its own on free loopback
ports, for the load run and the tests that need the real thing; stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from returns_devstack.loopback import free_port

READY_LINE = "Ctrl-C stops everything"  # the banner's last line: the server listens


def server_environment(port: int) -> dict[str, str]:
    """This process's environment with the server on `port` and its moto and Stripe servers on free
    ports (never the fixed defaults: other runs may hold them)."""
    return {
        **os.environ,
        "PORT": str(port),
        "MOTO_PORT": str(free_port()),
        "LOCALSTRIPE_PORT": str(free_port()),
        "LOG_LEVEL": "warning",
    }


class LocalServer:
    """Started on construction; `url` once up, `banner` = what it printed until then, `output` = its
    latest lines since, `stop()`."""

    def __init__(self, *, startup_seconds: float = 120, cwd: Path | None = None,
                 command: Sequence[str] = (sys.executable, "-m", "returns_devstack.server")) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=server_environment(self.port),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + startup_seconds
        seen: list[str] = []
        while time.monotonic() < deadline:
            text = self.process.stdout.readline() if self.process.stdout else ""
            if not text and self.process.poll() is not None:
                break
            seen.append(text)
            if READY_LINE in text:
                self.banner = "".join(seen)
                self.output: deque[str] = deque(maxlen=200)
                # keep reading: a server that fills the pipe (64 KB of log lines) would block on write
                threading.Thread(target=self._drain, name="local-server-output", daemon=True).start()
                return
        self.stop()
        raise RuntimeError("the local stack did not start:\n" + "".join(seen[-30:]))

    def _drain(self) -> None:
        if self.process.stdout is not None:
            for line in self.process.stdout:
                self.output.append(line)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
