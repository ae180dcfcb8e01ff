"""The catalog as the API shows it: categories, product cards and details, reviews, wishlist, restock alerts."""

from django.core.files.storage import default_storage
from rest_framework import serializers

from apps.catalog.selectors import DEFAULT_SORT, SORTS

PRICE_MAX = 100_000_000


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()
    depth = serializers.IntegerField()
    children = serializers.SerializerMethodField()

    def get_children(self, node) -> list[dict]:
        return CategorySerializer(node.children, many=True).data


class ProductCardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    brand = serializers.CharField()
    sale_price = serializers.IntegerField(help_text="판매가 (원)")
    list_price = serializers.IntegerField(help_text="정가 (원)")
    sold_out = serializers.BooleanField()
    rating = serializers.FloatField()
    review_count = serializers.IntegerField()
    image_url = serializers.CharField(help_text="대표 이미지 썸네일 주소 (없으면 빈 문자열)")


class ProductListQuerySerializer(serializers.Serializer):
    """The product list's querystring, the same filters as the search and category pages."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="검색어")
    category = serializers.SlugField(required=False, help_text="카테고리 slug (하위 카테고리 포함)")
    min_price = serializers.IntegerField(required=False, min_value=0, max_value=PRICE_MAX)
    max_price = serializers.IntegerField(required=False, min_value=0, max_value=PRICE_MAX)
    in_stock = serializers.BooleanField(required=False, default=False, help_text="품절 상품 빼기")
    sort = serializers.ChoiceField(
        choices=[(key, label) for key, (label, _order) in SORTS.items()], required=False, default=DEFAULT_SORT
    )


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    extra_price = serializers.IntegerField(help_text="추가 금액 (원)")
    price = serializers.SerializerMethodField(help_text="이 옵션의 판매가 (원)")
    stock = serializers.IntegerField()
    sold_out = serializers.BooleanField(source="is_sold_out")

    def get_price(self, option) -> int:
        return option.product.sale_price + option.extra_price


class ImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.CharField()
    alt = serializers.CharField()

    def get_url(self, image) -> str:
        return image.image.url


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = serializers.SerializerMethodField(help_text="가린 작성자 이름")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField()
    option_name = serializers.CharField()
    photos = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, review) -> str:
        name = review.user.name or review.user.username
        return name[0] + "*" * max(len(name) - 1, 1)

    def get_photos(self, review) -> list[str]:
        return [default_storage.url(photo.image.name) for photo in review.photos.all()]


class RatingBarSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class ProductDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="product.pk")
    name = serializers.CharField(source="product.name")
    brand = serializers.CharField(source="product.brand")
    status = serializers.CharField(source="product.status", help_text="on_sale (판매중) · sold_out (품절)")
    sale_price = serializers.IntegerField(source="product.sale_price")
    list_price = serializers.IntegerField(source="product.list_price")
    discount_percent = serializers.IntegerField(source="product.discount_percent")
    description = serializers.CharField(source="product.description", help_text="허용된 태그만 남은 HTML")
    category = serializers.SerializerMethodField()
    shop = serializers.SerializerMethodField()
    purchase_limit = serializers.IntegerField(source="product.purchase_limit", allow_null=True)
    rating = serializers.FloatField(source="product.rating_avg")
    review_count = serializers.IntegerField(source="product.review_count")
    images = ImageSerializer(source="product.images.all", many=True)
    options = OptionSerializer(source="product.options.all", many=True)
    rating_bars = serializers.SerializerMethodField()
    reviews = ReviewSerializer(many=True, help_text="최근 리뷰 (전체는 /products/{id}/reviews/)")
    wished = serializers.BooleanField(help_text="로그인한 회원이 찜했는지")

    def get_category(self, detail) -> dict:
        category = detail["product"].category
        return {"id": category.pk, "name": category.name, "slug": category.slug}

    def get_shop(self, detail) -> dict:
        seller = detail["product"].seller
        return {"id": seller.pk, "name": seller.business_name}

    def get_rating_bars(self, detail) -> list[dict]:
        return [
            {"stars": stars, "count": count, "percent": percent}
            for stars, count, percent in detail["rating_bars"]
        ]


class ProductIdSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)


class OptionIdSerializer(serializers.Serializer):
    option_id = serializers.IntegerField(min_value=1)


class RestockAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    option_id = serializers.IntegerField()
    option_name = serializers.CharField(source="option.name")
    product_id = serializers.IntegerField(source="option.product_id")
    product_name = serializers.CharField(source="option.product.name")
    created_at = serializers.DateTimeField()
    notified_at = serializers.DateTimeField(
        allow_null=True, help_text="재입고 메일을 보낸 때 (기다리는 중이면 null)"
    )
