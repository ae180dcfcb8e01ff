"""Reads of the host's console (the studio during the show): the room's numbers over the last minute and
minute by minute, the stock of each product on air, and the chat-command claims. No read here writes.

The studio polls them (``views.studio.studio_console``) every few seconds; the chat itself, with its
moderation menu, comes over the room's own STOMP connection.

"Per minute" is the last 60 seconds up to now; the series is by clock minute (Asia/Seoul), the last
``MINUTES_SHOWN`` of them, the current one still filling. An order counts when it is paid, and it is the
broadcast's when it was placed since the broadcast started and holds one of its products.
"""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from apps.catalog.models import ProductOption
from apps.live import selectors
from apps.live.models import Broadcast, BroadcastProduct, ChatClaim, ChatMessage
from apps.live.room.selectors import display_name_of
from apps.orders import selectors as orders_selectors

MINUTES_SHOWN = 10
CLAIMS_SHOWN = 30
WINDOW = datetime.timedelta(seconds=60)


def _minute_of(at: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(at).replace(second=0, microsecond=0)


def console_figures(*, broadcast: Broadcast, now: datetime.datetime | None = None) -> dict:
    """Everything the console shows, as JSON-ready data (see the module's docstring for what counts)."""
    now = now or timezone.now()
    last_minute = _minute_of(now)
    minutes = [last_minute - datetime.timedelta(minutes=n) for n in range(MINUTES_SHOWN - 1, -1, -1)]
    series = {minute: {"chat": 0, "orders": set(), "revenue": 0} for minute in minutes}
    window_from = min(minutes[0], now - WINDOW)

    chat_times = list(
        ChatMessage.objects.filter(broadcast=broadcast, created_at__gte=window_from).values_list(
            "created_at", flat=True
        )
    )
    items = list(BroadcastProduct.objects.filter(broadcast=broadcast).select_related("product"))
    sales = []
    if broadcast.started_at is not None:
        sales = orders_selectors.paid_line_sales(
            product_ids=[item.product_id for item in items], placed_from=broadcast.started_at
        )
    for at in chat_times:
        if (bucket := series.get(_minute_of(at))) is not None:
            bucket["chat"] += 1
    for order_id, paid_at, amount in sales:
        if (bucket := series.get(_minute_of(paid_at))) is not None:
            bucket["orders"].add(order_id)
            bucket["revenue"] += amount
    recent = [(order_id, amount) for order_id, paid_at, amount in sales if now - WINDOW < paid_at <= now]
    likes = Broadcast.objects.filter(pk=broadcast.pk).values_list("likes", flat=True).first() or 0
    return {
        "status": broadcast.status,
        "viewers": selectors.viewer_count(broadcast_id=broadcast.pk),
        "hearts": likes,
        "per_minute": {
            "chat": sum(1 for at in chat_times if now - WINDOW < at <= now),
            "orders": len({order_id for order_id, _ in recent}),
            "revenue": sum(amount for _, amount in recent),
        },
        "totals": {
            "orders": len({order_id for order_id, _, _ in sales}),
            "revenue": sum(amount for _, _, amount in sales),
        },
        "minutes": [
            {
                "label": minute.strftime("%H:%M"),
                "chat": series[minute]["chat"],
                "orders": len(series[minute]["orders"]),
                "revenue": series[minute]["revenue"],
            }
            for minute in minutes
        ],
        "items": _items(items),
        "claims": _claims(broadcast),
    }


def _items(items: list[BroadcastProduct]) -> list[dict]:
    stock = dict(
        ProductOption.objects.filter(product_id__in=[item.product_id for item in items])
        .values_list("product_id")
        .annotate(total=Sum("stock"))
        .order_by()
    )
    claims: dict[tuple[int, str], int] = {
        (item_id, status): count
        for item_id, status, count in ChatClaim.objects.filter(item__in=items)
        .values_list("item_id", "status")
        .annotate(count=Count("id"))
        .order_by()
    }
    return [
        {
            "item_id": item.pk,
            "code": item.code or "",
            "name": item.product.name,
            "price": item.price,
            "stock": stock.get(item.product_id) or 0,
            "sold_out": item.is_sold_out or not stock.get(item.product_id),
            "pinned": item.is_pinned,
            "held": claims.get((item.pk, ChatClaim.Status.HELD), 0)
            + claims.get((item.pk, ChatClaim.Status.OFFERED), 0),
            "waiting": claims.get((item.pk, ChatClaim.Status.WAITING), 0),
        }
        for item in items
    ]


def _claims(broadcast: Broadcast) -> list[dict]:
    """The latest claims, newest first; a waiting one says its place in its option's line."""
    rows = list(
        ChatClaim.objects.filter(broadcast=broadcast)
        .select_related("user", "option", "item")
        .order_by("-id")[:CLAIMS_SHOWN]
    )
    waiting = [row for row in rows if row.status == ChatClaim.Status.WAITING]
    places = {}
    if waiting:
        line = ChatClaim.objects.filter(
            option_id__in={row.option_id for row in waiting}, status=ChatClaim.Status.WAITING
        ).order_by("id")
        counters: dict[int, int] = {}
        for claim_id, option_id in line.values_list("pk", "option_id"):
            counters[option_id] = counters.get(option_id, 0) + 1
            places[claim_id] = counters[option_id]
    return [
        {
            "id": row.pk,
            "at": timezone.localtime(row.created_at).strftime("%H:%M:%S"),
            "code": row.item.code if row.item else "",
            "buyer": display_name_of(row.user),
            "option": row.option.name,
            "quantity": row.quantity,
            "status": row.status,
            "status_label": row.get_status_display(),
            "place": places.get(row.pk),
            "note": row.note,
        }
        for row in rows
    ]
