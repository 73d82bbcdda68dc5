"""The developer endpoints (/_local/*) answer loopback Hosts only (DNS rebinding) and cannot be
fired by a cross-site form; curl-style calls from this machine still work."""

from __future__ import annotations

import asyncio
import re
import shlex
from pathlib import Path

import httpx
import pytest

from returns_devstack import server
from returns_devstack.local_routes import local_app

REPO = Path(__file__).resolve().parents[2]

JOB = "/_local/jobs/expire-approved"


def _call(
    app, method: str, path: str, headers: dict[str, str], content: bytes = b""
) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
        ) as client:
            return await client.request(method, path, headers=headers, content=content)

    return asyncio.run(go())


@pytest.fixture
def app(stack):
    return local_app(stack)


@pytest.mark.parametrize(
    ("method", "path", "headers", "content"),
    [
        ("GET", "/_local/mail", {"host": "attacker.example"}, b""),  # DNS rebinding
        ("POST", JOB, {"host": "attacker.example:8000"}, b""),
        ("POST", "/_local/token", {"host": "rebound.attacker.example"}, b""),  # every /_local/ path
        ("POST", JOB, {"host": "127.0.0.1:8000", "origin": "https://attacker.example"}, b""),
        ("POST", JOB, {"host": "127.0.0.1:8000", "origin": "null"}, b""),
        ("POST", JOB, {"host": "127.0.0.1:8000", "sec-fetch-site": "cross-site"}, b""),
        (
            "POST",
            JOB,
            {"host": "127.0.0.1:8000", "content-type": "application/x-www-form-urlencoded"},
            b"a=1",
        ),
        ("POST", JOB, {"host": "localhost:8000", "content-type": "text/plain"}, b"x"),
        (
            "POST",
            JOB,
            {"host": "localhost:8000", "content-type": "multipart/form-data; boundary=x"},
            b"--x--",
        ),
    ],
    ids=[
        "rebinding-read",
        "rebinding-job",
        "rebinding-any-path",
        "foreign-origin",
        "opaque-origin",
        "cross-site",
        "urlencoded-form",
        "text-form",
        "multipart-form",
    ],
)
def test_refused(app, method, path, headers, content):
    response = _call(app, method, path, headers, content)
    assert response.status_code == 403, response.text


def test_loopback_calls_still_work(app):
    assert (
        _call(
            app, "GET", "/_local/mail", {"host": "localhost:8000", "accept": "application/json"}
        ).json()
        == []
    )
    for host in ("127.0.0.1:8000", "[::1]:8000", "localhost"):
        assert _call(app, "POST", JOB, {"host": host}).status_code == 200  # curl -X POST
    same_origin = {
        "host": "127.0.0.1:8000",
        "origin": "http://127.0.0.1:8000",
        "sec-fetch-site": "same-origin",
        "content-type": "application/json",
    }
    assert _call(app, "POST", JOB, same_origin, b"{}").status_code == 200


def test_the_gateway_itself_is_not_behind_the_guard(app):
    response = _call(
        app,
        "POST",
        "/graphql",
        {"host": "api.example", "content-type": "application/json"},
        b'{"query": "{ returnPolicy { version } }"}',
    )
    assert response.status_code == 200 and response.json()["data"]["returnPolicy"]["version"]


def _curl_request(command: str) -> tuple[str, dict[str, str], bytes]:
    """The path, headers and body a `curl -X POST … -H … -d …` command line sends (curl's -d alone
    means a form body: Content-Type application/x-www-form-urlencoded)."""
    words = shlex.split(command)
    url = next(word for word in words if word.startswith(("http://", "localhost:")))
    headers = {"host": "127.0.0.1:8000", "content-type": "application/x-www-form-urlencoded"}
    for flag, value in zip(words, words[1:], strict=False):
        if flag == "-H":
            name, _, text = value.partition(":")
            headers[name.strip().lower()] = text.strip()
    body = words[words.index("-d") + 1].encode()
    return "/" + url.removeprefix("http://").split("/", 1)[1], headers, body


def test_the_documented_carrier_scan_commands_pass_the_guard(app):
    """The banner's and the README's curl lines, sent as curl sends them (a bare -d is a form post)."""
    lines = server.banner(8000, 9000, ["AK-1001"]).splitlines()
    banner = next(line for line in lines if "carrier/scan" in line)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [documented] = re.findall(r"`(curl -X POST localhost:[^`]*carrier/scan[^`]*)`", readme)
    for command in (banner.split(":", 1)[1], documented.replace("${PORT:-8000}", "8000")):
        path, headers, body = _curl_request(command.replace("<number>", "9400100000000000000000"))
        assert _call(app, "POST", path, headers, body).status_code != 403, command
        form = {**headers, "content-type": "application/x-www-form-urlencoded"}
        assert _call(app, "POST", path, form, body).status_code == 403  # what the old lines sent
