"""Live sales: which broadcast an order line was sold on air in (the seller statement's lower commission).

The money rules live in ``apps.payments``; this rule stays with reports because it joins live's broadcasts to
orders' lines, and payments sits below live.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from apps.live.models import Broadcast, BroadcastProduct
from apps.payments.statements import OnAir


@dataclass(frozen=True)
class LiveWindow:
    broadcast_id: int
    seller_id: int
    started_at: datetime
    ended_at: datetime | None
    product_ids: frozenset[int]

    def covers(self, *, product_id: int | None, at: datetime) -> bool:
        return (
            product_id in self.product_ids
            and self.started_at <= at
            and (self.ended_at is None or at < self.ended_at)
        )


def live_windows(*, start: datetime, end: datetime) -> list[LiveWindow]:
    """Every broadcast on air at some moment of ``start``..``end``, with the products it sold (oldest first)."""
    broadcasts = (
        Broadcast.objects.filter(started_at__isnull=False, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .order_by("started_at", "id")
        .values_list("id", "seller_id", "started_at", "ended_at")
    )
    windows = list(broadcasts)
    products: dict[int, set[int]] = defaultdict(set)
    for broadcast_id, product_id in BroadcastProduct.objects.filter(
        broadcast_id__in=[w[0] for w in windows]
    ).values_list("broadcast_id", "product_id"):
        products[broadcast_id].add(product_id)
    return [
        LiveWindow(pk, seller_id, started_at, ended_at, frozenset(products[pk]))
        for pk, seller_id, started_at, ended_at in windows
    ]


def live_broadcast_for(
    windows: list[LiveWindow], *, product_id: int | None, at: datetime
) -> LiveWindow | None:
    """The attribution rule: a line is a live sale of the broadcast that was on air when its order was placed
    and had the product on sale (the earliest-started one if two were); otherwise it is a shop sale."""
    return next((w for w in windows if w.covers(product_id=product_id, at=at)), None)


def on_air_sales(start: datetime, end: datetime) -> OnAir:
    """The seller statement's ``OnAirRule``: a line was sold on air when its order was placed while a broadcast
    that had the product on sale was on air. The broadcasts on air in ``start``..``end`` are read once."""
    windows = live_windows(start=start, end=end)

    def sold_on_air(product_id: int | None, at: datetime) -> bool:
        return live_broadcast_for(windows, product_id=product_id, at=at) is not None

    return sold_on_air
