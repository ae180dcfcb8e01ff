"""Cart, checkout and orders over the API: the same selectors and services as the cart and order pages."""

import contextlib

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.core.api import CheckoutRateThrottle
from apps.orders import hooks, selectors
from apps.orders.api import serializers as s
from apps.orders.services import cancels, carts, fulfilment, payment_outcomes, placing

ORDER_PLACE_EXAMPLE = {
    "address_id": 3,
    "delivery_request": "문 앞에 놓아 주세요",
    "expected_total": 42000,
}
CART_EXAMPLE = {
    "lines": [
        {
            "option_id": 7,
            "option_name": "블랙 / M",
            "product_id": 42,
            "product_name": "플로럴 원피스",
            "shop_id": 2,
            "shop_name": "초록상회",
            "quantity": 1,
            "unit_price": 39000,
            "list_price": 59000,
            "amount": 39000,
            "stock": 4,
            "orderable": True,
            "problem": "",
            "note": "",
        }
    ],
    "amounts": {"items": 59000, "discount": 20000, "shipping": 3000, "total": 42000},
    "notes": [],
}
ORDER_EXAMPLE = {
    "merchant_uid": "TM261207-7K3QXW2M",
    "title": "플로럴 원피스",
    "status": "pending",
    "status_label": "결제대기",
    "total_amount": 42000,
    "created_at": "2026-12-07T15:00:00+09:00",
    "paid_at": None,
    "items_amount": 59000,
    "discount_amount": 20000,
    "shipping_fee": 3000,
    "refunded_amount": 0,
    "recipient": "김민지",
    "recipient_phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
    "delivery_request": "문 앞에 놓아 주세요",
    "orderer_name": "김민지",
    "orderer_phone": "010-1234-5678",
    "orderer_email": "minji@example.com",
    "can_cancel": True,
    "can_confirm": False,
    "lines": [
        {
            "id": 91,
            "product_id": 42,
            "option_id": 7,
            "product_name": "플로럴 원피스",
            "option_name": "블랙 / M",
            "unit_price": 39000,
            "list_price": 59000,
            "quantity": 1,
            "status": "ordered",
            "status_label": "주문",
        }
    ],
    "parcels": [
        {
            "shop_id": 2,
            "status": "new",
            "status_label": "신규주문",
            "carrier": "",
            "tracking_number": "",
            "line_ids": [91],
            "cancellable": True,
        }
    ],
}
ORDER_PLACE_FIELDS_EXAMPLE = {
    "recipient": "김민지",
    "recipient_phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
    "save_address": True,
}


def _cart(user) -> dict:
    view = selectors.cart_view(user=user)
    return s.CartSerializer({"lines": view.lines, "amounts": view.amounts, "notes": view.notes}).data


class CartView(APIView):
    """The caller's cart, each line checked against stock and price now, with the amounts to pay."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses=s.CartSerializer,
        examples=[OpenApiExample("장바구니", value=CART_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return Response(_cart(request.user))


class CartItemListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=s.CartAddSerializer,
        responses={201: s.CartSerializer},
        examples=[OpenApiExample("담기", value={"option_id": 7, "quantity": 2}, request_only=True)],
    )
    def post(self, request):
        """Put an option in the cart (an option already there gets the quantities added, up to stock)."""
        given = s.CartAddSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        carts.cart_item_add(user=request.user, **given.validated_data)
        return Response(_cart(request.user), status=status.HTTP_201_CREATED)


class CartItemView(APIView):
    """One line of the caller's cart, by its option; an option not in the caller's cart is a 404."""

    permission_classes = [permissions.IsAuthenticated]

    def _own(self, request, option_id: int) -> None:
        if not selectors.cart_has(user=request.user, option_id=option_id):
            raise Http404("cart line")

    @extend_schema(request=s.QuantitySerializer, responses=s.CartSerializer)
    def patch(self, request, option_id: int):
        self._own(request, option_id)
        given = s.QuantitySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        carts.cart_item_quantity_set(user=request.user, option_id=option_id, **given.validated_data)
        return Response(_cart(request.user))

    @extend_schema(responses={204: None})
    def delete(self, request, option_id: int):
        self._own(request, option_id)
        carts.cart_item_remove(user=request.user, option_id=option_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _delivery(user, data: dict) -> placing.Delivery:
    if "address_id" in data:
        address = accounts_selectors.address_get_for_user(user=user, address_id=data["address_id"])
        return placing.Delivery(
            recipient=address.recipient,
            recipient_phone=address.phone,
            postcode=address.postcode,
            road_address=address.road_address,
            detail_address=address.detail_address,
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


def _orderer(user, data: dict) -> placing.Orderer:
    orderer = placing.Orderer(
        name=data.get("orderer_name") or user.name or user.username,
        phone=data.get("orderer_phone") or user.phone,
        email=data.get("orderer_email", user.email),
    )
    if not orderer.phone:
        raise ValidationError({"orderer_phone": ["주문자 휴대폰 번호를 입력해 주세요."]})
    return orderer


class OrderListView(generics.ListAPIView):
    """The caller's orders, newest first (GET, ``?tab=`` as on the order list page), and checkout (POST)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.OrderSummarySerializer

    def get_throttles(self):
        extra = [CheckoutRateThrottle()] if self.request.method == "POST" else []
        return [*super().get_throttles(), *extra]

    def get_queryset(self):
        query = s.OrderListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        tab = query.validated_data.get("tab", "")
        return selectors.orders_for_user(user=self.request.user, tab=tab).order_by("-created_at", "-id")

    @extend_schema(parameters=[s.OrderListQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.OrderPlaceSerializer,
        responses={201: s.OrderSerializer},
        examples=[
            OpenApiExample("저장된 배송지로", value=ORDER_PLACE_EXAMPLE, request_only=True),
            OpenApiExample("새 배송지로", value=ORDER_PLACE_FIELDS_EXAMPLE, request_only=True),
            OpenApiExample("결제대기 주문", value=ORDER_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        """Place a pending order of the cart (or of a live hold, ``hold_id``); pay it with /payments/prepare/.

        The stock is reserved until the order is paid or its payment time runs out, as at the web checkout.
        """
        given = s.OrderPlaceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = request.user
        # A machine without a beat scheduler still gives expired stock back before a checkout needs it.
        payment_outcomes.reservations_release_expired_now_and_then()
        hold = None
        if "hold_id" in data:
            hold = selectors.stock_hold_get_for_user(user=user, pk=data["hold_id"])
            source = selectors.hold_view(hold=hold)
        else:
            source = selectors.cart_view(user=user)
        if not source.orderable_lines:
            raise ValidationError(
                source.notes[0] if source.notes else "주문할 수 있는 상품을 먼저 담아 주세요."
            )
        order = placing.order_place(
            user=user,
            items=source.items(),
            delivery=_delivery(user, data),
            orderer=_orderer(user, data),
            from_cart=hold is None,
            expected_total=data.get("expected_total"),
            hold=hold,
        )
        if "address_id" not in data and data["save_address"]:
            # The order is placed; an address that does not save is not worth failing the checkout for.
            with contextlib.suppress(ValidationError):
                accounts_services.address_create(
                    user=user,
                    recipient=data["recipient"],
                    phone=data["recipient_phone"],
                    postcode=data["postcode"],
                    road_address=data["road_address"],
                    detail_address=data["detail_address"],
                )
        return _order_response(user, order.merchant_uid, status.HTTP_201_CREATED)


def _order_response(user, merchant_uid: str, code: int = status.HTTP_200_OK) -> Response:
    order = selectors.order_get_for_user(user=user, merchant_uid=merchant_uid)
    parcels = selectors.order_parcels(order)
    return Response(s.OrderSerializer(order, context={"parcels": parcels}).data, status=code)


class OrderDetailView(APIView):
    """One of the caller's orders with its lines and parcels; another member's order is a 404."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses=s.OrderSerializer,
        examples=[OpenApiExample("주문", value=ORDER_EXAMPLE, response_only=True)],
    )
    def get(self, request, merchant_uid: str):
        return _order_response(request.user, merchant_uid)


class OrderCancelView(APIView):
    """Cancel the order, whole or ``line_ids``: as the order page's 주문 취소 (a paid one is refunded)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=s.OrderCancelSerializer,
        responses=s.OrderSerializer,
        examples=[OpenApiExample("전체 취소", value={}, request_only=True)],
    )
    def post(self, request, merchant_uid: str):
        order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
        given = s.OrderCancelSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        own_lines = {line.pk for line in order.lines.all()}
        line_ids = data.get("line_ids") or None
        if line_ids and not set(line_ids) <= own_lines:
            raise ValidationError({"line_ids": ["이 주문의 상품이 아니에요."]})
        refund_account = None
        if order.paid_at and hooks.refund_account_required(order=order):
            # A deposit goes back to an account the buyer names: the PG cannot refund it without one.
            refund_account = {
                "bank": data.get("refund_bank", ""),
                "account": data.get("refund_account", "").replace("-", ""),
                "holder": data.get("refund_holder", "").strip(),
            }
            if not all(refund_account.values()):
                raise ValidationError("환불받을 계좌의 은행, 계좌번호(숫자), 예금주를 확인해 주세요.")
        cancels.order_cancel(
            order=order, actor=request.user.username, line_ids=line_ids, refund_account=refund_account
        )
        return _order_response(request.user, merchant_uid)


class OrderConfirmView(APIView):
    """구매확정 of a shipped or delivered order."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=s.OrderSerializer)
    def post(self, request, merchant_uid: str):
        order = selectors.order_get_for_user(user=request.user, merchant_uid=merchant_uid)
        fulfilment.order_confirm(order=order, user=request.user)
        return _order_response(request.user, merchant_uid)
