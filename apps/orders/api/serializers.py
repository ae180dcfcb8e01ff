"""Cart and orders as the API shows them, and what placing or cancelling an order takes."""

from rest_framework import serializers

from apps.accounts.models import phone_validator, postcode_validator
from apps.orders.constants import MAX_QUANTITY
from apps.orders.models import Order


class AmountsSerializer(serializers.Serializer):
    items = serializers.IntegerField(help_text="상품 금액 (정가 합)")
    discount = serializers.IntegerField(help_text="할인 금액")
    shipping = serializers.IntegerField(help_text="배송비 (판매자별 묶음배송 합)")
    total = serializers.IntegerField(help_text="결제할 금액")


class CartLineSerializer(serializers.Serializer):
    option_id = serializers.IntegerField(source="option.pk")
    option_name = serializers.CharField(source="option.name")
    product_id = serializers.IntegerField(source="product.pk")
    product_name = serializers.CharField(source="product.name")
    shop_id = serializers.IntegerField(source="product.seller_id")
    shop_name = serializers.CharField(source="product.seller.business_name")
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text="지금의 판매가 (원)")
    list_price = serializers.IntegerField()
    amount = serializers.IntegerField()
    stock = serializers.IntegerField(source="option.stock")
    orderable = serializers.BooleanField()
    problem = serializers.CharField(help_text="주문할 수 없는 까닭 (품절, 재고 부족); 없으면 빈 문자열")
    note = serializers.CharField(help_text="담은 뒤 바뀐 점 (가격); 없으면 빈 문자열")


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True)
    amounts = AmountsSerializer(help_text="주문할 수 있는 줄의 금액")
    notes = serializers.ListField(child=serializers.CharField())


class CartAddSerializer(serializers.Serializer):
    option_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)


class QuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    product_id = serializers.IntegerField(allow_null=True)
    option_id = serializers.IntegerField(allow_null=True)
    product_name = serializers.CharField()
    option_name = serializers.CharField()
    unit_price = serializers.IntegerField()
    list_price = serializers.IntegerField()
    quantity = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


class ParcelSerializer(serializers.Serializer):
    shipment_id = serializers.IntegerField(
        source="shipment.pk", allow_null=True, help_text="반품·교환 신청에 쓰는 배송 번호"
    )
    shop_id = serializers.IntegerField(source="shipment.seller_id", allow_null=True)
    status = serializers.CharField(source="shipment.status", allow_null=True)
    status_label = serializers.CharField(source="shipment.get_status_display", allow_null=True)
    carrier = serializers.CharField(source="shipment.carrier", allow_null=True)
    tracking_number = serializers.CharField(source="shipment.tracking_number", allow_null=True)
    line_ids = serializers.SerializerMethodField()
    cancellable = serializers.BooleanField()

    def get_line_ids(self, parcel) -> list[int]:
        return [line.pk for line in parcel.lines]


class OrderSummarySerializer(serializers.Serializer):
    merchant_uid = serializers.CharField(help_text="주문번호")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    total_amount = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)


class OrderSerializer(OrderSummarySerializer):
    items_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    refunded_amount = serializers.IntegerField()
    recipient = serializers.CharField()
    recipient_phone = serializers.CharField()
    postcode = serializers.CharField()
    road_address = serializers.CharField()
    detail_address = serializers.CharField()
    delivery_request = serializers.CharField()
    orderer_name = serializers.CharField()
    orderer_phone = serializers.CharField()
    orderer_email = serializers.CharField()
    can_cancel = serializers.BooleanField()
    can_confirm = serializers.BooleanField()
    lines = OrderLineSerializer(source="lines.all", many=True)
    parcels = serializers.SerializerMethodField()

    def get_parcels(self, order) -> ParcelSerializer(many=True):
        return ParcelSerializer(self.context.get("parcels", []), many=True).data


class OrderListQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(
        choices=[("progress", "진행중"), ("done", "배송완료"), ("cancelled", "취소·환불")], required=False
    )


class OrderPlaceSerializer(serializers.Serializer):
    """Where it goes: a saved ``address_id``, or the delivery fields. Who orders defaults to the member."""

    address_id = serializers.IntegerField(required=False, min_value=1, help_text="저장된 배송지 번호")
    recipient = serializers.CharField(required=False, max_length=50)
    recipient_phone = serializers.CharField(required=False, max_length=20, validators=[phone_validator])
    postcode = serializers.CharField(required=False, max_length=5, validators=[postcode_validator])
    road_address = serializers.CharField(required=False, max_length=200)
    detail_address = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    save_address = serializers.BooleanField(
        required=False, default=False, help_text="새 배송지를 목록에 저장"
    )
    delivery_request = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    orderer_name = serializers.CharField(required=False, max_length=50)
    orderer_phone = serializers.CharField(required=False, max_length=20, validators=[phone_validator])
    orderer_email = serializers.EmailField(required=False, allow_blank=True)
    expected_total = serializers.IntegerField(
        required=False, min_value=0, help_text="앱이 보여 준 결제 금액: 그새 바뀌었으면 주문하지 않고 400"
    )
    hold_id = serializers.IntegerField(
        required=False, min_value=1, help_text="라이브 바로 구매로 확보한 재고 (없으면 장바구니를 주문)"
    )

    DELIVERY_FIELDS = ("recipient", "recipient_phone", "postcode", "road_address")

    def validate(self, data):
        if "address_id" not in data:
            missing = {
                field: ["배송지를 입력해 주세요."] for field in self.DELIVERY_FIELDS if not data.get(field)
            }
            if missing:
                raise serializers.ValidationError(missing)
        return data


class OrderCancelSerializer(serializers.Serializer):
    line_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text="일부만 취소할 주문 상품 번호"
    )
    refund_bank = serializers.RegexField(r"^\d{3}$", required=False, help_text="가상계좌 환불 은행 코드")
    refund_account = serializers.RegexField(r"^\d[\d-]{5,24}$", required=False)
    refund_holder = serializers.CharField(required=False, max_length=20)
