"""The room's HTTP side: the on-air hold and coupon claims (JSON for the page's room script).

The room itself is the WebSocket (``apps.live.room.consumer``); these are plain POSTs because they need the
session and CSRF of the page and answer with where to go next (checkout on the orders path).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core import ratelimit
from apps.live import selectors
from apps.live.room import selectors as room_selectors
from apps.live.room import services as room_services
from apps.live.services import holds


def _refused(refusal: room_services.ChatRefused, status: int = 409) -> JsonResponse:
    return JsonResponse({"code": refusal.code, "message": refusal.message}, status=status)


def _login_needed(request) -> JsonResponse:
    login_url = redirect_to_login(request.headers.get("referer") or "/").url
    return JsonResponse(
        {"code": "login-required", "message": "로그인하고 이용해 주세요.", "login_url": login_url}, status=401
    )


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_POST
def onair_hold(request, pk: int):
    """Hold the pinned product's units for this buyer now and answer the checkout URL of that hold."""
    # In a drop most presses come after the last unit went: they are answered from the cache, before the login
    # check's user query and the transaction (the room shows 품절 to everyone; the answer reveals nothing).
    if room_selectors.option_known_sold_out(option_id=_int(request.POST.get("option"))):
        return _refused(room_services.ChatRefused("sold-out", "품절된 상품이에요."))
    if not request.user.is_authenticated:
        return _login_needed(request)
    broadcast = selectors.broadcast_get(pk=pk)
    try:
        ratelimit.rate_hit(ratelimit.LIVE_HOLD, request=request)
    except ratelimit.RateLimited as error:
        response = JsonResponse({"code": error.code, "message": error.messages[0]})
        return ratelimit.too_many(response, error)
    try:
        hold = holds.onair_hold_place(
            broadcast=broadcast,
            user=request.user,
            item_id=_int(request.POST.get("item")),
            option_id=_int(request.POST.get("option")),
            quantity=_int(request.POST.get("quantity"), 1),
        )
    except room_services.ChatRefused as refusal:
        return _refused(refusal)
    return JsonResponse(
        {
            "hold_id": hold.pk,
            "unit_price": hold.unit_price,
            "expires_at": hold.expires_at.isoformat(),
            "checkout_url": f"{reverse('orders:checkout')}?hold={hold.pk}",
        },
        status=201,
    )


@require_POST
def coupon_claim(request, pk: int, coupon_id: int):
    if not request.user.is_authenticated:
        return _login_needed(request)
    try:
        claim = room_services.coupon_claim(broadcast_id=pk, coupon_id=coupon_id, user=request.user)
    except room_services.ChatRefused as refusal:
        return _refused(refusal)
    return JsonResponse(
        {
            "message": f"{claim.coupon.amount:,}원 쿠폰을 받았어요. 바로 구매에 적용돼요.",
            "amount": claim.coupon.amount,
        },
        status=201,
    )
