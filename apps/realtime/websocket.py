"""What the realtime package knows of the WebSocket under the ASGI server: frames to write straight to a
socket, and which server's socket may be written to directly.

Under uvicorn's websockets-sansio protocol the fan-out writes finished WebSocket frames to each viewer's
transport itself; under any other server (daphne, the test communicator) frames go through the ASGI send.
"""

from __future__ import annotations

import struct

try:
    from websockets.protocol import State

    OPEN = State.OPEN
except ImportError:  # pragma: no cover - websockets is pinned; without it no socket is written directly
    OPEN = None


def websocket_text_frame(text: str) -> bytes:
    """``text`` as one unmasked WebSocket text frame (RFC 6455, server to client), ready for the socket."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


def unwrapped(send):
    """The server's own send under Channels' SessionMiddleware, which wraps it to save sessions on HTTP
    responses (a WebSocket never sends one) at a cost on every frame."""
    while getattr(getattr(send, "__self__", None), "real_send", None) is not None:
        send = send.__self__.real_send
    return send


def direct_socket(send):
    """uvicorn's websockets-sansio protocol behind ``send`` when the room may write to its socket directly.

    Only uvicorn's sansio protocol is written to directly (its transport and its connection state are known);
    any other server, and the test communicator, get the ASGI send.
    """
    protocol = getattr(send, "__self__", None)
    if protocol is None or type(protocol).__name__ != "WebSocketsSansIOProtocol":
        return None
    if not (hasattr(protocol, "transport") and hasattr(protocol, "conn")):
        return None
    return protocol
