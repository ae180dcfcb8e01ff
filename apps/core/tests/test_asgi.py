"""The ASGI application serves HTTP through the synchronous middleware chain."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from asgiref.testing import ApplicationCommunicator


async def _get(path: str) -> tuple[int, bytes]:
    from trimarket.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    body = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return start["status"], body


def _serve(path: str) -> tuple[int, bytes]:
    # A thread of its own: the browser tests' Playwright keeps an event loop in the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _get(path)).result()


@pytest.mark.django_db(transaction=True)
def test_asgi_application_serves_pages_and_errors():
    """Through the ASGI server's entry point the health report answers 200 and an unknown page 404."""
    status, body = _serve("/healthz")
    assert status == 200
    assert b'"status": "ok"' in body

    status, _body = _serve("/no-such-page/")
    assert status == 404


@pytest.mark.django_db(transaction=True)
def test_asgi_application_streams_a_static_file_whole():
    """A file response (WhiteNoise) is streamed after the chain ran in the worker, and arrives complete."""
    from django.contrib.staticfiles import finders

    expected = Path(finders.find("css/tokens.css")).read_bytes()

    status, body = _serve("/static/css/tokens.css")

    assert status == 200
    assert body == expected
