"""The staff's live monitor: every broadcast on air as a tile (muted player, viewers, chat and orders a
minute, chat-spike alerts), its numbers polled as JSON, and stopping a broadcast with a reason (live's
service: the seller is mailed and sees it in the studio, viewers see the show end)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from apps.live import selectors as live_selectors
from apps.live import services as live_services
from apps.reports.selectors.live_monitor import live_monitor, spike_rule
from apps.reports.views import staff_required

POLL_SECONDS = 5


@require_safe
@never_cache
@staff_required
def monitor(request):
    tiles = live_monitor()
    return render(
        request,
        "reports/live_monitor.html",
        {
            "tiles": tiles,
            "alerts": [tile for tile in tiles if tile.alert],
            "rule": spike_rule(),
            "poll_seconds": POLL_SECONDS,
            "player_config": live_selectors.player_config(),
            "updated_at": timezone.localtime(),
        },
    )


@require_safe
@never_cache
@staff_required
def monitor_figures(request):
    """The tiles' numbers (the page polls this every few seconds)."""
    tiles = live_monitor()
    return JsonResponse(
        {
            "updated_at": timezone.localtime().strftime("%H:%M:%S"),
            "broadcasts": [tile.as_json() for tile in tiles],
        }
    )


@require_POST
@staff_required
def monitor_stop(request, pk: int):
    """Stop a broadcast on air with the reason staff typed; back to the monitor with what happened."""
    broadcast = live_selectors.broadcast_get(pk=pk)
    try:
        live_services.broadcast_stop(
            broadcast=broadcast, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, f"'{broadcast.title}' 방송을 중지하지 못했어요: {exc.messages[0]}")
    else:
        messages.success(request, f"'{broadcast.title}' 방송을 중지했어요. 셀러에게 사유를 메일로 보냈어요.")
    return redirect("reports:live-monitor")
