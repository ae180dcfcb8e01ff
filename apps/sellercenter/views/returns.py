"""The seller center's returns and exchanges (반품·교환): the shop's requests by step, one request with its
actions (승인, 거부, 반송 송장, 회수 완료, 교환 발송).

Every request is fetched through ``orders.selectors.returns.return_get_for_seller(seller_id=request.seller.pk)``,
so another shop's is a 404 on GET and POST alike; writes go through ``apps.orders.services.returns``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.orders.selectors import returns as return_selectors
from apps.orders.services import returns as return_services
from apps.sellercenter.access import seller_center_view
from apps.sellercenter.forms.returns import ReturnRefuseForm, ShipForm

RETURNS_PER_PAGE = 30


def _context(request: HttpRequest, **extra) -> dict:
    return {"seller": request.seller, "section": "returns", **extra}


def _found(request: HttpRequest, return_id: int):
    return return_selectors.return_get_for_seller(seller_id=request.seller.pk, return_id=return_id)


@seller_center_view
def return_list(request: HttpRequest) -> HttpResponse:
    keys = [key for key, _label, _statuses in return_selectors.SELLER_TABS]
    tab = request.GET.get("tab", keys[0])
    if tab not in keys:
        tab = keys[0]
    counts = return_selectors.seller_return_counts(seller_id=request.seller.pk)
    page = Paginator(
        return_selectors.seller_returns(seller_id=request.seller.pk, tab=tab), RETURNS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sellercenter/returns/list.html",
        _context(
            request,
            tab=tab,
            tabs=[(key, label, counts[key]) for key, label, _statuses in return_selectors.SELLER_TABS],
            page=page,
        ),
    )


def _detail(request: HttpRequest, found, *, refuse_form=None, ship_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "sellercenter/returns/detail.html",
        _context(
            request,
            rr=found,
            order=found.shipment.order,
            refuse_form=refuse_form or ReturnRefuseForm(),
            tracking_form=ShipForm(
                initial={"carrier": found.carrier, "tracking_number": found.tracking_number}, prefix="back"
            ),
            ship_form=ship_form or ShipForm(prefix="exchange"),
        ),
        status=status,
    )


@seller_center_view
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    return _detail(request, _found(request, return_id))


def _act(request: HttpRequest, found, done: str, step, **kwargs) -> HttpResponse:
    try:
        step(request=found, seller_id=request.seller.pk, actor=request.user.username, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("sellercenter:return-detail", return_id=found.pk)


@seller_center_view
@require_POST
def return_approve(request: HttpRequest, return_id: int) -> HttpResponse:
    found = _found(request, return_id)
    return _act(
        request,
        found,
        "승인했어요. 고객이 상품을 보내면 회수 완료로 처리해 주세요.",
        return_services.return_approve,
    )


@seller_center_view
@require_POST
def return_refuse(request: HttpRequest, return_id: int) -> HttpResponse:
    found = _found(request, return_id)
    form = ReturnRefuseForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, refuse_form=form, status=400)
    return _act(
        request,
        found,
        "거부했어요. 고객에게 사유가 보여요.",
        return_services.return_refuse,
        reason=form.cleaned_data["reason"],
    )


@seller_center_view
@require_POST
def return_tracking(request: HttpRequest, return_id: int) -> HttpResponse:
    found = _found(request, return_id)
    form = ShipForm(request.POST, prefix="back")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("sellercenter:return-detail", return_id=found.pk)
    return _act(
        request,
        found,
        "반송 송장번호를 등록했어요.",
        return_services.return_tracking_set,
        carrier=form.cleaned_data["carrier"],
        tracking_number=form.cleaned_data["tracking_number"],
    )


@seller_center_view
@require_POST
def return_collect(request: HttpRequest, return_id: int) -> HttpResponse:
    found = _found(request, return_id)
    done = (
        "회수 완료로 처리했어요. 환불(부분 취소)이 진행돼요."
        if found.kind == "return"
        else "회수 완료로 처리했어요. 교환 상품을 발송해 주세요."
    )
    return _act(request, found, done, return_services.return_collect)


@seller_center_view
@require_POST
def return_exchange_ship(request: HttpRequest, return_id: int) -> HttpResponse:
    found = _found(request, return_id)
    form = ShipForm(request.POST, prefix="exchange")
    if not form.is_valid():
        return _detail(request, found, ship_form=form, status=400)
    return _act(
        request,
        found,
        "교환 상품을 발송 처리했어요. 고객에게 송장번호를 알려 드려요.",
        return_services.return_exchange_ship,
        carrier=form.cleaned_data["carrier"],
        tracking_number=form.cleaned_data["tracking_number"],
    )
