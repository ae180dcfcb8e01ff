"""The STOMP 1.2 codec (apps.realtime.stomp): frames, escaping, NUL termination, content-length, heart-beats."""

import pytest

from apps.realtime import stomp


def test_serialize_adds_content_length_and_nul():
    """A frame with a body carries its byte length (UTF-8) and ends with NUL."""
    text = stomp.serialize(stomp.Frame("MESSAGE", {"destination": "/topic/a"}, "안녕"))
    assert text == "MESSAGE\ndestination:/topic/a\ncontent-length:6\n\n안녕\x00"


def test_headers_are_escaped_except_in_connect_frames():
    """Colon, backslash, CR and LF are escaped in headers, but never in CONNECT/CONNECTED."""
    message = stomp.serialize(stomp.Frame("MESSAGE", {"x": "a:b\\c\nd\re"}))
    assert "x:a\\cb\\\\c\\nd\\re\n" in message
    connected = stomp.serialize(stomp.Frame("CONNECTED", {"version": "1.2", "server": "a:b"}))
    assert "server:a:b\n" in connected


def test_parse_unescapes_and_round_trips():
    """What is serialised parses back to the same command, headers and body."""
    frame = stomp.Frame("SEND", {"destination": "/app/x", "note": "a:b\\c\nd"}, "hi\x00there")
    [parsed] = stomp.parse(stomp.serialize(frame))
    assert parsed.command == frame.command
    assert parsed.headers == {**frame.headers, "content-length": "8"}
    assert parsed.body == frame.body


def test_undefined_escape_is_an_error():
    """A backslash followed by anything but n, r, c or backslash is a protocol error."""
    with pytest.raises(stomp.FrameError):
        stomp.parse("SEND\ndestination:/a\\t\n\nx\x00")


def test_first_repeated_header_wins():
    """STOMP 1.2: only the first occurrence of a repeated header is used."""
    [frame] = stomp.parse("SEND\ndestination:/first\ndestination:/second\n\n\x00")
    assert frame.get("destination") == "/first"


def test_cr_lf_lines_and_heartbeats():
    """CR before LF is ignored, and a lone EOL between frames is a heart-beat."""
    frames = stomp.parse("\n\r\nCONNECT\r\naccept-version:1.2\r\nhost:x\r\n\r\n\x00\n")
    assert frames[:2] == [stomp.HEARTBEAT, stomp.HEARTBEAT]
    assert frames[2].command == "CONNECT"
    assert frames[2].headers == {"accept-version": "1.2", "host": "x"}
    assert frames[3] == stomp.HEARTBEAT


def test_body_without_content_length_ends_at_nul():
    """Without content-length the body stops at the first NUL; the next frame follows."""
    frames = stomp.parse("SEND\ndestination:/a\n\none\x00SEND\ndestination:/b\n\ntwo\x00")
    assert [(f.get("destination"), f.body) for f in frames] == [("/a", "one"), ("/b", "two")]


def test_parser_buffers_a_frame_split_across_messages():
    """A frame arriving in parts is returned once it is whole."""
    parser = stomp.Parser()
    assert parser.feed("SEND\ndestination:/a\ncontent-len") == []
    assert parser.feed("gth:3\n\nab") == []
    [frame] = parser.feed("c\x00")
    assert frame.body == "abc"


def test_content_length_must_be_followed_by_nul():
    """A body longer than its content-length is malformed."""
    with pytest.raises(stomp.FrameError):
        stomp.parse("SEND\ncontent-length:1\n\nab\x00")


def test_unknown_command_and_oversized_frame_are_errors():
    """Garbage and frames past the size limit are refused rather than buffered forever."""
    with pytest.raises(stomp.FrameError):
        stomp.parse("HELLO\n\n\x00")
    parser = stomp.Parser(max_frame_bytes=100)
    with pytest.raises(stomp.FrameError):
        parser.feed("SEND\ndestination:/a\n\n" + "x" * 200)


def test_heartbeat_negotiation():
    """Each side uses the larger of what one offers and the other wants; 0 on either side means none."""
    assert stomp.heartbeat_negotiate(client=(4000, 4000), server=(10000, 10000)) == (10000, 10000)
    assert stomp.heartbeat_negotiate(client=(20000, 0), server=(10000, 10000)) == (0, 20000)
    assert stomp.heartbeat_negotiate(client=(0, 0), server=(10000, 10000)) == (0, 0)
    assert stomp.heartbeat_parse("") == (0, 0)
    with pytest.raises(stomp.FrameError):
        stomp.heartbeat_parse("10,x")


def test_message_parts_splice_the_subscription():
    """The fan-out's pre-encoded MESSAGE parses like any frame once a subscription id is spliced in."""
    head, tail = stomp.message_parts(
        destination="/topic/live.1.chat",
        message_id="chat-7",
        body='{"text":"<b>"}',
        content_type="application/json",
    )
    [frame] = stomp.parse(head + stomp.escape("sub:0") + tail)
    assert frame.command == "MESSAGE"
    assert frame.headers["subscription"] == "sub:0"
    assert frame.headers["message-id"] == "chat-7"
    assert frame.body == '{"text":"<b>"}'
