"""Broadcasts as the API shows them (the HLS address, the products on air at their live prices) and holds."""

from rest_framework import serializers

from apps.live.models import Broadcast


class BroadcastSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Broadcast.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    shop_name = serializers.SerializerMethodField()
    category = serializers.SlugField(source="category.slug", allow_null=True)
    scheduled_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    cover_url = serializers.SerializerMethodField()

    def get_shop_name(self, broadcast) -> str:
        seller = getattr(broadcast.seller, "seller", None)
        return seller.business_name if seller else broadcast.seller.get_username()

    def get_cover_url(self, broadcast) -> str:
        return broadcast.cover.url if broadcast.cover else ""


class BroadcastQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(
        choices=[("live", "방송 중"), ("scheduled", "방송 예정"), ("replay", "다시 보기")],
        required=False,
        default="live",
    )
    category = serializers.SlugField(required=False, help_text="카테고리 slug (하위 카테고리 포함)")


class ItemSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(help_text="방송 상품 번호 (바로 구매의 item_id)")
    product_id = serializers.IntegerField(source="card.pk")
    name = serializers.CharField(source="card.name")
    brand = serializers.CharField(source="card.brand")
    image_url = serializers.CharField(source="card.image_url")
    list_price = serializers.IntegerField(source="card.list_price")
    price = serializers.IntegerField(help_text="지금 파는 값: 라이브 특가가 있으면 그 값")
    is_live_price = serializers.BooleanField()
    discount_percent = serializers.IntegerField()
    is_sold_out = serializers.BooleanField()
    is_pinned = serializers.BooleanField(help_text="지금 소개 중인 상품")


class BroadcastSerializer(BroadcastSummarySerializer):
    description = serializers.CharField()
    hls_url = serializers.SerializerMethodField(help_text="방송 중일 때 HLS 재생 주소 (아니면 빈 문자열)")
    replay_url = serializers.CharField(help_text="다시 보기 주소 (없으면 빈 문자열)")
    reconnecting = serializers.BooleanField(source="is_reconnecting")
    viewer_count = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    def get_hls_url(self, broadcast) -> str:
        return broadcast.hls_url if broadcast.is_live else ""

    def get_viewer_count(self, broadcast) -> int:
        return self.context["viewer_count"]

    def get_items(self, broadcast) -> ItemSerializer(many=True):
        return ItemSerializer(self.context["items"], many=True).data


class HoldRequestSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(min_value=1)
    option_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=10, default=1)


class HoldSerializer(serializers.Serializer):
    hold_id = serializers.IntegerField(source="pk", help_text="POST /orders/ 의 hold_id")
    option_id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text="확보한 값 (라이브 특가, 쿠폰 뺀 값)")
    expires_at = serializers.DateTimeField(help_text="이때까지 주문하지 않으면 재고가 돌아가요")
