"""Broadcast reports: a broadcast's audience and live sales as ``live.broadcast_report_daily`` computes them,
and the stored reports the dashboard shows."""

from dataclasses import dataclass, field
from datetime import datetime

from apps.core.db_router import replica_reads
from apps.live import selectors as live_selectors
from apps.live.models import Broadcast, BroadcastPin, BroadcastViewerSample, ChatMessage
from apps.orders.models import OrderLine
from apps.reports.models import BroadcastReport, CartAddition
from apps.reports.registry import Period
from apps.reports.selectors.attribution import live_broadcast_for, live_windows
from apps.reports.selectors.periods import period_bounds


@dataclass(frozen=True)
class Audience:
    peak_viewers: int = 0
    average_viewers: int = 0
    messages: int = 0
    likes: int = 0


@replica_reads()
def broadcast_audience(*, broadcast_id: int) -> Audience:
    """Viewers, chat messages and likes of a broadcast, as the live module counts them.

    The one place the report reads them: ``apps.live.selectors.broadcast_audience_stats`` (a dict with
    ``peak_viewers``, ``average_viewers``, ``messages``, ``likes``).
    """
    figures = live_selectors.broadcast_audience_stats(broadcast_id=broadcast_id)
    return Audience(**{name: int(figures.get(name) or 0) for name in Audience.__dataclass_fields__})


@dataclass
class SalesTally:
    add_to_carts: int = 0
    quantity: int = 0
    revenue: int = 0
    order_ids: set[int] = field(default_factory=set)

    @property
    def orders(self) -> int:
        return len(self.order_ids)


@dataclass(frozen=True)
class PinWindow:
    product_id: int
    product_name: str
    start: datetime
    end: datetime
    tally: SalesTally

    def covers(self, product_id: int, at: datetime) -> bool:
        return self.product_id == product_id and self.start <= at < self.end


@dataclass(frozen=True)
class BroadcastFigures:
    broadcast: Broadcast
    audience: Audience
    total: SalesTally
    pins: list[PinWindow]


@replica_reads()
def broadcast_figures(*, broadcast_id: int) -> BroadcastFigures | None:
    """A broadcast's report, or None before it has been on air and ended.

    Orders: the paid orders whose lines are live sales of this broadcast (``live_broadcast_for``); each
    pinned window (from a pin to the next pin or the end) counts the lines of its product ordered in it, and
    the "장바구니 담기" of that product in it. Amounts are what was paid for the lines (refunds later are the
    settlement's business).
    """
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.started_at is None or broadcast.ended_at is None:
        return None
    start, end = broadcast.started_at, broadcast.ended_at
    all_windows = live_windows(start=start, end=end)
    own = next((w for w in all_windows if w.broadcast_id == broadcast.pk), None)
    product_ids = list(own.product_ids) if own else []
    pins = list(
        BroadcastPin.objects.filter(broadcast=broadcast).select_related("product").order_by("pinned_at", "id")
    )
    pin_windows = [
        PinWindow(
            product_id=pin.product_id,
            product_name=pin.product.name,
            start=pin.pinned_at,
            end=pins[index + 1].pinned_at if index + 1 < len(pins) else end,
            tally=SalesTally(),
        )
        for index, pin in enumerate(pins)
    ]
    total = SalesTally()
    lines = (
        OrderLine.objects.filter(
            order__created_at__gte=start,
            order__created_at__lt=end,
            order__paid_at__isnull=False,
            product_id__in=product_ids,
        )
        .select_related("order")
        .only("order__id", "order__created_at", "product_id", "unit_price", "quantity")
    )
    for line in lines:
        owner = live_broadcast_for(all_windows, product_id=line.product_id, at=line.order.created_at)
        if owner is None or owner.broadcast_id != broadcast.pk:
            continue
        tallies = [total] + [w.tally for w in pin_windows if w.covers(line.product_id, line.order.created_at)]
        for tally in tallies:
            tally.order_ids.add(line.order_id)
            tally.quantity += line.quantity
            tally.revenue += line.amount
    for addition in CartAddition.objects.filter(
        added_at__gte=start, added_at__lt=end, product_id__in=product_ids
    ).only("product_id", "added_at"):
        total.add_to_carts += 1
        for w in pin_windows:
            if w.covers(addition.product_id, addition.added_at):
                w.tally.add_to_carts += 1
    return BroadcastFigures(
        broadcast=broadcast,
        audience=broadcast_audience(broadcast_id=broadcast.pk),
        total=total,
        pins=pin_windows,
    )


@replica_reads()
def broadcasts_ended_in(*, period: Period) -> list[int]:
    start, end = period_bounds(period)
    return list(
        Broadcast.objects.filter(ended_at__gte=start, ended_at__lt=end, started_at__isnull=False)
        .order_by("ended_at", "id")
        .values_list("id", flat=True)
    )


@dataclass(frozen=True)
class BroadcastRow:
    broadcast_id: int
    title: str
    started_at: datetime | None
    peak_viewers: int
    average_viewers: int
    messages: int
    likes: int
    orders: int
    revenue: int
    add_to_carts: int = 0


@replica_reads()
def broadcast_performance(*, limit: int = 20) -> list[BroadcastRow]:
    """The newest broadcast reports (``live.broadcast_report``), newest first."""
    return [
        BroadcastRow(
            broadcast_id=report.broadcast_id,
            title=report.title,
            started_at=report.started_at,
            peak_viewers=report.peak_viewers,
            average_viewers=report.average_viewers,
            messages=report.messages,
            likes=report.likes,
            orders=report.orders,
            revenue=report.revenue,
            add_to_carts=report.add_to_carts,
        )
        for report in BroadcastReport.objects.order_by("-started_at", "-id")[:limit]
    ]


def _minutes(at: datetime, start: datetime) -> float:
    return round(max((at - start).total_seconds(), 0) / 60, 1)


def broadcast_report_for_studio(*, broadcast_id: int) -> dict | None:
    """The report a seller reads in the studio (``apps.live.hooks.broadcast_report``), or None before the end.

    The figures are the stored ``BroadcastReport`` when the job wrote it, else ``broadcast_figures`` computed
    now (the same function the job runs, so both agree). Viewers over time are the live module's samples, chat
    is counted per minute, and each pinned window gets the peak and average of the samples taken in it.
    """
    report = BroadcastReport.objects.filter(broadcast_id=broadcast_id).prefetch_related("pins").first()
    if report is not None and report.started_at is not None and report.ended_at is not None:
        start, end, computed_at = report.started_at, report.ended_at, report.computed_at
        summary = {
            name: getattr(report, name)
            for name in ("peak_viewers", "average_viewers", "messages", "likes", "add_to_carts", "orders")
        } | {"quantity": report.quantity, "revenue": report.revenue}
        windows = [
            (
                pin.product_name,
                pin.pinned_from,
                pin.pinned_until,
                pin.add_to_carts,
                pin.orders,
                pin.quantity,
                pin.revenue,
            )
            for pin in report.pins.all()
        ]
    else:
        figures = broadcast_figures(broadcast_id=broadcast_id)
        if figures is None:
            return None
        start, end, computed_at = figures.broadcast.started_at, figures.broadcast.ended_at, None
        audience, total = figures.audience, figures.total
        summary = {
            "peak_viewers": audience.peak_viewers,
            "average_viewers": audience.average_viewers,
            "messages": audience.messages,
            "likes": audience.likes,
            "add_to_carts": total.add_to_carts,
            "orders": total.orders,
            "quantity": total.quantity,
            "revenue": total.revenue,
        }
        windows = [
            (
                w.product_name,
                w.start,
                w.end,
                w.tally.add_to_carts,
                w.tally.orders,
                w.tally.quantity,
                w.tally.revenue,
            )
            for w in figures.pins
        ]
    samples = list(
        BroadcastViewerSample.objects.filter(broadcast_id=broadcast_id)
        .order_by("at")
        .values_list("at", "viewers")
    )
    chat: dict[int, int] = {}
    for created_at in (
        ChatMessage.objects.filter(broadcast_id=broadcast_id, deleted_at__isnull=True)
        .values_list("created_at", flat=True)
        .iterator()
    ):
        minute = int(max((created_at - start).total_seconds(), 0) // 60)
        chat[minute] = chat.get(minute, 0) + 1
    last_minute = int(max((end - start).total_seconds(), 0) // 60)
    pins = []
    for name, pin_from, pin_until, carts, orders, quantity, revenue in windows:
        during = [viewers for at, viewers in samples if pin_from <= at < pin_until]
        pins.append(
            {
                "product_name": name,
                "offset_seconds": round(max((pin_from - start).total_seconds(), 0)),
                "duration_seconds": round(max((pin_until - pin_from).total_seconds(), 0)),
                "peak_viewers": max(during, default=0),
                "average_viewers": round(sum(during) / len(during)) if during else 0,
                "add_to_carts": carts,
                "orders": orders,
                "quantity": quantity,
                "revenue": revenue,
            }
        )
    return {
        "started_at": start,
        "ended_at": end,
        "computed_at": computed_at,
        "summary": summary,
        "viewers": [{"minute": _minutes(at, start), "count": viewers} for at, viewers in samples],
        "chat": [{"minute": minute, "count": chat.get(minute, 0)} for minute in range(last_minute + 1)],
        "pins": pins,
    }
