"""The staff's live monitor (``/staff/live/``): one tile per broadcast on air, and the chat-spike alerts.

The numbers are live's (``apps.live.room.monitor``: viewers from the room's shared count, chat and orders
from their rows); what makes an alert is decided here, from the runtime settings (admin → 운영 설정 → 라이브
모니터): a show's last minute of chat is a spike when it has at least ``LIVE_MONITOR_SPIKE_MIN_MESSAGES``
messages and at least ``LIVE_MONITOR_SPIKE_FACTOR`` times its own baseline (its messages a minute over the
``LIVE_MONITOR_BASELINE_MINUTES`` before). A show not on air for a whole minute before the last has no
baseline yet and raises no alert.
"""

import dataclasses
import datetime
import logging
from decimal import Decimal, InvalidOperation

import redis
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.live.moderation.selectors import reports_spiking_by_broadcast, reports_waiting_by_broadcast
from apps.live.room import monitor
from apps.live.room.selectors import display_name_of

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SpikeRule:
    factor: Decimal
    min_messages: int
    baseline_minutes: int


@dataclasses.dataclass
class MonitorTile:
    broadcast_id: int
    title: str
    seller_name: str
    started_at: datetime.datetime | None
    reconnecting: bool
    hls_url: str
    room_url: str
    studio_url: str
    stop_url: str
    viewers: int
    chat_per_minute: int
    orders_per_minute: int
    chat_baseline: float | None
    spike: bool
    # Viewer reports waiting for staff in this room (on the broadcast and on its messages), and whether reports
    # came in faster than 운영 설정 → 라이브 신고 allows (``live.moderation.selectors``).
    reports_waiting: int = 0
    reports_spike: bool = False

    @property
    def alert(self) -> bool:
        return self.spike or self.reports_spike

    @property
    def spike_ratio(self) -> float | None:
        if not self.spike or not self.chat_baseline:
            return None
        return round(self.chat_per_minute / self.chat_baseline, 1)

    def as_json(self) -> dict:
        return {
            "id": self.broadcast_id,
            "viewers": self.viewers,
            "chat_per_minute": self.chat_per_minute,
            "orders_per_minute": self.orders_per_minute,
            "chat_baseline": None if self.chat_baseline is None else round(self.chat_baseline, 1),
            "spike": self.spike,
            "spike_ratio": self.spike_ratio,
            "reconnecting": self.reconnecting,
            "reports_waiting": self.reports_waiting,
            "reports_spike": self.reports_spike,
        }


def spike_rule() -> SpikeRule:
    """The alert's thresholds from admin → 운영 설정 (their defaults while the settings cannot be read)."""
    from constance import config

    defaults = {name: settings.CONSTANCE_CONFIG[name][0] for name in _RULE_SETTINGS}
    try:
        values = {name: getattr(config, name) for name in _RULE_SETTINGS}
    except redis.exceptions.RedisError:
        logger.warning("live monitor: runtime settings unreadable, using the defaults")
        values = defaults
    try:
        factor = Decimal(values["LIVE_MONITOR_SPIKE_FACTOR"])
    except (InvalidOperation, TypeError, ValueError):
        factor = defaults["LIVE_MONITOR_SPIKE_FACTOR"]
    return SpikeRule(
        factor=max(factor, Decimal("1")),
        min_messages=max(int(values["LIVE_MONITOR_SPIKE_MIN_MESSAGES"]), 1),
        baseline_minutes=max(int(values["LIVE_MONITOR_BASELINE_MINUTES"]), 1),
    )


_RULE_SETTINGS = (
    "LIVE_MONITOR_SPIKE_FACTOR",
    "LIVE_MONITOR_SPIKE_MIN_MESSAGES",
    "LIVE_MONITOR_BASELINE_MINUTES",
)


def chat_spikes(*, per_minute: int, baseline: float | None, rule: SpikeRule) -> bool:
    """Is this last minute of chat well above the show's own pace? (See the module's docstring.)"""
    if baseline is None or per_minute < rule.min_messages:
        return False
    return Decimal(per_minute) >= rule.factor * Decimal(str(baseline))


def live_monitor(*, now: datetime.datetime | None = None) -> list[MonitorTile]:
    """A tile for every broadcast on air, the earliest started first."""
    now = now or timezone.now()
    rule = spike_rule()
    broadcasts = monitor.broadcasts_on_air()
    figures = monitor.monitor_figures(broadcasts=broadcasts, baseline_minutes=rule.baseline_minutes, now=now)
    ids = [broadcast.pk for broadcast in broadcasts]
    waiting = reports_waiting_by_broadcast(ids)
    reported = reports_spiking_by_broadcast(ids)
    tiles = []
    for broadcast in broadcasts:
        numbers = figures[broadcast.pk]
        tiles.append(
            MonitorTile(
                broadcast_id=broadcast.pk,
                title=broadcast.title,
                seller_name=display_name_of(broadcast.seller),
                started_at=broadcast.started_at,
                reconnecting=broadcast.is_reconnecting,
                hls_url=broadcast.hls_url,
                room_url=broadcast.get_absolute_url(),
                studio_url=reverse("live:studio", kwargs={"pk": broadcast.pk}),
                stop_url=reverse("reports:live-monitor-stop", kwargs={"pk": broadcast.pk}),
                viewers=numbers.viewers,
                chat_per_minute=numbers.chat_per_minute,
                orders_per_minute=numbers.orders_per_minute,
                chat_baseline=numbers.chat_baseline,
                spike=chat_spikes(
                    per_minute=numbers.chat_per_minute, baseline=numbers.chat_baseline, rule=rule
                ),
                reports_waiting=waiting.get(broadcast.pk, 0),
                reports_spike=broadcast.pk in reported,
            )
        )
    return tiles
