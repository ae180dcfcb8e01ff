"""Helpers of the stack drills: the stack's command, a viewer's STOMP client through the gateway, its database.

The stack is docker/dev/stack.sh's: every host in its own network namespace on the bridge ``tmstack0``;
this process stands in the root namespace, where a TLS terminator in front of the gateway would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import time
from pathlib import Path

import MySQLdb
import websockets
from django.conf import settings

from apps.realtime import stomp

STACK = Path(settings.BASE_DIR) / "docker" / "dev" / "stack.sh"
# stack.sh's own variables: a second stack (STACK_SUBNET, STACK_NAME, STACK_DIR) is drilled the same way.
STACK_DIR = Path(os.environ.get("STACK_DIR") or Path(settings.BASE_DIR) / "var" / "stack")
STACK_NAME = os.environ.get("STACK_NAME", "tmstack")
LOG_DIR = STACK_DIR / "log"
NET = os.environ.get("STACK_SUBNET", "10.77.0.0/24").rsplit(".", 1)[0]
GATEWAY_HOST = f"{NET}.10"
GATEWAY = f"http://{GATEWAY_HOST}"
WEB1, WEB2 = f"http://{NET}.11:8000", f"http://{NET}.12:8000"
PG = f"http://{NET}.30:8090"
REDIS_URL = f"redis://{NET}.22:6379/0"
DB = {"host": f"{NET}.20", "user": "trimarket", "password": "stack-db-pw", "database": "trimarket"}
# As the page's stompjs client: it connects again after a delay (``reconnectDelay``), shorter here.
RECONNECT_DELAY_SECONDS = 0.5
ANSWER_TIMEOUT_SECONDS = 10.0


def stack(*args: str, timeout: float = 240) -> str:
    """Run ``stack.sh ARGS``; its output, or a failure with it and the hosts' logs' tails."""
    done = subprocess.run(
        ["bash", str(STACK), *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"stack.sh {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{logs()}")
    return done.stdout


def logs(lines: int = 15) -> str:
    """The last lines of every host's log, and each web host's last traceback (what a failing drill prints)."""
    if not LOG_DIR.is_dir():
        return ""
    tails = []
    for path in sorted(LOG_DIR.glob("*.log")):
        text = path.read_text(errors="replace")
        tail = "\n".join(text.splitlines()[-lines:])
        if path.name.startswith("web") and (start := text.rfind("Traceback (most recent call last)")) >= 0:
            tail = "\n".join(text[start:].splitlines()[:80]) + "\n[…]\n" + tail
        tails.append(f"--- {path.name}\n{tail}")
    return "\n".join(tails)


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if value := predicate():
                return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{logs()}")
        time.sleep(0.25)


def query(sql: str, *args, replica: bool = False) -> list[tuple]:
    """Rows of ``sql`` on the stack's primary (or its replica)."""
    connection = MySQLdb.connect(**(DB | {"host": f"{NET}.21"} if replica else DB), connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return list(cursor.fetchall())
    finally:
        connection.close()


def accepted_websockets(host: str) -> int:
    """How many WebSockets the web host accepted so far (uvicorn logs each)."""
    path = LOG_DIR / f"{host}.log"
    return path.read_text(errors="replace").count("[accepted]") if path.exists() else 0


class Viewer:
    """A viewer's STOMP client through the gateway, behaving as the page (static/js/live-chat.js): on a closed
    socket it connects again and subscribes again from the last message it has (``since-id``), taking the
    room's replay of what it missed and keeping each chat message once by its id."""

    def __init__(self, broadcast_id: int, token: str, *, subscribe: bool = True) -> None:
        self.url = f"ws://{NET}.10/ws/live/{broadcast_id}/"
        self.broadcast_id = broadcast_id
        self.token = token
        self.subscribe = subscribe
        self.messages: dict[int, dict] = {}
        self.answers: dict[str, stomp.Frame] = {}
        self.connections = 0
        self.connected = asyncio.Event()
        self.socket = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()

    @property
    def texts(self) -> set[str]:
        return {message["text"] for message in self.messages.values()}

    async def _run(self) -> None:
        while True:
            try:
                async with websockets.connect(
                    self.url, subprotocols=["v12.stomp"], open_timeout=5
                ) as socket_:
                    await self._session(socket_)
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            self.connected.clear()
            self.socket = None
            await asyncio.sleep(RECONNECT_DELAY_SECONDS)

    async def _session(self, socket_) -> None:
        headers = {
            "accept-version": "1.2",
            "heart-beat": "0,0",
            "host": "trimarket",
            "Authorization": f"Bearer {self.token}",
        }
        await socket_.send(stomp.serialize(stomp.Frame("CONNECT", headers)))
        parser = stomp.Parser()
        async for data in socket_:
            for frame in parser.feed(data):
                if frame is stomp.HEARTBEAT:
                    continue
                if frame.command == "CONNECTED":
                    if self.subscribe:
                        headers = {"id": "chat", "destination": f"/topic/live.{self.broadcast_id}.chat"}
                        if self.messages:  # as the page: a reconnect asks for what came after the last one
                            headers["since-id"] = str(max(self.messages))
                        subscribe = stomp.Frame("SUBSCRIBE", headers)
                        await socket_.send(stomp.serialize(subscribe))
                    self.socket = socket_
                    self.connections += 1
                    self.connected.set()
                elif frame.command == "MESSAGE":
                    payload = json.loads(frame.body)
                    if payload.get("type") == "message":
                        self.messages.setdefault(payload["id"], payload)
                elif frame.get("receipt-id"):
                    self.answers[frame.get("receipt-id")] = frame

    async def say(self, text: str) -> str:
        """Send ``text`` with a receipt: ``receipt``, ``error:<reason>`` or ``unanswered``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), ANSWER_TIMEOUT_SECONDS)
        headers = {
            "destination": f"/app/live.{self.broadcast_id}.chat",
            "content-type": "text/plain",
            "receipt": f"r-{text}",
        }
        try:
            await self.socket.send(stomp.serialize(stomp.Frame("SEND", headers, text)))
        except (AttributeError, websockets.WebSocketException):
            return "unanswered"
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        while f"r-{text}" not in self.answers and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        frame = self.answers.get(f"r-{text}")
        if frame is None:
            return "unanswered"
        return "receipt" if frame.command == "RECEIPT" else f"error:{frame.get('message')}"


async def until(predicate, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
