"""The seller center's orders: the shop's parcels by status, one parcel (발주 확인, 발송 처리, cancel requests),
the 발송 CSV (preview, then confirm) and the CSV of parcels to send.

Every parcel is fetched through ``orders.selectors.shipment_get_for_seller(seller_id=request.seller.pk)``, so
another shop's is a 404 on GET and POST alike; writes go through ``apps.orders.services``.
"""

import csv
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.csv_cells import csv_cell
from apps.core.masking import mask_phone
from apps.orders import selectors as order_selectors
from apps.orders import services as order_services
from apps.sellercenter.access import seller_center_view
from apps.sellercenter.forms.orders import RefuseForm, ShipForm, ShipUploadForm

SHIPMENTS_PER_PAGE = 30
UPLOAD_SESSION_KEY = "sellercenter:ship-upload"
EXPORT_COLUMNS = (
    "주문번호", "결제일", "받는 분", "받는 분 연락처", "우편번호", "주소", "상세 주소", "배송 요청사항", "상품",
    "택배사", "송장번호",
)  # fmt: skip


def _context(request: HttpRequest, **extra) -> dict:
    return {"seller": request.seller, "section": "orders", **extra}


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@seller_center_view
def order_list(request: HttpRequest) -> HttpResponse:
    tabs = dict(order_selectors.SELLER_TABS)
    tab = request.GET.get("tab", "new")
    if tab not in tabs:
        tab = "new"
    counts = order_selectors.seller_shipment_counts(seller_id=request.seller.pk)
    page = Paginator(
        order_selectors.seller_shipments(seller_id=request.seller.pk, tab=tab), SHIPMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = [(shipment, order_selectors.shipment_amount(shipment)) for shipment in page.object_list]
    return render(
        request,
        "sellercenter/orders/list.html",
        _context(
            request,
            tab=tab,
            tabs=[(key, label, counts[key]) for key, label in order_selectors.SELLER_TABS],
            page=page,
            rows=rows,
        ),
    )


def _detail(request: HttpRequest, shipment, *, ship_form=None, refuse_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "sellercenter/orders/detail.html",
        _context(
            request,
            shipment=shipment,
            order=shipment.order,
            lines=shipment.order.seller_lines,
            amount=order_selectors.shipment_amount(shipment),
            ship_form=ship_form or ShipForm(initial={"carrier": shipment.carrier}),
            refuse_form=refuse_form or RefuseForm(),
            can_work=shipment.order.status in ("paid", "preparing")
            and shipment.status in ("new", "preparing"),
        ),
        status=status,
    )


@seller_center_view
def order_detail(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = order_selectors.shipment_get_for_seller(seller_id=request.seller.pk, pk=shipment_id)
    return _detail(request, shipment)


@seller_center_view
@require_POST
def order_acknowledge(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = order_selectors.shipment_get_for_seller(seller_id=request.seller.pk, pk=shipment_id)
    try:
        order_services.shipment_acknowledge(
            shipment=shipment, seller_id=request.seller.pk, actor=request.user.username
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{shipment.order.merchant_uid} 발주를 확인했어요. 이제 배송준비중이에요.")
    return redirect("sellercenter:order-detail", shipment_id=shipment.pk)


@seller_center_view
@require_POST
def orders_acknowledge(request: HttpRequest) -> HttpResponse:
    """발주 확인 of the parcels ticked on the 신규주문 tab."""
    ids = [int(value) for value in request.POST.getlist("shipment") if value.isdigit()]
    if not ids:
        messages.error(request, "발주 확인할 주문을 골라 주세요.")
        return redirect(reverse("sellercenter:orders") + "?tab=new")
    done, skipped = order_services.shipments_acknowledge_bulk(
        seller_id=request.seller.pk, shipment_ids=ids, actor=request.user.username
    )
    if done:
        messages.success(request, f"{done}건 발주를 확인했어요. 배송준비중 탭에서 발송 처리해 주세요.")
    for reason in skipped[:10]:
        messages.warning(request, reason)
    return redirect(reverse("sellercenter:orders") + "?tab=new")


@seller_center_view
@require_POST
def order_ship(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = order_selectors.shipment_get_for_seller(seller_id=request.seller.pk, pk=shipment_id)
    form = ShipForm(request.POST)
    if not form.is_valid():
        return _detail(request, shipment, ship_form=form, status=400)
    try:
        order_services.shipment_ship(
            shipment=shipment,
            seller_id=request.seller.pk,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
            actor=request.user.username,
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request, f"{shipment.order.merchant_uid} 발송 처리했어요. 고객에게 송장번호를 알려 드려요."
        )
    return redirect("sellercenter:order-detail", shipment_id=shipment.pk)


@seller_center_view
@require_POST
def cancel_request_approve(request: HttpRequest, shipment_id: int, request_id: int) -> HttpResponse:
    found = order_selectors.cancel_request_get_for_seller(
        seller_id=request.seller.pk, shipment_id=shipment_id, pk=request_id
    )
    try:
        order_services.cancel_request_approve(
            cancel_request=found, seller_id=request.seller.pk, actor=request.user.username
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "취소를 승인했어요. 결제 취소(환불)가 진행돼요.")
    return redirect("sellercenter:order-detail", shipment_id=shipment_id)


@seller_center_view
@require_POST
def cancel_request_refuse(request: HttpRequest, shipment_id: int, request_id: int) -> HttpResponse:
    found = order_selectors.cancel_request_get_for_seller(
        seller_id=request.seller.pk, shipment_id=shipment_id, pk=request_id
    )
    form = RefuseForm(request.POST)
    if not form.is_valid():
        shipment = order_selectors.shipment_get_for_seller(seller_id=request.seller.pk, pk=shipment_id)
        return _detail(request, shipment, refuse_form=form, status=400)
    try:
        order_services.cancel_request_refuse(
            cancel_request=found,
            seller_id=request.seller.pk,
            reason=form.cleaned_data["reason"],
            actor=request.user.username,
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "취소 요청을 거부했어요. 고객에게 사유가 보여요.")
    return redirect("sellercenter:order-detail", shipment_id=shipment_id)


@seller_center_view
@require_http_methods(["GET", "HEAD", "POST"])
def ship_upload(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST with a file: every row checked and shown, nothing saved (the valid rows wait in
    the session under a token). POST with that token: the valid rows shipped in one transaction."""
    if request.method == "POST" and "token" in request.POST:
        return _ship_upload_confirm(request)
    form = ShipUploadForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = order_selectors.ship_csv_rows(
                seller_id=request.seller.pk, content=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            form.add_error("file", error)
    token = ""
    if rows and any(row.ok for row in rows):
        token = secrets.token_urlsafe(16)
        request.session[UPLOAD_SESSION_KEY] = {
            "token": token,
            "seller_id": request.seller.pk,
            "rows": [[row.shipment_id, row.carrier, row.tracking_number] for row in rows if row.ok],
        }
    status = 400 if request.method == "POST" and (not form.is_valid() or rows is None) else 200
    return render(
        request,
        "sellercenter/orders/upload.html",
        _context(
            request,
            form=form,
            rows=rows,
            token=token,
            ok_count=sum(row.ok for row in rows or ()),
            error_count=sum(not row.ok for row in rows or ()),
            columns=order_selectors.SHIP_CSV_COLUMNS,
        ),
        status=status,
    )


def _ship_upload_confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(UPLOAD_SESSION_KEY) or {}
    if stored.get("token") != request.POST.get("token") or stored.get("seller_id") != request.seller.pk:
        messages.error(request, "확인한 파일이 없어요. 파일을 다시 올려 주세요.")
        return redirect("sellercenter:ship-upload")
    rows = [order_services.ShipRow(*row) for row in stored["rows"]]
    try:
        count = order_services.shipments_ship_bulk(
            seller_id=request.seller.pk, rows=rows, actor=request.user.username
        )
    except ValidationError as error:
        messages.error(
            request, " ".join(error.messages) + " 아무것도 저장하지 않았어요. 파일을 다시 올려 주세요."
        )
        return redirect("sellercenter:ship-upload")
    request.session.pop(UPLOAD_SESSION_KEY, None)
    messages.success(request, f"{count}건을 발송 처리했어요.")
    return redirect(reverse("sellercenter:orders") + "?tab=shipped")


@seller_center_view
def orders_export(request: HttpRequest) -> HttpResponse:
    """The parcels waiting to be sent, as a CSV for label printing (the recipient's phone by its last four digits; the whole number is on
    the parcel's page); its 택배사 and 송장번호 columns, filled
    in, make the file the upload takes back. UTF-8 with a BOM, so Korean Excel opens it as it is."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"orders-to-ship-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for shipment in order_selectors.shipments_to_send(seller_id=request.seller.pk):
        order = shipment.order
        items = ", ".join(
            f"{line.product_name} {line.option_name} × {line.quantity}".replace("  ", " ")
            for line in order.seller_lines
            if line.is_active
        )
        writer.writerow(
            [
                order.merchant_uid,
                timezone.localtime(order.paid_at).strftime("%Y-%m-%d %H:%M"),
                csv_cell(order.recipient),
                # A file travels (mail, shared drives): the whole number is on the parcel's page, not here.
                mask_phone(order.recipient_phone),
                order.postcode,
                csv_cell(order.road_address),
                csv_cell(order.detail_address),
                csv_cell(order.delivery_request),
                csv_cell(items),
                shipment.carrier_name,
                shipment.tracking_number,
            ]
        )
    return response
