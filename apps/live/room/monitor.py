"""Reads of the staff's live monitor: every broadcast on air with its audience, chat and order pace.

The monitor page (``apps.reports``) polls these every few seconds, so each read covers all broadcasts on air
in a fixed number of queries, whatever their count, except the orders (one query per broadcast, as the host's
console reads them: ``apps.live.room.console``).

What counts, the same as the host's console:
- viewers: the room's shared count (``apps.live.keys.viewer_count_key``, written by the room's ticker);
- chat per minute: messages posted in the last 60 seconds up to now, deleted ones included (a flood a
  moderator is cleaning up is still a flood);
- orders per minute: orders paid in the last 60 seconds that hold one of the broadcast's products and were
  placed since it started;
- the chat's baseline: the broadcast's own messages per minute over the ``baseline_minutes`` before that last
  minute (only whole minutes it was on air; ``None`` before it has one), for the spike alert.
"""

import dataclasses
import datetime

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils import timezone

from apps.live.keys import viewer_count_key
from apps.live.models import Broadcast, BroadcastProduct, ChatMessage
from apps.orders import selectors as orders_selectors

WINDOW = datetime.timedelta(seconds=60)


@dataclasses.dataclass(frozen=True)
class MonitorFigures:
    viewers: int
    chat_per_minute: int
    orders_per_minute: int
    chat_baseline: float | None  # messages a minute before the last one; None: not on air a whole minute yet
    baseline_minutes: int  # how many whole minutes the baseline covers


def broadcasts_on_air() -> list[Broadcast]:
    """Every broadcast on air (reconnecting ones too), the earliest started first, with its seller."""
    return list(
        Broadcast.objects.filter(status=Broadcast.Status.LIVE)
        .select_related("seller", "category")
        .order_by("started_at", "id")
    )


def _baseline_minutes(broadcast: Broadcast, *, now: datetime.datetime, limit: int) -> int:
    if broadcast.started_at is None:
        return 0
    on_air_before_last_minute = (now - WINDOW) - broadcast.started_at
    return max(0, min(limit, int(on_air_before_last_minute.total_seconds() // 60)))


def monitor_figures(
    *, broadcasts: list[Broadcast], baseline_minutes: int, now: datetime.datetime | None = None
) -> dict[int, MonitorFigures]:
    """The monitor's numbers of each broadcast, by id (see the module's docstring for what counts)."""
    if not broadcasts:
        return {}
    now = now or timezone.now()
    last_from = now - WINDOW
    spans = {b.pk: _baseline_minutes(b, now=now, limit=baseline_minutes) for b in broadcasts}
    earliest = last_from - datetime.timedelta(minutes=max(spans.values()))
    baseline_of = Q()
    for broadcast_id, minutes in spans.items():
        if minutes:
            span_from = last_from - datetime.timedelta(minutes=minutes)
            baseline_of |= Q(broadcast_id=broadcast_id, created_at__gt=span_from, created_at__lte=last_from)
    counts = {
        row["broadcast_id"]: row
        for row in ChatMessage.objects.filter(
            broadcast_id__in=list(spans),
            created_at__gt=earliest,
            created_at__lte=now,
            created_at__gte=F("broadcast__started_at"),
        )
        .values("broadcast_id")
        .annotate(
            last=Count("id", filter=Q(created_at__gt=last_from)),
            **({"before": Count("id", filter=baseline_of)} if baseline_of else {}),
        )
        .order_by()
    }
    viewers = cache.get_many([viewer_count_key(broadcast_id) for broadcast_id in spans])
    products: dict[int, list[int]] = {}
    for broadcast_id, product_id in BroadcastProduct.objects.filter(broadcast_id__in=list(spans)).values_list(
        "broadcast_id", "product_id"
    ):
        products.setdefault(broadcast_id, []).append(product_id)
    figures = {}
    for broadcast in broadcasts:
        row = counts.get(broadcast.pk, {})
        minutes = spans[broadcast.pk]
        orders = set()
        if broadcast.started_at is not None and products.get(broadcast.pk):
            orders = {
                order_id
                for order_id, paid_at, _amount in orders_selectors.paid_line_sales(
                    product_ids=products[broadcast.pk], placed_from=broadcast.started_at, paid_from=last_from
                )
                if last_from < paid_at <= now
            }
        figures[broadcast.pk] = MonitorFigures(
            viewers=int(viewers.get(viewer_count_key(broadcast.pk)) or 0),
            chat_per_minute=row.get("last", 0),
            orders_per_minute=len(orders),
            chat_baseline=row.get("before", 0) / minutes if minutes else None,
            baseline_minutes=minutes,
        )
    return figures
