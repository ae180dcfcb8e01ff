"""Test helpers several modules' tests share: a free local port and a private ``redis-server`` for drills."""

import socket
import subprocess
import time

import pytest
import redis

REDIS_START_SECONDS = 10


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """``redis-server`` on a free port of its own, without persistence (a restart loses everything); killed and
    started again at will, as a drill needs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--save", "", "--appendonly", "no", "--port", str(self.port)),
                *("--bind", "127.0.0.1", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + REDIS_START_SECONDS
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    assert time.monotonic() < deadline, "the private redis-server did not start"
                    time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        with socket.socket() as sock:  # the port is free again: nothing answers there
            assert sock.connect_ex(("127.0.0.1", self.port)) != 0


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.kill()


def api_client_for(user=None):
    """A DRF test client with a JWT of ``user`` in its Authorization header, as an app sends it (no session);
    anonymous without a user."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def api_error(response) -> dict:
    """The API's one error body, checked for its shape: ``{"error": {"code", "message" (Korean), ...}}``."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"], body
    assert any("가" <= ch <= "힣" for ch in body["error"]["message"]), body
    return body["error"]
