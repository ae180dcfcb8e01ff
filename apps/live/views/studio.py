"""The seller's studio: their broadcasts, scheduling one, the stream key, products on air and their pins,
ending the broadcast. Only the broadcast's seller (or staff) reaches a studio; anyone else gets a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts.bans import ban_message
from apps.accounts.selectors import member_ban_active
from apps.live import hooks, selectors, tasks
from apps.live.forms import BroadcastForm, ProductAddForm
from apps.live.media.server import KEYFRAME_INTERVAL_SECONDS
from apps.live.room import console
from apps.live.room import selectors as room_selectors
from apps.live.room import services as room_services
from apps.live.services import broadcasts, onair


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def studio_index(request):
    """A seller's broadcasts and the form to schedule a new one."""
    if not broadcasts.may_broadcast(request.user):
        raise PermissionDenied("셀러만 라이브 스튜디오를 쓸 수 있어요.")
    form = BroadcastForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            broadcast = broadcasts.broadcast_create(seller=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            tasks.broadcast_cover_renditions_schedule(broadcast)
            messages.success(request, "방송을 예약했어요. 상품을 추가하고 송출을 준비하세요.")
            return redirect("live:studio", pk=broadcast.pk)
    return render(
        request,
        "live/studio_index.html",
        {"broadcasts": selectors.broadcasts_of_seller(user=request.user), "form": form},
    )


@login_required
@require_safe
@never_cache
def studio(request, pk: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    items = selectors.broadcast_item_cards(broadcast=broadcast)
    health = selectors.studio_stream_health(broadcast=broadcast)
    checklist = selectors.studio_checklist(broadcast=broadcast, items=items, health=health)
    member_query = request.GET.get("member", "")[:50]
    # The publish gate refuses a banned seller; the studio says so before they try (and why, until when).
    ban = member_ban_active(broadcast.seller)
    return render(
        request,
        "live/studio.html",
        {
            "broadcast": broadcast,
            "ban_message": ban_message(ban, doing="방송") if ban else "",
            "items": items,
            "pins": broadcast.pins.select_related("product").order_by("-offset_seconds")[:20],
            "product_choices": selectors.studio_product_choices(broadcast=broadcast),
            "checklist": checklist,
            "health": health,
            "checklist_done": sum(check.done for check in checklist),
            "keyframe_seconds": KEYFRAME_INTERVAL_SECONDS,
            "viewer_count": selectors.viewer_count(broadcast_id=broadcast.pk),
            "ingest_url": settings.RTMP_INGEST_URL,
            "obs_stream_key": f"{broadcast.public_name}?key={broadcast.stream_key}",
            "cover_url": selectors.cover_url(broadcast),
            "player_config": selectors.player_config(),
            "moderators": [
                (user, room_selectors.login_id_masked(user.username))
                for user in room_selectors.moderators_of(broadcast=broadcast)
            ],
            "member_query": member_query,
            "member_query_short": 0 < len(member_query.strip()) < room_selectors.MODERATOR_SEARCH_MIN_CHARS,
            "candidates": [
                (user, room_selectors.login_id_masked(user.username))
                for user in room_selectors.moderator_candidates(broadcast=broadcast, query=member_query)
            ],
        },
    )


@login_required
@require_safe
@never_cache
def studio_console(request, pk: int):
    """The console's numbers, stock and claims as JSON; the studio page polls it during the show."""
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    return JsonResponse(console.console_figures(broadcast=broadcast))


@login_required
@require_POST
def studio_key_regenerate(request, pk: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    broadcasts.broadcast_stream_key_regenerate(broadcast=broadcast)
    messages.success(request, "새 스트림 키를 발급했어요. OBS의 스트림 키도 바꿔 주세요.")
    return redirect("live:studio", pk=pk)


@login_required
@require_POST
def studio_end(request, pk: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    broadcasts.broadcast_end(broadcast=broadcast)
    messages.success(request, "방송을 종료했어요.")
    return redirect("live:studio", pk=pk)


@login_required
@require_POST
def studio_product_add(request, pk: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    form = ProductAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect(reverse("live:studio", kwargs={"pk": pk}) + "#products")
    product = selectors.studio_product_get(product_id=form.cleaned_data["product"], broadcast=broadcast)
    if product is None:
        messages.error(request, "내 상점의 판매중이거나 품절인 상품만 추가할 수 있어요.")
        return redirect(reverse("live:studio", kwargs={"pk": pk}) + "#products")
    try:
        onair.broadcast_product_add(
            broadcast=broadcast, product=product, live_price=form.cleaned_data["live_price"]
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"'{product.name}' 상품을 추가했어요.")
    return redirect(reverse("live:studio", kwargs={"pk": pk}) + "#products")


STUDIO_ITEM_ACTIONS = {
    "pin": lambda item: onair.broadcast_product_pin(item=item),
    "unpin": lambda item: onair.broadcast_product_unpin(item=item),
    "sold-out": lambda item: onair.broadcast_product_sold_out_set(item=item, sold_out=True),
    "on-sale": lambda item: onair.broadcast_product_sold_out_set(item=item, sold_out=False),
    "remove": lambda item: onair.broadcast_product_remove(item=item),
}


@login_required
@require_POST
def studio_item(request, pk: int, item_id: int, action: str):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    if action not in STUDIO_ITEM_ACTIONS:
        raise Http404("알 수 없는 동작이에요.")
    item = selectors.broadcast_item_get_for_user(broadcast=broadcast, item_id=item_id)
    STUDIO_ITEM_ACTIONS[action](item)
    # The console's buttons bring the host back to the console, not to the product list further down.
    anchor = "#console" if request.POST.get("back") == "console" else "#products"
    return redirect(reverse("live:studio", kwargs={"pk": pk}) + anchor)


@login_required
@require_POST
def studio_moderator(request, pk: int, action: str):
    """Appoint (``add``) or dismiss (``remove``) a chat moderator; they get the room's menu on their next visit."""
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    if action not in ("add", "remove"):
        raise Http404("알 수 없는 동작이에요.")
    try:
        user_id = int(request.POST.get("user", ""))
    except ValueError:
        user_id = 0
    member = room_selectors.moderator_member_get(
        broadcast=broadcast, user_id=user_id, appointed=action == "remove"
    )
    if member is None:
        messages.error(request, "회원을 찾을 수 없어요. 다시 검색해 주세요.")
        return redirect(reverse("live:studio", kwargs={"pk": pk}) + "#moderators")
    room_services.broadcast_moderator_set(
        broadcast=broadcast, user=member, actor=request.user, on=action == "add"
    )
    label = member.name or member.username
    if action == "add":
        messages.success(request, f"{label} 님을 채팅 매니저로 지정했어요.")
    else:
        messages.success(request, f"{label} 님을 채팅 매니저에서 해제했어요.")
    return redirect(reverse("live:studio", kwargs={"pk": pk}) + "#moderators")


@login_required
@require_safe
@never_cache
def studio_report(request, pk: int):
    """The broadcast's report after the show: audience over time, chat, likes, and each pinned window's sales."""
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    report = hooks.broadcast_report(broadcast_id=broadcast.pk) if broadcast.is_ended else None
    chart = None
    if report is not None:
        for pin in report["pins"]:
            pin["offset_label"] = _clock(pin["offset_seconds"])
            pin["duration_label"] = _clock(pin["duration_seconds"])
        report["duration_label"] = _clock((report["ended_at"] - report["started_at"]).total_seconds())
        chart = {
            "viewers": report["viewers"],
            "chat": report["chat"],
            "pins": [
                {"label": pin["product_name"], "revenue": pin["revenue"], "orders": pin["orders"]}
                for pin in report["pins"]
            ],
        }
    return render(
        request, "live/studio_report.html", {"broadcast": broadcast, "report": report, "chart": chart}
    )


def _clock(seconds: float) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
