"""Where the reports module plugs in what the studio shows but live must not compute twice.

Live never imports ``reports`` (reports reads every module; nobody imports it). The broadcast report a
seller reads in the studio is computed by reports, the same figures its ``live.broadcast_report`` job keeps,
so ``ReportsConfig.ready`` registers the provider here::

    from apps.live import hooks
    hooks.broadcast_report_register(broadcast_report_for_studio)

Until a provider is registered the studio says the report is not available. A provider only reads.
"""

from collections.abc import Callable

# (broadcast_id) -> the report as plain data (see ``broadcast_report``), or None before the broadcast ended.
BroadcastReportProvider = Callable[..., dict | None]

_providers: dict[str, Callable | None] = {"broadcast_report": None}


def broadcast_report_register(provider: BroadcastReportProvider | None) -> BroadcastReportProvider | None:
    """Set who computes a broadcast's report; returns the provider it replaces, so a test can put it back."""
    previous, _providers["broadcast_report"] = _providers["broadcast_report"], provider
    return previous


def broadcast_report(*, broadcast_id: int) -> dict | None:
    """A broadcast's report for its studio, or None (not ended, never on air, or no provider).

    The dict holds ``summary`` (peak_viewers, average_viewers, messages, likes, add_to_carts, orders,
    quantity, revenue), ``viewers`` and ``chat`` (lists of ``{"minute", "count"}``, minutes from the start),
    ``pins`` (one per pinned window: product_name, offset_seconds, duration_seconds, peak_viewers,
    average_viewers, add_to_carts, orders, quantity, revenue), ``started_at``, ``ended_at`` and
    ``computed_at`` (when the stored report was written; None when computed for this request).
    """
    provider = _providers["broadcast_report"]
    if provider is None:
        return None
    return provider(broadcast_id=broadcast_id)
