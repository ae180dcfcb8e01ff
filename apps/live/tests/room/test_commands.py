"""Reading chat commands: the ways viewers write an order in Korean chat, and the hints for what cannot be read."""

from types import SimpleNamespace

import pytest

from apps.live.room.commands import Command, CommandError, command_parse, looks_like_command, option_match


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#A1 2", Command("A1", 2)),
        ("#a1 2", Command("A1", 2)),
        ("#A1", Command("A1", 1)),
        ("# A1 3", Command("A1", 3)),
        ("#A1 2개", Command("A1", 2)),
        ("#A1 2 개", Command("A1", 2)),
        ("#A1 x2", Command("A1", 2)),
        ("#A1*2", Command("A1", 2)),
        ("#A12 1", Command("A12", 1)),
        ("구매 A1 2", Command("A1", 2)),
        ("구매A1 2", Command("A1", 2)),
        ("주문 a3 1개", Command("A3", 1)),
        ("＃Ａ１ ２", Command("A1", 2)),
        ("#A1 두 개", Command("A1", 2)),
        ("구매 A1 한개", Command("A1", 1)),
        ("#A2 1 블랙 M", Command("A2", 1, "블랙 M")),
        ("#A2 2개 화이트/S", Command("A2", 2, "화이트/S")),
        ("#A2 블랙 M", Command("A2", 1, "블랙 M")),
        ("  #A1 2  ", Command("A1", 2)),
    ],
)
def test_commands_are_read_in_their_korean_variants(text, expected):
    """#, 구매 and 주문, any case, full-width, 개 and 두 개, an option after the quantity or alone."""
    assert looks_like_command(text)
    assert command_parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "#오늘의특가 최고",
        "#Apple",
        "구매할게요!",
        "A1 2",
        "주문 언제 와요?",
        "# 2",
        "",
        "사이즈 A1 맞나요 #A",
    ],
)
def test_ordinary_messages_are_not_commands(text):
    """A hashtag, 구매 in a sentence or a code not at the start is chat, posted as usual."""
    assert not looks_like_command(text)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("#A1 0", "1~10개까지"),
        ("#A1 11", "1~10개까지"),
        ("#A1 999999999999", "1~10개까지"),
        ("#A1 -2", "1~10개 사이의 숫자"),
        ("#A1 2.5", "1~10개 사이의 숫자"),
        ("#A1 +3", "1~10개 사이의 숫자"),
        ("#A 2", "코드(A1, A2 …)와 수량"),
        ("구매 A", "코드(A1, A2 …)와 수량"),
        ("#A1234 1", "코드(A1, A2 …)와 수량"),
    ],
)
def test_a_bad_quantity_gets_a_korean_hint_with_an_example(text, hint):
    """The hint says what went wrong and shows how to write it."""
    assert looks_like_command(text)
    with pytest.raises(CommandError) as raised:
        command_parse(text)
    assert hint in raised.value.hint
    assert "#A1 2" in raised.value.hint


def _options(*names):
    return [SimpleNamespace(name=name) for name in names]


def test_options_match_spacing_and_slashes_aside_or_a_unique_part():
    """'블랙 M' finds '블랙 / M'; '화이트' alone finds the one white option; case does not matter."""
    options = _options("블랙 / M", "블랙 / L", "화이트 / M")
    assert option_match(options, "블랙 M", code="A2").name == "블랙 / M"
    assert option_match(options, "블랙/l", code="A2").name == "블랙 / L"
    assert option_match(options, "화이트", code="A2").name == "화이트 / M"


def test_an_option_missing_or_unknown_is_a_hint_listing_the_options():
    """Several options and none named, or one not there: the viewer is told which exist."""
    options = _options("블랙 / M", "블랙 / L")
    with pytest.raises(CommandError) as missing:
        option_match(options, "", code="A2")
    assert "옵션을 함께 적어 주세요" in missing.value.hint
    assert "블랙 / M, 블랙 / L" in missing.value.hint
    with pytest.raises(CommandError) as ambiguous:
        option_match(options, "블랙", code="A2")
    assert "'블랙' 옵션을 찾지 못했어요" in ambiguous.value.hint
    with pytest.raises(CommandError):
        option_match(options, "핑크", code="A2")


def test_a_single_option_needs_no_name():
    """A product sold in one option takes the order with or without its name."""
    options = _options("FREE")
    assert option_match(options, "", code="A1").name == "FREE"
    assert option_match(options, "아무거나", code="A1").name == "FREE"
