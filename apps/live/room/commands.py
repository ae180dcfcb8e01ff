"""Chat commands: a viewer orders a product on air by writing its code in the chat.

``#A1 2`` (or ``구매 A1 2``, ``주문 a1 2개``, ``#A1 두 개``) holds two units of the product whose card says A1;
a product with options takes the option's name after the quantity (``#A2 1 블랙 M``). Full-width letters and
digits count (NFKC). A command is never posted to the chat: the buyer alone hears what became of it (a hold
with the checkout link, a place in the waitlist, or a Korean hint when it could not be read), and the host
sees it in the console. A ``#`` followed by a word (``#오늘의특가``) is an ordinary message.

``looks_like_command`` is pure and cheap: the consumer asks it of every message before going to the database.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from apps.catalog.selectors import product_options
from apps.core import ratelimit
from apps.live.models import BroadcastProduct
from apps.live.room.services import UNAVAILABLE_MESSAGE, ChatRefused, ban_refuse
from apps.live.services import claims
from apps.live.services.holds import HOLD_MAX_QUANTITY

logger = logging.getLogger(__name__)

# What is meant as an order: # (or 구매, 주문) then a Latin letter ending there or followed by a digit or a
# space. "#오늘의특가" and "#Apple" are chat; "#A 2" is an order written wrong, answered with a hint.
_INTENT = re.compile(r"^(?:#|(?:구매|주문)(?=\s*[a-z]))\s*[a-z](?:\d|\s|$)", re.IGNORECASE)
_HEAD = re.compile(r"^(?:#|구매|주문)\s*(?P<code>[a-z]\d{1,3})(?![0-9])(?P<rest>.*)$", re.IGNORECASE)
_QUANTITY = re.compile(r"^(?:[x×*]\s*)?(?P<number>\d+)\s*(?:개)?(?:\s+|$)(?P<option>.*)$", re.IGNORECASE)
_WORD_QUANTITY = re.compile(r"^(?P<word>하나|한|둘|두|셋|세|넷|네|다섯)\s*개(?:\s+|$)(?P<option>.*)$")
_WORDS = {"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "네": 4, "다섯": 5}
EXAMPLE = "예) #A1 2 또는 구매 A1 2"


@dataclass(frozen=True)
class Command:
    code: str
    quantity: int
    option: str = ""


class CommandError(ValueError):
    """A command that could not be read; ``hint`` tells the viewer, in Korean, how to write it."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def looks_like_command(text: str) -> bool:
    """Whether a chat message is meant as an order (then it is never posted to the chat)."""
    return _INTENT.match(_normal(text)) is not None


def command_parse(text: str) -> Command:
    """Read ``#A1 2 블랙 M`` into its code, quantity (1 when left out) and option name.

    Raises ``CommandError`` with a hint for a quantity that is not a whole number from 1 to
    ``HOLD_MAX_QUANTITY``; a text that is not a command at all (``looks_like_command``) also raises.
    """
    head = _HEAD.match(_normal(text))
    if head is None:
        raise CommandError(f"상품 카드의 코드(A1, A2 …)와 수량을 적어 주세요. {EXAMPLE}")
    code = head["code"].upper()
    rest = head["rest"].strip()
    quantity, option = 1, rest
    if match := _QUANTITY.match(rest):
        quantity, option = int(match["number"]), match["option"]
    elif match := _WORD_QUANTITY.match(rest):
        quantity, option = _WORDS[match["word"]], match["option"]
    elif rest[:1] in ("-", "+", ".") or rest[:1].isdigit():
        raise CommandError(f"수량은 1~{HOLD_MAX_QUANTITY}개 사이의 숫자로 적어 주세요. {EXAMPLE}")
    if not 1 <= quantity <= HOLD_MAX_QUANTITY:
        raise CommandError(f"수량은 1~{HOLD_MAX_QUANTITY}개까지 주문할 수 있어요. {EXAMPLE}")
    return Command(code=code, quantity=quantity, option=option.strip())


def _squeeze(name: str) -> str:
    return re.sub(r"[\s/·,_\-()]+", "", _normal(name)).lower()


def option_match(options: list, typed: str, *, code: str):
    """The option a viewer named: exactly (spaces and slashes aside), else the one option containing it.

    A product with one option needs no name. Raises ``CommandError`` listing the options otherwise.
    """
    if len(options) == 1 and not typed:
        return options[0]
    names = ", ".join(option.name for option in options[:8])
    if not typed:
        raise CommandError(f"옵션을 함께 적어 주세요. 예) #{code} 1 {options[0].name} · 옵션: {names}")
    wanted = _squeeze(typed)
    exact = [option for option in options if _squeeze(option.name) == wanted]
    if exact:
        return exact[0]
    partial = [option for option in options if wanted and wanted in _squeeze(option.name)]
    if len(partial) == 1:
        return partial[0]
    if len(options) == 1:
        return options[0]
    raise CommandError(f"'{typed[:20]}' 옵션을 찾지 못했어요. 옵션: {names}")


def chat_command_run(*, broadcast_id: int, user, text: str) -> None:
    """Act on a chat command and tell the viewer alone what happened; never raises for what they wrote.

    Raises ``ChatRefused`` only for what the room refuses any message for (not logged in, a platform ban), so
    the consumer answers it as it answers a refused message.
    """
    if not (user and user.is_authenticated and user.is_active):
        raise ChatRefused("login-required", "로그인하고 주문해 주세요.")
    ban_refuse(user)
    try:
        hint = _run(broadcast_id=broadcast_id, user=user, text=text)
    except Exception:
        # Whatever went wrong (the database, Redis keeping the rate, a bug), nothing was kept (every write
        # is one transaction) and the viewer's connection must stay: they hear to try again.
        logger.exception("room %s: a chat command failed", broadcast_id)
        hint = UNAVAILABLE_MESSAGE
    if hint:
        claims.private_reply(broadcast_id=broadcast_id, user_id=user.pk, kind="hint", text=hint)


def _run(*, broadcast_id: int, user, text: str) -> str:
    """Place the claim; the hint for the viewer when it could not be placed, else ""."""
    try:
        command = command_parse(text)
    except CommandError as error:
        return error.hint
    item = (
        BroadcastProduct.objects.select_related("broadcast", "product")
        .filter(broadcast_id=broadcast_id, code=command.code)
        .first()
    )
    if item is None:
        return f"{command.code} 상품이 없어요. 상품 카드에 적힌 코드(A1, A2 …)를 확인해 주세요."
    options = list(product_options(product_id=item.product_id))
    if not options:
        return f"{command.code} 상품은 지금 주문할 수 없어요."
    try:
        option = option_match(options, command.option, code=command.code)
    except CommandError as error:
        return error.hint
    try:
        ratelimit.rate_hit(ratelimit.LIVE_HOLD, user_key=f"user:{user.pk}")
        claims.chat_claim_place(
            broadcast=item.broadcast, user=user, item=item, option=option, quantity=command.quantity
        )
    except ratelimit.RateLimited as limited:
        return limited.messages[0]
    except ChatRefused as refusal:
        return refusal.message
    return ""
