"""Native STOMP clients (phone apps, bots) on a real uvicorn: no ``Origin`` header, a JWT in CONNECT.

Spoken with the ``websockets`` library, which sends no ``Origin`` unless told to, as a program would.
"""

import asyncio
import json

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from apps.catalog.tests.factories import UserFactory
from apps.live.tests.chat_server import Server
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server():
    started = Server("uvicorn")
    yield started
    started.stop()


def frame(command: str, headers: dict[str, str], body: str = "") -> str:
    lines = [command, *(f"{name}:{value}" for name, value in headers.items()), "", body]
    return "\n".join(lines) + "\0"


def parse(text: str) -> tuple[str, dict[str, str], str]:
    head, _, body = text.rstrip("\0").partition("\n\n")
    command, *lines = head.split("\n")
    return command, dict(line.split(":", 1) for line in lines), body


async def next_frame(ws) -> tuple[str, dict[str, str], str]:
    while True:
        text = await asyncio.wait_for(ws.recv(), 10)
        if text.strip("\n"):  # a bare newline is a heart-beat
            return parse(text)


def open_room(server: Server, broadcast_id: int, **options):
    return connect(
        f"ws://127.0.0.1:{server.port}/ws/live/{broadcast_id}/", subprotocols=["v12.stomp"], **options
    )


def connect_frame(**headers: str) -> str:
    return frame("CONNECT", {"accept-version": "1.2", "host": "127.0.0.1", "heart-beat": "0,0", **headers})


def test_a_client_without_origin_chats_with_a_token(server):
    broadcast = make_live(BroadcastFactory())
    token = str(AccessToken.for_user(UserFactory(name="앱손님")))

    async def chat():
        async with open_room(server, broadcast.pk) as ws:
            await ws.send(connect_frame(Authorization=f"Bearer {token}"))
            connected = await next_frame(ws)
            await ws.send(frame("SUBSCRIBE", {"id": "c", "destination": f"/topic/live.{broadcast.pk}.chat"}))
            await ws.send(
                frame(
                    "SEND",
                    {"destination": f"/app/live.{broadcast.pk}.chat", "content-type": "text/plain"},
                    "앱에서 안녕",
                )
            )
            while True:
                command, headers, body = await next_frame(ws)
                if command == "MESSAGE" and "앱에서 안녕" in body:
                    return connected, headers, json.loads(body)

    (command, headers, _), message_headers, message = asyncio.run(chat())
    assert command == "CONNECTED"
    assert headers["user-name"] == "앱손님"
    assert message_headers["subscription"] == "c"
    assert message["name"] == "앱손님"


def test_an_anonymous_client_without_origin_gets_an_error_frame_at_connect(server):
    broadcast = make_live(BroadcastFactory())

    async def anonymous():
        async with open_room(server, broadcast.pk) as ws:
            await ws.send(connect_frame())
            error = await next_frame(ws)
            await asyncio.wait_for(ws.wait_closed(), 10)
            return error

    command, headers, body = asyncio.run(anonymous())
    assert command == "ERROR"
    assert headers["message"] == "authentication required"
    assert "로그인 토큰" in body


def test_a_session_cookie_without_origin_does_not_stand_for_a_token(server):
    """Without an Origin only the JWT says who a client is: a copied cookie alone is still anonymous."""
    broadcast = make_live(BroadcastFactory())
    browser = Client()
    browser.force_login(UserFactory())
    cookie = f"sessionid={browser.cookies['sessionid'].value}"

    async def with_cookie():
        async with open_room(server, broadcast.pk, additional_headers={"Cookie": cookie}) as ws:
            await ws.send(connect_frame())
            return await next_frame(ws)

    command, headers, _ = asyncio.run(with_cookie())
    assert (command, headers["message"]) == ("ERROR", "authentication required")


def test_a_page_of_another_site_is_refused_at_the_handshake_even_with_a_token(server):
    broadcast = make_live(BroadcastFactory())
    token = str(AccessToken.for_user(UserFactory()))

    async def foreign():
        async with open_room(server, broadcast.pk, origin="https://evil.example") as ws:
            await ws.send(connect_frame(Authorization=f"Bearer {token}"))

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(foreign())
    assert refused.value.response.status_code == 403


def test_a_browser_on_our_own_page_still_watches_anonymously(server):
    broadcast = make_live(BroadcastFactory())

    async def viewer():
        async with open_room(server, broadcast.pk, origin=f"http://127.0.0.1:{server.port}") as ws:
            await ws.send(connect_frame())
            return await next_frame(ws)

    command, _, _ = asyncio.run(viewer())
    assert command == "CONNECTED"
