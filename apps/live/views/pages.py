"""The viewers' pages: the broadcast list, a broadcast's page (live, scheduled or replay) and what it polls,
and "알림 받기".

Views parse input and call one selector or service; GET never writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from apps.live import selectors
from apps.live.services import alarms


@require_safe
def broadcast_list(request):
    tab = request.GET.get("tab", selectors.DEFAULT_TAB)
    if tab not in selectors.TABS:
        tab = selectors.DEFAULT_TAB
    category = request.GET.get("category", "")
    broadcasts = list(selectors.broadcast_listing(tab=tab, category_slug=category)[:60])
    return render(
        request,
        "live/list.html",
        {
            "tab": tab,
            "tabs": selectors.TABS,
            "category": category,
            "categories": selectors.listing_categories(),
            "broadcasts": broadcasts,
        },
    )


@require_safe
def broadcast_detail(request, pk: int):
    broadcast = selectors.broadcast_get(pk=pk)
    return render(
        request,
        "live/broadcast.html",
        {
            "broadcast": broadcast,
            "items": selectors.broadcast_item_cards(broadcast=broadcast),
            "chapters": selectors.broadcast_chapters(broadcast=broadcast) if broadcast.is_ended else [],
            "alarm_set": selectors.alarm_is_set(broadcast=broadcast, user=request.user),
            "viewer_count": selectors.viewer_count(broadcast_id=broadcast.pk),
            "cover_url": selectors.cover_url(broadcast),
            "player_config": selectors.player_config(),
            "is_owner": request.user.is_authenticated and request.user.pk == broadcast.seller_id,
        },
    )


@require_safe
@never_cache
def broadcast_status(request, pk: int):
    """What the broadcast page polls to notice the start and the end without a reload, and, while live,
    whether the encoder dropped and the show waits for it to reconnect (``reconnecting``)."""
    broadcast = selectors.broadcast_get(pk=pk)
    return JsonResponse(
        {
            "status": broadcast.status,
            "reconnecting": broadcast.is_reconnecting,
            "hls_url": broadcast.hls_url if broadcast.is_live else "",
            "replay_url": broadcast.replay_url,
            "viewer_count": selectors.viewer_count(broadcast_id=broadcast.pk),
        }
    )


@require_POST
@login_required
def alarm_set(request, pk: int):
    broadcast = selectors.broadcast_get(pk=pk)
    on = request.POST.get("on", "1") == "1"
    try:
        alarms.broadcast_alarm_set(broadcast=broadcast, user=request.user, on=on)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "방송이 시작되면 메일로 알려 드릴게요." if on else "알림을 취소했어요.")
    return redirect(broadcast)
