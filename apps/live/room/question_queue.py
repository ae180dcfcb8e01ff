"""Reads of the host's question queue: the open groups with a suggested answer drawn from the product data.

A suggestion is plain text the host may edit before one tap posts it (``questions.question_answer``):
- price: the live price (and list price and discount), option surcharges;
- size: the sizes the options offer and the size chart found in the product's description (a table or a line
  with 사이즈/총장/가슴/… and figures);
- color: the colours the options offer; stock: units left per option, or 품절;
- shipping: the fee and the free-shipping threshold (``apps.orders.pricing``), the description's 배송 row or
  ``ORDERS_DELIVERY_DAYS``;
- time: the live price lasts the show, and the coupons open now;
- other: the description's 교환·반품 row when the questions are about an exchange or refund, else nothing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings
from django.utils import timezone

from apps.catalog.selectors import product_options
from apps.live.models import BroadcastProduct, ChatMessage, ChatQuestion
from apps.live.room import selectors as room_selectors
from apps.orders.pricing import free_shipping_threshold

ANSWER_MAX_CHARS = 300
ANSWERED_SHOWN = 5
OPTIONS_LISTED = 8
# Words a product name shares with others too often to tell which product a question means.
NAME_STOPWORDS = {"세트", "기획", "특가", "라이브", "단품", "여성", "남성", "공용", "데일리", "베이직"}
SIZE_CHART_WORDS = re.compile(r"사이즈|치수|실측|총장|기장|어깨|가슴|허리|소매|발길이", re.I)
EXCHANGE_WORDS = re.compile(r"교환|환불|반품|AS", re.I)


# ---- Which product a question means ------------------------------------------------------------------------


def items_on_air(*, broadcast_id: int) -> list[BroadcastProduct]:
    """The broadcast's products in the seller's order, each with its chat-order ``code`` (A1, A2, …) as the
    cards show it (kept for the broadcast, never reused after a product is taken off)."""
    return list(BroadcastProduct.objects.filter(broadcast_id=broadcast_id).select_related("product"))


def _name_words(name: str) -> list[str]:
    return [
        word for word in re.split(r"[\s/·,()\[\]]+", name) if len(word) >= 2 and word not in NAME_STOPWORDS
    ]


def item_named(*, items: list[BroadcastProduct], text: str, code: str) -> BroadcastProduct | None:
    """The product a question names: by its code (A1), else by the longest word of its name in the text."""
    if code:
        found = next((item for item in items if item.code == code), None)
        if found is not None:
            return found
    best, best_length = None, 0
    for item in items:
        for word in _name_words(item.product.name):
            if len(word) > best_length and word in text:
                best, best_length = item, len(word)
    return best


# ---- The product's description -----------------------------------------------------------------------------


class _DescriptionReader(HTMLParser):
    """The description's tables (rows of cell texts) and its other text, line by line."""

    BLOCKS = {"p", "li", "br", "div", "h1", "h2", "h3", "h4", "tr"}

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.lines: list[str] = [""]
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            self.tables.append([])
        elif tag == "tr" and self._depth:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._depth:
            self._cell = []
        if tag in self.BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._depth and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._depth = max(self._depth - 1, 0)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth:
            self.lines[-1] += data


def _read(description: str) -> _DescriptionReader:
    reader = _DescriptionReader()
    reader.feed(description or "")
    reader.close()
    reader.lines = [" ".join(line.split()) for line in reader.lines if line.strip()]
    return reader


def size_chart(description: str) -> str:
    """The size chart a description holds, as one line (``S 총장 65 · 가슴 50 / M …``), or ""."""
    reader = _read(description)
    for table in reader.tables:
        rows = [row for row in table if row]
        if len(rows) >= 2 and SIZE_CHART_WORDS.search(" ".join(rows[0])):
            header = rows[0]
            return " / ".join(
                f"{row[0]} "
                + " · ".join(f"{name} {value}" for name, value in zip(header[1:], row[1:], strict=False))
                for row in rows[1:]
            )
    for line in reader.lines:
        if SIZE_CHART_WORDS.search(line) and re.search(r"\d", line):
            return line
    return ""


def description_row(description: str, label: re.Pattern) -> str:
    """The value of the description's two-cell table row whose label matches (e.g. 배송 → 당일 출고), or ""."""
    for table in _read(description).tables:
        for row in table:
            if len(row) == 2 and label.search(row[0]):
                return row[1]
    return ""


# ---- Suggested answers -------------------------------------------------------------------------------------


def _option_parts(options, index: int) -> list[str]:
    """Distinct parts of option names like ``블랙 / M`` (0: the colour, -1: the size), in order."""
    parts = [option.name.split("/")[index].strip() for option in options if "/" in option.name]
    return list(dict.fromkeys(parts))


def _price_answer(item: BroadcastProduct, options) -> str:
    product = item.product
    price = item.price
    text = f"{price:,}원이에요"
    if item.live_price is not None and item.live_price < product.sale_price:
        text = f"라이브 특가 {price:,}원이에요 (판매가 {product.sale_price:,}원)"
    elif product.list_price > price:
        text += f" (정가 {product.list_price:,}원에서 {(product.list_price - price) * 100 // product.list_price}% 할인)"
    extras = [f"{option.name} +{option.extra_price:,}원" for option in options if option.extra_price > 0]
    if extras:
        text += ". 추가 금액: " + ", ".join(extras[:OPTIONS_LISTED])
    return text


def _size_answer(item: BroadcastProduct, options) -> str:
    sizes = _option_parts(options, -1) or [option.name for option in options]
    text = f"사이즈는 {', '.join(sizes[:OPTIONS_LISTED])} 있어요" if sizes else "사이즈는 한 가지예요"
    chart = size_chart(item.product.description)
    return f"{text}. 실측: {chart}" if chart else f"{text}. 자세한 사이즈표는 상품 상세에 있어요"


def _color_answer(item: BroadcastProduct, options) -> str:
    colours = _option_parts(options, 0) or [option.name for option in options]
    return f"색상은 {', '.join(colours[:OPTIONS_LISTED])} 있어요" if colours else "색상은 한 가지예요"


def _stock_answer(item: BroadcastProduct, options) -> str:
    total = sum(option.stock for option in options)
    if item.is_sold_out or total == 0:
        return "지금 품절이에요. 상품 페이지에서 재입고 알림을 신청해 주세요"
    if len(options) <= 1:
        return f"{total:,}개 남았어요"
    listed = ", ".join(
        f"{option.name} {option.stock:,}개" if option.stock else f"{option.name} 품절" for option in options
    )
    return f"{total:,}개 남았어요 ({listed})" if len(options) <= OPTIONS_LISTED else f"{total:,}개 남았어요"


def _shipping_answer(item: BroadcastProduct | None) -> str:
    threshold = free_shipping_threshold()
    text = f"배송비 {settings.ORDERS_SHIPPING_FEE:,}원, {threshold:,}원 이상 사시면 무료배송이에요. "
    row = description_row(item.product.description, re.compile("배송")) if item is not None else ""
    return text + (row if row else f"주문 후 {settings.ORDERS_DELIVERY_DAYS}영업일 안에 받아보실 수 있어요")


def _time_answer(broadcast_id: int) -> str:
    text = "라이브 특가는 방송이 끝날 때까지예요"
    coupon = next(iter(room_selectors.coupons_open(broadcast_id=broadcast_id)), None)
    if coupon is not None and coupon.remaining > 0:
        until = timezone.localtime(coupon.expires_at).strftime("%H:%M")
        text += f". 지금 '{coupon.title}' {coupon.remaining}장 남았어요, {until}까지 받으세요"
    return text


def answer_suggest(
    *, broadcast_id: int, topic: str, item: BroadcastProduct | None, texts: list[str], code: str = ""
) -> str:
    """The answer the queue offers for a group: plain text from the product data, at most 300 characters,
    opening with the product's ``code`` and name; "" when the product data has nothing to say (the host
    writes it)."""
    if topic == "shipping":
        text = _shipping_answer(item)
    elif topic == "time":
        text = _time_answer(broadcast_id)
    elif topic == "other":
        asks_exchange = any(EXCHANGE_WORDS.search(line) for line in texts)
        row = description_row(item.product.description, EXCHANGE_WORDS) if item and asks_exchange else ""
        text = f"교환·반품: {row}" if row else ""
    elif item is None:
        text = "어떤 상품인지 상품 번호(A1, A2…)로 알려 주세요!"
    else:
        options = list(product_options(product_id=item.product_id))
        answer = {
            "price": _price_answer,
            "size": _size_answer,
            "color": _color_answer,
            "stock": _stock_answer,
        }
        text = answer[topic](item, options)
    if text and item is not None and topic != "time":
        text = f"[{code} {item.product.name}] {text}" if code else f"[{item.product.name}] {text}"
    return text if len(text) <= ANSWER_MAX_CHARS else text[: ANSWER_MAX_CHARS - 1] + "…"


# ---- The queue ---------------------------------------------------------------------------------------------


def _group_payload(question: ChatQuestion, codes: dict[int, BroadcastProduct], deleted: set[int]) -> dict:
    item = codes.get(question.item_id) if question.item_id else None
    # A line a moderator deleted from the chat is not shown to the host again (it still counts).
    recent = [
        {"name": line.get("name", ""), "text": line.get("text", "")}
        for line in question.recent
        if line.get("id") not in deleted
    ]
    payload = {
        "id": question.pk,
        "topic": question.topic,
        "topic_label": question.get_topic_display(),
        "code": getattr(item, "code", ""),
        "product": item.product.name if item is not None else "",
        "count": question.count,
        "recent": recent,
        "last_at": timezone.localtime(question.last_asked_at).strftime("%H:%M"),
    }
    if question.answered_at is None:
        payload["suggestion"] = answer_suggest(
            broadcast_id=question.broadcast_id,
            topic=question.topic,
            item=item,
            texts=[line["text"] for line in recent],
            code=payload["code"],
        )
    else:
        payload["answer"] = question.answer_text
        payload["answered_at"] = timezone.localtime(question.answered_at).strftime("%H:%M")
    return payload


def question_queue(*, broadcast_id: int) -> dict:
    """The host's queue: open groups, most asked first (then the latest), and the last few answered."""
    items = {item.pk: item for item in items_on_air(broadcast_id=broadcast_id)}
    questions = ChatQuestion.objects.filter(broadcast_id=broadcast_id)
    waiting = questions.filter(answered_at__isnull=True).order_by("-count", "-last_asked_at", "-id")
    answered = questions.filter(answered_at__isnull=False).order_by("-answered_at", "-id")[:ANSWERED_SHOWN]
    waiting, answered = list(waiting), list(answered)
    line_ids = {line.get("id") for question in (*waiting, *answered) for line in question.recent} - {None}
    deleted = set(
        ChatMessage.objects.filter(pk__in=line_ids, deleted_at__isnull=False).values_list("id", flat=True)
    )
    return {
        "open": [_group_payload(question, items, deleted) for question in waiting],
        "answered": [_group_payload(question, items, deleted) for question in answered],
    }


def question_get(*, broadcast_id: int, question_id: int) -> ChatQuestion | None:
    return ChatQuestion.objects.filter(broadcast_id=broadcast_id, pk=question_id).first()
