"""Cart, checkout and my orders: parse the request, call a service or selector, render.

The payment itself (PG prepare, the SDK, verification) is the payments module's: a placed order is handed
to ``payments:pay`` by URL name, never by import.
"""

import contextlib
import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import services as accounts_services
from apps.accounts.selectors import address_list_for_user
from apps.catalog.models import ProductOption
from apps.core import ratelimit
from apps.orders import hooks, selectors, tasks
from apps.orders.carriers import CARRIER_CHOICES
from apps.orders.constants import DIRECT_CHECKOUT_SESSION_KEY, FULFILMENT_FLOW
from apps.orders.forms import DELIVERY_REQUESTS, CancelForm, CartAddForm, CheckoutForm, QuantityForm
from apps.orders.models import Order
from apps.orders.selectors import returns as return_selectors
from apps.orders.services import cancels, carts, fulfilment, payment_outcomes, placing, tracking

ORDERS_PER_PAGE = 20


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def cart(request: HttpRequest) -> HttpResponse:
    view = selectors.cart_view(user=request.user, session=request.session)
    return render(request, "orders/cart.html", {"cart": view, "amounts": view.amounts})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """The product page's form: 장바구니 puts the option in the cart, 바로 구매 goes straight to checkout."""
    form = CartAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "옵션과 수량을 확인해 주세요.")
        return redirect(_back(request, reverse("orders:cart")))
    data = form.cleaned_data
    option_id = data["option"]
    if option_id is None:
        # A product without a choice to make has a single option.
        options = list(
            ProductOption.objects.filter(product_id=data["product"]).values_list("pk", flat=True)[:2]
        )
        if len(options) != 1:
            messages.error(request, "옵션을 선택해 주세요.")
            return redirect(_back(request, reverse("orders:cart")))
        option_id = options[0]
    if data.get("action") == "buy":
        if not ProductOption.objects.filter(
            pk=option_id, product_id=data["product"], stock__gte=data["quantity"]
        ).exists():
            messages.error(request, "재고가 부족해요. 수량을 확인해 주세요.")
            return redirect(_back(request, reverse("orders:cart")))
        request.session[DIRECT_CHECKOUT_SESSION_KEY] = {str(option_id): data["quantity"]}
        return redirect(reverse("orders:checkout") + "?now=1")
    try:
        if request.user.is_authenticated:
            carts.cart_item_add(user=request.user, option_id=option_id, quantity=data["quantity"])
        else:
            carts.guest_cart_add(session=request.session, option_id=option_id, quantity=data["quantity"])
    except ValidationError as error:
        _error(request, error)
        return redirect(_back(request, reverse("orders:cart")))
    messages.success(request, "장바구니에 담았어요.")
    return redirect(_back(request, reverse("orders:cart")))


@require_POST
def cart_item_update(request: HttpRequest, option_id: int) -> HttpResponse:
    form = QuantityForm(request.POST)
    if form.is_valid():
        try:
            if request.user.is_authenticated:
                carts.cart_item_quantity_set(
                    user=request.user, option_id=option_id, quantity=form.cleaned_data["quantity"]
                )
            else:
                carts.guest_cart_quantity_set(
                    session=request.session, option_id=option_id, quantity=form.cleaned_data["quantity"]
                )
        except ValidationError as error:
            _error(request, error)
    else:
        messages.error(request, "수량은 1~99개로 정해 주세요.")
    return redirect("orders:cart")


@require_POST
def cart_item_remove(request: HttpRequest, option_id: int) -> HttpResponse:
    if request.user.is_authenticated:
        carts.cart_item_remove(user=request.user, option_id=option_id)
    else:
        carts.guest_cart_remove(session=request.session, option_id=option_id)
    messages.info(request, "장바구니에서 뺐어요.")
    return redirect("orders:cart")


def _direct_checkout(request: HttpRequest) -> bool:
    """The product page's 바로 구매 sends ``now=1``: check out its item, not the cart."""
    return bool(request.GET.get("now") or request.POST.get("now"))


def _checkout_source(request: HttpRequest, hold=None) -> tuple[selectors.CartView, bool]:
    """(lines, from_cart): a hold's line, the direct checkout's when the URL says so and the session has them,
    else the cart."""
    if hold is not None:
        return selectors.hold_view(hold=hold), False
    direct = request.session.get(DIRECT_CHECKOUT_SESSION_KEY)
    if _direct_checkout(request) and direct:
        items = {int(option_id): int(quantity) for option_id, quantity in direct.items()}
        return selectors.items_view(items=items), False
    return selectors.cart_view(user=request.user, session=request.session), True


def _sold_out_answered_first(view):
    """결제하기 of a direct checkout whose items are all known to be sold out is answered from the cache, before
    anything else (the login check's user query included): in a live drop most presses come after the
    last unit went. The answer names what sold out and goes back to the product; it reveals nothing."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and _direct_checkout(request):
            sold_out = selectors.direct_checkout_sold_out(session=request.session)
            if sold_out:
                for item in sold_out:
                    messages.error(request, f"{item['label']}: 품절")
                return redirect(sold_out[0]["url"])
        return view(request, *args, **kwargs)

    return checked


@_sold_out_answered_first
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    # A machine without a beat scheduler still gives expired stock back before a checkout needs it.
    payment_outcomes.reservations_release_expired_now_and_then()
    # A live room's hold (its 바로 구매) took the units already (``?hold=``); an expired hold gives a 404 page.
    hold_id = request.GET.get("hold", "")
    hold = (
        selectors.stock_hold_get_for_user(user=request.user, pk=int(hold_id)) if hold_id.isdigit() else None
    )
    source, from_cart = _checkout_source(request, hold)
    if not source.orderable_lines:
        if source.has_problems and not from_cart:
            # A direct checkout or hold whose item sold out meanwhile (a live drop's last unit went): the shopper goes back to
            # the product, told why.
            for note in source.notes:
                messages.error(request, note)
            return redirect(source.lines[0].product.get_absolute_url())
        messages.info(request, "주문할 수 있는 상품을 먼저 담아 주세요.")
        return redirect("orders:cart")
    addresses = list(address_list_for_user(user=request.user))
    amounts = source.amounts
    user = request.user
    initial = {
        "address": str(addresses[0].pk) if addresses else "new",
        "orderer_name": user.name or user.username,
        "orderer_phone": user.phone,
        "orderer_email": user.email,
        "expected_total": amounts.total,
        "recipient": user.name,
        "recipient_phone": user.phone,
    }
    pay_methods = hooks.payment_methods(user=user)
    if pay_methods:
        initial["pay_method"] = pay_methods[0]["code"]
    form = CheckoutForm(request.POST or None, initial=initial, addresses=addresses)
    limited = None
    if request.method == "POST":
        try:
            ratelimit.rate_hit(ratelimit.CHECKOUT, request=request)
        except ratelimit.RateLimited as error:
            limited = error
            messages.error(request, error.messages[0])
    if request.method == "POST" and not limited and form.is_valid():
        try:
            order = placing.order_place(
                user=user,
                items=source.items(),
                delivery=_delivery(form),
                orderer=placing.Orderer(
                    name=form.cleaned_data["orderer_name"],
                    phone=form.cleaned_data["orderer_phone"],
                    email=form.cleaned_data["orderer_email"],
                ),
                from_cart=from_cart,
                expected_total=form.cleaned_data["expected_total"],
                hold=hold,
            )
        except ValidationError as error:
            _error(request, error)
            return redirect(request.get_full_path())
        if form.chosen_address is None and form.cleaned_data["save_address"]:
            _address_save(user, form)
        if not from_cart and hold is None:
            request.session.pop(DIRECT_CHECKOUT_SESSION_KEY, None)
        return redirect(_pay_url(order, form.cleaned_data["pay_method"], pay_methods))
    response = render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "lines": source.orderable_lines,
            "shops": source.shops,
            "notes": source.notes,
            "has_problems": source.has_problems,
            "amounts": amounts,
            "addresses": addresses,
            "delivery_requests": DELIVERY_REQUESTS[1:],
            "direct_checkout": not from_cart,
            "hold": hold,
            "pay_methods": pay_methods,
        },
    )
    return ratelimit.too_many(response, limited) if limited else response


def _pay_url(order: Order, chosen: str, pay_methods: list[dict]) -> str:
    """The payment step for the method the shopper picked (the first offered when the choice is unknown)."""
    url = reverse("payments:pay", kwargs={"merchant_uid": order.merchant_uid})
    codes = [method["code"] for method in pay_methods]
    if not codes:
        return url
    return f"{url}?method={chosen if chosen in codes else codes[0]}"


def _delivery(form: CheckoutForm) -> placing.Delivery:
    data = form.cleaned_data
    chosen = form.chosen_address
    if chosen is not None:
        return placing.Delivery(
            recipient=chosen.recipient,
            recipient_phone=chosen.phone,
            postcode=chosen.postcode,
            road_address=chosen.road_address,
            detail_address=chosen.detail_address,
            delivery_request=data["delivery_request"],
        )
    return placing.Delivery(
        recipient=data["recipient"],
        recipient_phone=data["recipient_phone"],
        postcode=data["postcode"],
        road_address=data["road_address"],
        detail_address=data["detail_address"],
        delivery_request=data["delivery_request"],
    )


def _address_save(user, form: CheckoutForm) -> None:
    data = form.cleaned_data
    # The order is placed; an address that does not save is not worth stopping the payment for.
    with contextlib.suppress(ValidationError):
        accounts_services.address_create(
            user=user,
            recipient=data["recipient"],
            phone=data["recipient_phone"],
            postcode=data["postcode"],
            road_address=data["road_address"],
            detail_address=data["detail_address"],
        )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "")
    if tab not in selectors.ORDER_TABS:
        tab = ""
    orders = selectors.orders_for_user(user=request.user, tab=tab)[:ORDERS_PER_PAGE]
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": orders,
            "tab": tab,
            "tabs": (("", "전체"), ("progress", "진행중"), ("done", "배송완료"), ("cancelled", "취소·환불")),
        },
    )


@login_required
def order_detail(request: HttpRequest, merchant_uid: str) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
    lines = list(order.lines.all())
    parcels = selectors.order_parcels(order)
    open_return = return_selectors.parcels_returns_attach(order=order, parcels=parcels)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "parcels": parcels,
            "open_return": open_return,
            "carrier_choices": CARRIER_CHOICES,
            "history": list(order.history.all()),
            "progress_steps": _progress_steps(order),
            "partial_cancel": order.status in (Order.Status.PAID, Order.Status.PREPARING)
            and sum(line.is_active for line in lines) > 1,
        },
    )


def _progress_steps(order: Order) -> list[tuple[str, str, str]]:
    """(status, label, done|current|todo) of each fulfilment step, for the detail page's progress bar."""
    flow = FULFILMENT_FLOW
    if order.status not in flow:
        return []
    current = flow.index(order.status)
    return [
        (status, Order.Status(status).label, "done" if i < current else "current" if i == current else "todo")
        for i, status in enumerate(flow)
    ]


@login_required
@require_POST
def order_cancel(request: HttpRequest, merchant_uid: str) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
    form = CancelForm(request.POST, line_ids=[line.pk for line in order.lines.all()])
    line_ids = form.cleaned_data["lines"] if form.is_valid() and form.cleaned_data["lines"] else None
    refund_account = None
    if order.paid_at and hooks.refund_account_required(order=order):
        # A deposit goes back to an account the buyer names: the PG cannot refund it without one.
        refund_account = form.refund_account_given
        if refund_account is None:
            messages.error(request, "환불받을 계좌의 은행, 계좌번호(숫자), 예금주를 확인해 주세요.")
            return redirect(order)
    try:
        order = cancels.order_cancel(
            order=order, actor=request.user.username, line_ids=line_ids, refund_account=refund_account
        )
    except ValidationError as error:
        _error(request, error)
        return redirect(order)
    order.refresh_from_db()
    if order.status == Order.Status.CANCELLED and line_ids is None:
        messages.success(request, "주문을 취소했어요.")
    elif selectors.order_cancel_requests_waiting(order=order):
        messages.success(
            request, "판매자가 상품을 준비하고 있어 판매자에게 취소를 요청했어요. 확인되면 알려 드릴게요."
        )
    else:
        messages.success(request, "취소를 요청했어요. 결제 취소가 끝나면 알려 드릴게요.")
    return redirect(order)


@login_required
@require_POST
def order_confirm(request: HttpRequest, merchant_uid: str) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
    try:
        fulfilment.order_confirm(order=order, user=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "구매를 확정했어요. 리뷰를 남겨 주세요!")
    return redirect(order)


@csrf_exempt
@require_POST
def tracking_callback(request: HttpRequest, secret: str) -> HttpResponse:
    """The tracking service's nudge (``{carrierId, trackingNumber}``): never trusted, only a reason to ask the
    service again (``tasks.shipment_tracking_refresh``). A parcel we do not ship is answered alike (nothing
    learnt from probing); a wrong secret is a 404."""
    if not constant_time_compare(secret, tracking.tracking_callback_secret()):
        raise Http404("tracking")
    try:
        body = json.loads(request.body or b"{}")
        carrier_id, number = str(body["carrierId"]), str(body["trackingNumber"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "bad_request", "message": "carrierId와 trackingNumber가 필요해요."}, status=400
        )
    for shipment_id in tracking.shipments_for_parcel(carrier_id=carrier_id, tracking_number=number):
        tasks.shipment_tracking_refresh.delay(shipment_id=shipment_id)
    return JsonResponse({"ok": True}, status=202)
