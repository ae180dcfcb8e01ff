"""Payment prepare and verify for apps: the web's pay step and return, without the pages.

The app opens the PortOne SDK with ``params``; whatever the SDK's callback says, only ``payment_verify``
(the PG asked server-side, the same as ``/payments/complete/`` and the webhook) decides the order.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import CheckoutRateThrottle
from apps.orders import selectors as order_selectors
from apps.orders.models import Order
from apps.payments import gateway, methods, selectors, services
from apps.payments.api import serializers as s

logger = logging.getLogger(__name__)


class PGUnavailable(exceptions.APIException):
    status_code = 503
    default_code = "pg_unavailable"
    default_detail = "결제 서비스에 잠시 연결할 수 없어요. 잠시 후 다시 시도해 주세요."


class PaymentPrepareView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get_throttles(self):
        return [*super().get_throttles(), CheckoutRateThrottle()]

    @extend_schema(
        request=s.PrepareRequestSerializer,
        responses={200: s.PrepareSerializer, 503: None},
        examples=[
            OpenApiExample(
                "카드 결제", value={"merchant_uid": "TM261207-7K3QXW2M", "method": "card"}, request_only=True
            ),
            OpenApiExample(
                "준비됨",
                response_only=True,
                value={
                    "imp_code": "imp00000000",
                    "sdk_url": "https://cdn.iamport.kr/v1/iamport.js",
                    "sandbox": False,
                    "method": "card",
                    "methods": [{"code": "card", "label": "신용·체크카드", "note": "", "last_used": True}],
                    "params": {
                        "pg": "html5_inicis.INIpayTest",
                        "pay_method": "card",
                        "merchant_uid": "TM261207-7K3QXW2M",
                        "name": "플로럴 원피스 외 1건",
                        "amount": 42000,
                        "buyer_email": "minji@example.com",
                        "buyer_name": "김민지",
                        "buyer_tel": "010-1234-5678",
                        "buyer_addr": "서울 강남구 테헤란로 152 12층",
                        "buyer_postcode": "06236",
                        "m_redirect_url": "https://shop.example.com/payments/complete/",
                        "notice_url": "https://shop.example.com/payments/webhook/",
                    },
                },
            ),
        ],
    )
    def post(self, request):
        """Pre-register the order's amount at the PG and return what the app passes to ``IMP.request_pay``."""
        given = s.PrepareRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        order = order_selectors.order_get_for_payment(user=request.user, merchant_uid=data["merchant_uid"])
        if order.status != Order.Status.PENDING:
            raise ValidationError("결제할 수 있는 주문이 아니에요.")
        if selectors.order_vbank_waiting(order=order):
            raise ValidationError(
                "발급된 가상계좌로 입금해 주세요. 다른 수단으로 결제하려면 주문을 취소하고 다시 주문해 주세요."
            )
        offered = selectors.checkout_methods(user=request.user)
        method = methods.method_enabled(data.get("method", "")) or methods.method_enabled(offered[0]["code"])
        try:
            services.payment_start(order=order, method=method.code)
        except gateway.PGError as error:
            logger.warning("payment start of %s failed: %s", order.merchant_uid, error)
            raise PGUnavailable() from error
        params = services.pay_params(
            order=order,
            redirect_url=request.build_absolute_uri(reverse("payments:complete")),
            notice_url=request.build_absolute_uri(reverse("payments:webhook")),
            method=method,
        )
        body = {
            "imp_code": settings.PORTONE_IMP_CODE,
            "sdk_url": settings.PORTONE_SDK_URL,
            "sandbox": settings.PORTONE_SANDBOX,
            "method": method.code,
            "methods": offered,
            "params": params,
        }
        return Response(s.PrepareSerializer(body).data)


class PaymentVerifyView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get_throttles(self):
        return [*super().get_throttles(), CheckoutRateThrottle()]

    @extend_schema(
        request=s.VerifyRequestSerializer,
        responses=s.VerifySerializer,
        examples=[
            OpenApiExample(
                "SDK 콜백 뒤",
                value={"merchant_uid": "TM261207-7K3QXW2M", "imp_uid": "imp_123456789012"},
                request_only=True,
            ),
            OpenApiExample(
                "결제완료",
                response_only=True,
                value={
                    "outcome": "paid",
                    "message": "",
                    "merchant_uid": "TM261207-7K3QXW2M",
                    "order_status": "paid",
                    "order_status_label": "결제완료",
                },
            ),
        ],
    )
    def post(self, request):
        """Ask the PG about the order's payment (server-side) and record it, as the web's return does.

        Safe to call any number of times. A failed or missing payment leaves the order 결제대기 (until its
        payment time runs out or the shopper cancels it), as the web's return does.
        """
        given = s.VerifyRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        order = order_selectors.order_get_for_payment(user=request.user, merchant_uid=data["merchant_uid"])
        try:
            result = services.payment_verify(
                merchant_uid=order.merchant_uid,
                imp_uid=data.get("imp_uid") or None,
                source="app",
                cancel_unpaid=False,
            )
        except DatabaseError:
            logger.exception("payment of %s not verified (app)", order.merchant_uid)
            result = services.Verification(
                services.PENDING, services.RECORD_DELAYED_MESSAGE, order.merchant_uid
            )
        order.refresh_from_db()
        body = {
            "outcome": result.outcome,
            "message": result.message,
            "merchant_uid": order.merchant_uid,
            "order_status": order.status,
            "order_status_label": order.get_status_display(),
        }
        return Response(s.VerifySerializer(body).data)
