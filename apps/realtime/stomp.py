"""STOMP 1.2 frames: parse what a client sends, serialise what the server answers. No I/O, no Django.

A frame is ``COMMAND\\nheader:value\\n…\\n\\nbody\\0``. Rules kept here (STOMP 1.2):
- a CR before an LF is ignored; a lone LF between frames is a heart-beat;
- header names and values escape ``\\\\``, ``\\n``, ``\\r`` and ``\\c`` (colon), except in CONNECT and
  CONNECTED frames, which are never escaped; an undefined escape is a protocol error;
- the first of a repeated header wins;
- ``content-length`` (bytes) gives the body's length, which may then contain NULs; without it the body ends
  at the first NUL. Serialised frames with a body always carry ``content-length``.

Over WebSocket one message may hold several frames (and heart-beats), and a frame could in principle arrive
in parts, so ``Parser`` buffers.
"""

from __future__ import annotations

import dataclasses

NUL = "\x00"
EOL = "\n"
HEARTBEAT = EOL
UNESCAPED_COMMANDS = frozenset({"CONNECT", "CONNECTED"})
CLIENT_COMMANDS = frozenset(
    {
        "CONNECT",
        "STOMP",
        "SEND",
        "SUBSCRIBE",
        "UNSUBSCRIBE",
        "ACK",
        "NACK",
        "BEGIN",
        "COMMIT",
        "ABORT",
        "DISCONNECT",
    }
)
SERVER_COMMANDS = frozenset({"CONNECTED", "MESSAGE", "RECEIPT", "ERROR"})
# A client may not make the server buffer more than this for one frame.
MAX_FRAME_BYTES = 64 * 1024

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", ":": "\\c"}
_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "c": ":"}


class FrameError(ValueError):
    """The bytes are not a STOMP 1.2 frame; the server answers ERROR and closes."""


@dataclasses.dataclass
class Frame:
    command: str
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: str = ""

    def get(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


def escape(value: str) -> str:
    if not any(char in value for char in _ESCAPES):
        return value
    return "".join(_ESCAPES.get(char, char) for char in value)


def unescape(value: str) -> str:
    if "\\" not in value:
        return value
    out = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        if following not in _UNESCAPES:
            raise FrameError(f"undefined escape sequence \\{following}")
        out.append(_UNESCAPES[following])
    return "".join(out)


def serialize(frame: Frame) -> str:
    """The frame as text (bodies are UTF-8 text here); ``content-length`` is added for a non-empty body."""
    escaped = frame.command not in UNESCAPED_COMMANDS
    lines = [frame.command]
    for name, value in frame.headers.items():
        if name == "content-length":
            continue
        lines.append(f"{escape(name)}:{escape(value)}" if escaped else f"{name}:{value}")
    if frame.body:
        lines.append(f"content-length:{len(frame.body.encode())}")
    return EOL.join(lines) + EOL + EOL + frame.body + NUL


def message_parts(*, destination: str, message_id: str, body: str, content_type: str) -> tuple[str, str]:
    """A MESSAGE frame cut around its ``subscription`` value: ``head + subscription_id + tail``.

    The fan-out encodes a message once and only splices in each viewer's subscription id.
    """
    head = f"MESSAGE\ndestination:{escape(destination)}\nmessage-id:{escape(message_id)}\nsubscription:"
    tail = f"\ncontent-type:{escape(content_type)}\ncontent-length:{len(body.encode())}\n\n{body}{NUL}"
    return head, tail


def heartbeat_parse(value: str) -> tuple[int, int]:
    """``"cx,cy"`` → (cx, cy) in milliseconds; absent means (0, 0)."""
    if not value:
        return 0, 0
    try:
        first, second = value.split(",")
        cx, cy = int(first), int(second)
    except ValueError as exc:
        raise FrameError(f"bad heart-beat header {value!r}") from exc
    if cx < 0 or cy < 0:
        raise FrameError(f"bad heart-beat header {value!r}")
    return cx, cy


def heartbeat_negotiate(*, client: tuple[int, int], server: tuple[int, int]) -> tuple[int, int]:
    """(server sends every N ms, server expects from the client every M ms); 0 means never.

    The client said it can send every ``cx`` and wants to receive every ``cy``; the server can send every
    ``sx`` and wants to receive every ``sy``. Each side uses the larger of what one offers and the other asks.
    """
    cx, cy = client
    sx, sy = server
    send = max(sx, cy) if sx and cy else 0
    expect = max(cx, sy) if cx and sy else 0
    return send, expect


class Parser:
    """Feed it what arrives; it returns the whole frames (and ``HEARTBEAT`` markers) found so far."""

    def __init__(self, *, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self._buffer = ""
        self._max = max_frame_bytes

    def feed(self, data: str | bytes) -> list[Frame | str]:
        if isinstance(data, bytes):
            try:
                data = data.decode()
            except UnicodeDecodeError as exc:
                raise FrameError("frames must be UTF-8") from exc
        self._buffer += data
        found: list[Frame | str] = []
        while self._buffer:
            if self._buffer[0] == "\n" or self._buffer.startswith("\r\n"):
                found.append(HEARTBEAT)
                self._buffer = self._buffer[2:] if self._buffer[0] == "\r" else self._buffer[1:]
                continue
            frame, rest = self._one(self._buffer)
            if frame is None:
                if len(self._buffer.encode()) > self._max:
                    raise FrameError("frame too large")
                break
            found.append(frame)
            self._buffer = rest
        return found

    def _one(self, text: str) -> tuple[Frame | None, str]:
        """Parse the frame at the start of ``text``, or (None, text) when it is not complete yet."""
        end_of_head = text.find("\n\n")
        end_of_head_crlf = text.find("\r\n\r\n")
        if end_of_head == -1 and end_of_head_crlf == -1:
            return None, text
        if end_of_head_crlf != -1 and (end_of_head == -1 or end_of_head_crlf < end_of_head):
            head, body_start = text[:end_of_head_crlf], end_of_head_crlf + 4
        else:
            head, body_start = text[:end_of_head], end_of_head + 2
        lines = [line[:-1] if line.endswith("\r") else line for line in head.split("\n")]
        command = lines[0]
        if command not in CLIENT_COMMANDS and command not in SERVER_COMMANDS:
            raise FrameError(f"unknown command {command[:20]!r}")
        escaped = command not in UNESCAPED_COMMANDS
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise FrameError(f"header without a colon: {line[:40]!r}")
            if escaped:
                name, value = unescape(name), unescape(value)
            headers.setdefault(name, value)
        length = headers.get("content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError as exc:
                raise FrameError("bad content-length") from exc
            if size < 0 or size > self._max:
                raise FrameError("bad content-length")
            raw = text[body_start:].encode()
            if len(raw) < size + 1:
                return None, text
            if raw[size : size + 1] != b"\x00":
                raise FrameError("frame does not end with NUL after content-length bytes")
            try:
                body = raw[:size].decode()
            except UnicodeDecodeError as exc:
                raise FrameError("body is not UTF-8") from exc
            rest = raw[size + 1 :].decode()
        else:
            nul = text.find(NUL, body_start)
            if nul == -1:
                return None, text
            body, rest = text[body_start:nul], text[nul + 1 :]
        return Frame(command, headers, body), rest


def parse(data: str | bytes) -> list[Frame | str]:
    """Every frame in one complete chunk (a test's or a client library's convenience)."""
    parser = Parser()
    frames = parser.feed(data)
    if parser._buffer:
        raise FrameError("incomplete frame")
    return frames
