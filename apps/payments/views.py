"""The payment's pages: the step that opens the PG window, the return from it, and PortOne's webhook."""

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from apps.orders import selectors as order_selectors
from apps.orders.models import Order
from apps.payments import gateway, methods, selectors, services, tasks

logger = logging.getLogger(__name__)


@login_required
@require_safe
def pay(request: HttpRequest, merchant_uid: str) -> HttpResponse:
    """Pre-register the amount, then the page hands the order to the PG window (IMP.request_pay).

    ``?method=`` is the one checkout's shopper chose; one not switched on falls back to the first offered.
    """
    order = order_selectors.order_get_for_payment(user=request.user, merchant_uid=merchant_uid)
    if order.status != Order.Status.PENDING:
        return redirect(order)
    if selectors.order_vbank_waiting(order=order):
        # A second payment beside an open 가상계좌 could be paid twice; the shopper deposits or cancels.
        messages.info(
            request,
            "발급된 가상계좌로 입금해 주세요. 다른 수단으로 결제하려면 주문을 취소하고 다시 주문해 주세요.",
        )
        return redirect(order)
    method = methods.method_enabled(request.GET.get("method", "")) or methods.method_enabled(
        selectors.checkout_methods(user=request.user)[0]["code"]
    )
    try:
        services.payment_start(order=order, method=method.code)
    except gateway.PGError as error:
        logger.warning("payment start of %s failed: %s", merchant_uid, error)
        return render(request, "payments/pay.html", {"order": order, "unavailable": True}, status=503)
    except ValidationError:
        return redirect(order)
    params = services.pay_params(
        order=order,
        redirect_url=request.build_absolute_uri(reverse("payments:complete")),
        notice_url=request.build_absolute_uri(reverse("payments:webhook")),
        method=method,
    )
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "method": method,
            "params": params,
            "imp_code": settings.PORTONE_IMP_CODE,
            "sdk_url": settings.PORTONE_SDK_URL,
            "sandbox": settings.PORTONE_SANDBOX,
        },
    )


@login_required
@require_safe
def complete(request: HttpRequest) -> HttpResponse:
    """m_redirect_url: the browser is back from the PG window. The PG is asked; the query is only a hint.

    A GET changes nothing the shopper did not pay for: a payment the PG confirms is recorded (verification
    is idempotent and PortOne's mobile flow returns here by GET), but a failed or missing payment never
    cancels the order: a link or an image could send anyone's browser here. The pending order waits for its
    expiry, another try at paying, or the shopper's 주문 취소 (a POST). A payer never sees a 500: when the
    payment cannot be recorded now, the page says it will be shortly.
    """
    merchant_uid = request.GET.get("merchant_uid", "")
    # Someone else's order is a 404 here: it can be neither seen nor paid from this session.
    order = order_selectors.order_get_for_payment(user=request.user, merchant_uid=merchant_uid)
    try:
        result = services.payment_verify(
            merchant_uid=order.merchant_uid,
            imp_uid=request.GET.get("imp_uid") or None,
            source="browser",
            cancel_unpaid=False,
        )
    except DatabaseError:
        logger.exception("payment return of %s not verified", order.merchant_uid)
        messages.warning(request, services.RECORD_DELAYED_MESSAGE)
        return redirect(order)
    if result.paid:
        messages.success(request, "결제가 완료되었어요. 주문해 주셔서 감사합니다!")
        return redirect(
            reverse("orders:detail", kwargs={"merchant_uid": order.merchant_uid}) + "?completed=1"
        )
    if result.outcome == services.AWAITING_DEPOSIT:
        messages.success(request, result.message)
    elif result.outcome == services.PENDING:
        messages.warning(request, result.message)
    else:
        messages.error(request, result.message or request.GET.get("error_msg", "결제에 실패했어요."))
    return redirect(order)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """PortOne's notification ({imp_uid, merchant_uid, status}, JSON or form): verified by asking the PG.

    Answers at once; the verification runs as a task (in-process without a broker) that retries while the PG
    cannot be reached. Only PortOne's documented addresses (and the sandbox in development) are heard.
    """
    if not gateway.webhook_ip_allowed(request.META.get("REMOTE_ADDR", "")):
        logger.warning("webhook from %s refused", request.META.get("REMOTE_ADDR"))
        return HttpResponseForbidden("forbidden")
    if "json" in (request.content_type or ""):
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return HttpResponse("invalid json", status=400)
    else:
        body = request.POST
    merchant_uid = str(body.get("merchant_uid") or "")
    imp_uid = str(body.get("imp_uid") or "") or None
    if not merchant_uid:
        return HttpResponse("merchant_uid required", status=400)
    tasks.payment_verify.delay(merchant_uid=merchant_uid, imp_uid=imp_uid, source="webhook")
    return HttpResponse("OK", content_type="text/plain")
