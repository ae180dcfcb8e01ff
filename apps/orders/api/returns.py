"""Returns and exchanges (반품·교환) over the API: the same service as the order page's request form.

A shopper lists an order's requests, asks for a return or an exchange of a delivered parcel's lines, and types
the way back's tracking number once the seller has approved, or withdraws a request the seller has not yet
answered. Photos come as multipart ``photos`` files."""

import json

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.orders import selectors
from apps.orders.carriers import CARRIER_CHOICES
from apps.orders.models import ReturnRequest
from apps.orders.selectors import returns as return_selectors
from apps.orders.services import returns

RETURN_EXAMPLE = {
    "id": 12,
    "shipment_id": 31,
    "kind": "return",
    "kind_label": "반품",
    "reason": "changed_mind",
    "reason_label": "단순 변심",
    "detail": "사이즈가 맞지 않아요",
    "status": "requested",
    "status_label": "판매자 확인 대기",
    "return_fee": 3000,
    "refund_amount": 0,
    "carrier": "",
    "tracking_number": "",
    "exchange_option_id": None,
    "refuse_reason": "",
    "lines": [{"line_id": 88, "quantity": 1}],
    "created_at": "2026-12-07T15:00:00+09:00",
}
RETURN_ASK_EXAMPLE = {
    "shipment_id": 31,
    "kind": "return",
    "reason": "changed_mind",
    "detail": "사이즈가 맞지 않아요",
    "lines": [{"line_id": 88, "quantity": 1}],
}


class ReturnLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(min_value=1, help_text="주문 상품 번호")
    quantity = serializers.IntegerField(min_value=1, max_value=999)


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shipment_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReturnRequest.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    reason = serializers.ChoiceField(choices=ReturnRequest.Reason.choices)
    reason_label = serializers.CharField(source="get_reason_display")
    detail = serializers.CharField()
    status = serializers.ChoiceField(choices=ReturnRequest.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    return_fee = serializers.IntegerField(help_text="고객 부담 반품 배송비 (원)")
    refund_amount = serializers.IntegerField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    exchange_option_id = serializers.IntegerField(allow_null=True)
    refuse_reason = serializers.CharField()
    lines = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_lines(self, request) -> ReturnLineSerializer(many=True):
        return [{"line_id": line.line_id, "quantity": line.quantity} for line in request.lines.all()]


class ReturnAskSerializer(serializers.Serializer):
    """What to send back: a delivered parcel's lines and units, why, and for an exchange the option wanted."""

    shipment_id = serializers.IntegerField(min_value=1, help_text="주문 상세의 parcels[].shipment_id")
    kind = serializers.ChoiceField(choices=ReturnRequest.Kind.choices)
    reason = serializers.ChoiceField(choices=ReturnRequest.Reason.choices)
    detail = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    lines = ReturnLineSerializer(many=True, allow_empty=False)
    exchange_option_id = serializers.IntegerField(required=False, min_value=1, help_text="교환받을 옵션")
    refund_bank = serializers.RegexField(r"^\d{3}$", required=False, help_text="가상계좌 환불 은행 코드")
    refund_account = serializers.RegexField(r"^\d[\d-]{5,24}$", required=False)
    refund_holder = serializers.CharField(required=False, max_length=20)
    photos = serializers.ListField(
        child=serializers.ImageField(),
        required=False,
        max_length=returns.MAX_PHOTOS,
        help_text="multipart 사진",
    )

    def validate(self, data):
        if data["kind"] == ReturnRequest.Kind.EXCHANGE and "exchange_option_id" not in data:
            raise serializers.ValidationError({"exchange_option_id": ["교환받을 옵션을 골라 주세요."]})
        return data


class ReturnTrackingSerializer(serializers.Serializer):
    carrier = serializers.ChoiceField(choices=CARRIER_CHOICES)
    tracking_number = serializers.CharField(max_length=40)


def _returns_of(order) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.filter(shipment__order=order)
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def _one(request: ReturnRequest, code: int = status.HTTP_200_OK) -> Response:
    fresh = ReturnRequest.objects.prefetch_related("lines").get(pk=request.pk)
    return Response(ReturnSerializer(fresh).data, status=code)


class OrderReturnListView(APIView):
    """The order's return and exchange requests; POST asks for a new one (another member's order is a 404)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        responses=ReturnSerializer(many=True),
        examples=[OpenApiExample("반품 신청", value=[RETURN_EXAMPLE], response_only=True)],
    )
    def get(self, request, merchant_uid: str):
        order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
        return Response(ReturnSerializer(_returns_of(order), many=True).data)

    @extend_schema(
        request=ReturnAskSerializer,
        responses={201: ReturnSerializer},
        examples=[
            OpenApiExample("단순 변심 반품", value=RETURN_ASK_EXAMPLE, request_only=True),
            OpenApiExample("신청됨", value=RETURN_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request, merchant_uid: str):
        """Ask to return or exchange units of a delivered parcel, within the return window after delivery.

        An order paid by 가상계좌 needs ``refund_bank``, ``refund_account`` and ``refund_holder`` for a return."""
        order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
        data = request.data
        if hasattr(data, "getlist"):
            # A multipart body carries the lines as JSON text beside the photo files.
            data = _multipart_fields(data, request.FILES.getlist("photos"))
        given = ReturnAskSerializer(data=data)
        given.is_valid(raise_exception=True)
        asked = given.validated_data
        form = return_selectors.return_form_for(order=order, shipment_id=asked["shipment_id"])
        quantities: dict[int, int] = {}
        for line in asked["lines"]:
            quantities[line["line_id"]] = quantities.get(line["line_id"], 0) + line["quantity"]
        account = {
            "bank": asked.get("refund_bank", ""),
            "account": asked.get("refund_account", "").replace("-", ""),
            "holder": asked.get("refund_holder", "").strip(),
        }
        made = returns.return_request(
            shipment=form.shipment,
            user=request.user,
            kind=asked["kind"],
            reason=asked["reason"],
            detail=asked["detail"],
            quantities=quantities,
            exchange_option_id=asked.get("exchange_option_id"),
            photos=asked.get("photos", []),
            refund_account=account if all(account.values()) else None,
        )
        return _one(made, status.HTTP_201_CREATED)


def _multipart_fields(data, photos) -> dict:
    fields = {key: data.get(key) for key in data if key not in ("photos", "lines")}
    try:
        fields["lines"] = json.loads(data.get("lines") or "[]")
    except ValueError as error:
        raise ValidationError(
            {"lines": ['[{"line_id": 1, "quantity": 1}] 모양의 JSON으로 보내 주세요.']}
        ) from error
    if photos:
        fields["photos"] = photos
    return fields


class OrderReturnTrackingView(APIView):
    """The way back's carrier and tracking number, typed by the shopper after the seller approved."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=ReturnTrackingSerializer,
        responses=ReturnSerializer,
        examples=[
            OpenApiExample(
                "반송 송장", value={"carrier": "cj", "tracking_number": "601234567890"}, request_only=True
            )
        ],
    )
    def post(self, request, merchant_uid: str, return_id: int):
        order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
        asked = return_selectors.return_get_for_user(user=request.user, return_id=return_id)
        if asked.shipment.order_id != order.pk:
            raise Http404
        given = ReturnTrackingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        returns.return_tracking_set(
            request=asked,
            carrier=given.validated_data["carrier"],
            tracking_number=given.validated_data["tracking_number"],
            actor=request.user.username,
            user=request.user,
        )
        return _one(asked)


class OrderReturnWithdrawView(APIView):
    """Withdraw (신청 철회) a request the seller has not answered yet; its units may be asked back again."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses=ReturnSerializer,
        examples=[
            OpenApiExample(
                "철회됨",
                value={**RETURN_EXAMPLE, "status": "withdrawn", "status_label": "신청 철회"},
                response_only=True,
            )
        ],
    )
    def post(self, request, merchant_uid: str, return_id: int):
        order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
        asked = return_selectors.return_get_for_user(user=request.user, return_id=return_id)
        if asked.shipment.order_id != order.pk:
            raise Http404
        returns.return_withdraw(request=asked, user=request.user)
        return _one(asked)
