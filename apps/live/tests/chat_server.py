"""Real ASGI servers for the chat tests: uvicorn or daphne in their own processes, on the test database.

They run ``trimarket.asgi`` with the test settings and this run's Redis prefixes, so they share the test's
database (use ``transactional_db``: rows must be committed to be seen), cache, sessions and the rooms' bus.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings

from apps.core.testing import free_port

VENV_BIN = Path(sys.executable).parent


def database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"
    )


def server_command(kind: str, port: int) -> list[str]:
    if kind == "daphne":
        return [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "trimarket.asgi:application"]
    return [
        str(VENV_BIN / "uvicorn"),
        "trimarket.asgi:application",
        *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--ws", "websockets-sansio"),
    ]


class Server:
    def __init__(self, kind: str = "uvicorn", env: dict | None = None, port: int = 0) -> None:
        """``port``: the one a server that stopped had (its pages reconnect to it); a free one by default."""
        self.kind = kind
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trimarket.settings.test",
            "DATABASE_URL": database_url(),
            **(env or {}),
        }
        environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            server_command(kind, self.port),
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{kind} exited: {self.process.stderr.read()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code < 500:
                    return
            except requests.RequestException:  # refused, or too busy to answer within the second
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{kind} did not answer on {self.url}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
