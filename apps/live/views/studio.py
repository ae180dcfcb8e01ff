"""The seller's studio: their broadcasts, scheduling one, the stream key, products on air and their pins,
ending the broadcast. Only the broadcast's seller (or staff) reaches a studio; anyone else gets a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.live import selectors
from apps.live.forms import BroadcastForm, ProductAddForm
from apps.live.media.server import KEYFRAME_INTERVAL_SECONDS
from apps.live.services import broadcasts, onair


@login_required
@require_http_methods(["GET", "POST"])
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
            messages.success(request, "방송을 예약했어요. 상품을 추가하고 송출을 준비하세요.")
            return redirect("live:studio", pk=broadcast.pk)
    return render(
        request,
        "live/studio_index.html",
        {"broadcasts": selectors.broadcasts_of_seller(user=request.user), "form": form},
    )


@login_required
@require_GET
@never_cache
def studio(request, pk: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    items = selectors.broadcast_item_cards(broadcast=broadcast)
    checklist = selectors.studio_checklist(broadcast=broadcast, items=items)
    return render(
        request,
        "live/studio.html",
        {
            "broadcast": broadcast,
            "items": items,
            "pins": broadcast.pins.select_related("product").order_by("-offset_seconds")[:20],
            "product_choices": selectors.studio_product_choices(broadcast=broadcast),
            "checklist": checklist,
            "checklist_done": sum(check.done for check in checklist),
            "keyframe_seconds": KEYFRAME_INTERVAL_SECONDS,
            "viewer_count": selectors.viewer_count(broadcast_id=broadcast.pk),
            "ingest_url": settings.RTMP_INGEST_URL,
            "obs_stream_key": f"{broadcast.public_name}?key={broadcast.stream_key}",
            "cover_url": selectors.cover_url(broadcast),
            "player_config": selectors.player_config(),
        },
    )


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
    product = selectors.studio_product_get(product_id=form.cleaned_data["product"])
    if product is None:
        messages.error(request, "판매중이거나 품절인 상품만 추가할 수 있어요.")
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
    return redirect(reverse("live:studio", kwargs={"pk": pk}) + "#products")
