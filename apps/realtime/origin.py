"""Who may open a WebSocket: a browser on one of our own pages, or a native client (a phone app, a bot).

Browsers always send ``Origin`` on a WebSocket handshake, so an ``Origin`` of another site is a page of that
site trying to ride the member's cookies (cross-site WebSocket hijacking): refused with 403, as Channels'
``AllowedHostsOriginValidator`` does. A handshake without ``Origin`` is not a browser's: it passes, marked
``scope["native_client"]``, and its cookies are dropped, so such a client is someone only through the JWT it
sends in the STOMP CONNECT frame. Whether an anonymous native client may stay is the consumer's call (the live
room answers its CONNECT with an ERROR frame and closes, as STOMP 1.2 says for a CONNECT it cannot accept:
the token travels in CONNECT, after the handshake, so the handshake cannot judge it).
"""

from __future__ import annotations

from channels.security.websocket import AllowedHostsOriginValidator

NATIVE_CLIENT = "native_client"


def has_origin(scope) -> bool:
    return any(name == b"origin" for name, _value in scope.get("headers", []))


class BrowserOriginOrNativeClient:
    """ASGI middleware: our own Origin or none at all; every other Origin gets a 403 at the handshake."""

    def __init__(self, application) -> None:
        self.application = application
        self.browser = AllowedHostsOriginValidator(application)

    async def __call__(self, scope, receive, send):
        if has_origin(scope):
            return await self.browser({**scope, NATIVE_CLIENT: False}, receive, send)
        headers = [(name, value) for name, value in scope.get("headers", []) if name != b"cookie"]
        return await self.application({**scope, "headers": headers, NATIVE_CLIENT: True}, receive, send)
