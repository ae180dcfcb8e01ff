"""The shopper's returns and exchanges (반품·교환): the request form of a delivered parcel, and the way back's
tracking number, and withdrawing a request the seller has not answered. Writes through ``services.returns``; the request's status shows on the order page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.orders import selectors
from apps.orders.forms_returns import ReturnRequestForm, ReturnTrackingForm
from apps.orders.selectors import returns as return_selectors
from apps.orders.services import returns


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_new(request: HttpRequest, merchant_uid: str, shipment_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
    context = return_selectors.return_form_for(order=order, shipment_id=shipment_id)
    form = ReturnRequestForm(request.POST or None, initial={"kind": "return", "reason": "changed_mind"})
    status = 200
    if request.method == "POST":
        chosen = form.quantities(request.POST, [row.line.pk for row in context.lines])
        for row in context.lines:
            row.selected = chosen.get(row.line.pk, 0)
        if form.is_valid():
            try:
                option = request.POST.get("exchange_option") or None
                returns.return_request(
                    shipment=context.shipment,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    detail=form.cleaned_data["detail"],
                    quantities=chosen,
                    exchange_option_id=int(option) if option and option.isdigit() else None,
                    photos=request.FILES.getlist("photos"),
                    refund_account=form.refund_account_given,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "반품·교환을 신청했어요. 판매자가 확인하면 알려 드릴게요.")
                return redirect(order)
        status = 400
    return render(
        request,
        "orders/return_form.html",
        {"order": order, "ctx": context, "form": form},
        status=status,
    )


@login_required
@require_POST
def return_tracking(request: HttpRequest, merchant_uid: str, return_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
    return_request = return_selectors.return_get_for_user(user=request.user, return_id=return_id)
    if return_request.shipment.order_id != order.pk:
        return redirect(order)
    form = ReturnTrackingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "택배사와 송장번호를 입력해 주세요.")
        return redirect(order)
    try:
        returns.return_tracking_set(
            request=return_request,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
            actor=request.user.username,
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "반송 송장번호를 등록했어요.")
    return redirect(order)


@login_required
@require_POST
def return_withdraw(request: HttpRequest, merchant_uid: str, return_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
    return_request = return_selectors.return_get_for_user(user=request.user, return_id=return_id)
    if return_request.shipment.order_id != order.pk:
        raise Http404
    try:
        returns.return_withdraw(request=return_request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{return_request.get_kind_display()} 신청을 철회했어요.")
    return redirect(order)
