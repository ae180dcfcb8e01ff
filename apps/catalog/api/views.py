"""Catalog endpoints: reads through ``apps.catalog.selectors``, the wishlist and restock alerts through services."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog import selectors, services
from apps.catalog.api import serializers as s

PRODUCT_EXAMPLE = {
    "id": 42,
    "name": "플로럴 원피스",
    "brand": "봄날",
    "sale_price": 39000,
    "list_price": 59000,
    "sold_out": False,
    "rating": 4.5,
    "review_count": 12,
    "image_url": "/media/products/thumbs/2026/12/dress.webp",
}


class CategoryTreeView(APIView):
    """Every category as a tree (roots first, each with its children)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=s.CategorySerializer(many=True),
        examples=[
            OpenApiExample(
                "카테고리",
                value=[
                    {
                        "id": 1,
                        "name": "패션의류",
                        "slug": "fashion",
                        "depth": 0,
                        "children": [
                            {"id": 5, "name": "원피스", "slug": "dress", "depth": 1, "children": []}
                        ],
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        return Response(s.CategorySerializer(selectors.category_tree().roots, many=True).data)


class ProductListView(generics.ListAPIView):
    """Products on show, searched, filtered and sorted as on the search page; cursor pages of 20."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ProductCardSerializer

    def get_queryset(self):
        query = s.ProductListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        category_ids = None
        if data.get("category"):
            tree = selectors.category_tree()
            node = tree.by_slug.get(data["category"])
            category_ids = tree.descendant_ids(node) if node else []
        return selectors.product_listing(
            category_ids=category_ids,
            query=(data.get("q") or "").strip(),
            sort=data["sort"],
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=data["in_stock"],
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(selectors.product_cards(page), many=True).data)

    @extend_schema(
        parameters=[s.ProductListQuerySerializer],
        examples=[
            OpenApiExample(
                "검색 결과",
                value={
                    "next": "http://example.com/api/v1/products/?cursor=cD0x",
                    "previous": None,
                    "results": [PRODUCT_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProductDetailView(APIView):
    """A product with its images, options (price and stock each), rating counts and latest reviews."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=s.ProductDetailSerializer,
        examples=[
            OpenApiExample(
                "상품 상세",
                response_only=True,
                value={
                    "id": 42,
                    "name": "플로럴 원피스",
                    "brand": "봄날",
                    "status": "on_sale",
                    "sale_price": 39000,
                    "list_price": 59000,
                    "discount_percent": 33,
                    "description": "<p>가볍고 부드러운 쉬폰 원피스</p>",
                    "category": {"id": 5, "name": "원피스", "slug": "dress"},
                    "shop": {"id": 2, "name": "초록상회"},
                    "purchase_limit": None,
                    "rating": 4.5,
                    "review_count": 12,
                    "images": [
                        {
                            "url": "/media/products/2026/12/dress.jpg",
                            "thumbnail_url": "/media/products/thumbs/2026/12/dress.webp",
                            "alt": "정면",
                        }
                    ],
                    "options": [
                        {
                            "id": 7,
                            "name": "블랙 / M",
                            "extra_price": 0,
                            "price": 39000,
                            "stock": 4,
                            "sold_out": False,
                        }
                    ],
                    "rating_bars": [{"stars": 5, "count": 8, "percent": 67}],
                    "reviews": [
                        {
                            "id": 3,
                            "author": "김**",
                            "rating": 5,
                            "text": "색이 예뻐요",
                            "option_name": "블랙 / M",
                            "photos": [],
                            "created_at": "2026-12-01T10:00:00+09:00",
                        }
                    ],
                    "wished": False,
                },
            )
        ],
    )
    def get(self, request, pk: int):
        detail = selectors.product_detail(product_id=pk, user=request.user)
        wished = selectors.wishlist_has(user=request.user, product_id=pk)
        return Response(s.ProductDetailSerializer(detail | {"wished": wished}).data)


class ProductReviewListView(generics.ListAPIView):
    """Every review of a product, newest first."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ReviewSerializer

    def get_queryset(self):
        selectors.product_get(product_id=self.kwargs["pk"])
        return selectors.product_reviews(product_id=self.kwargs["pk"])


class WishlistView(generics.ListAPIView):
    """The caller's wishlist (GET, newest heart first) and hearting a product (POST)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ProductCardSerializer

    def get_queryset(self):
        return selectors.wishlist_entries(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        products = selectors.products_by_id(product_ids=[entry.product_id for entry in page])
        cards = selectors.product_cards(products[e.product_id] for e in page if e.product_id in products)
        return self.get_paginated_response(self.get_serializer(cards, many=True).data)

    @extend_schema(request=s.ProductIdSerializer, responses={201: s.ProductIdSerializer})
    def post(self, request):
        given = s.ProductIdSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        product = selectors.product_get(product_id=given.validated_data["product_id"])
        if not selectors.wishlist_has(user=request.user, product_id=product.pk):
            services.wishlist_toggle(user=request.user, product=product)
        return Response({"product_id": product.pk}, status=status.HTTP_201_CREATED)


class WishlistItemView(APIView):
    """Un-heart a product; one not in the caller's wishlist is a 404."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, product_id: int):
        if not selectors.wishlist_has(user=request.user, product_id=product_id):
            raise Http404("wish")
        services.wishlist_toggle(user=request.user, product=selectors.product_get(product_id=product_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RestockAlertListView(generics.ListAPIView):
    """The caller's restock alerts (GET) and asking for one on a sold-out option (POST)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.RestockAlertSerializer

    def get_queryset(self):
        return selectors.restock_alerts_for_user(user=self.request.user)

    @extend_schema(
        request=s.OptionIdSerializer,
        responses={201: s.RestockAlertSerializer},
        examples=[OpenApiExample("품절 옵션", value={"option_id": 7}, request_only=True)],
    )
    def post(self, request):
        given = s.OptionIdSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        option = selectors.option_get(option_id=given.validated_data["option_id"])
        alert = services.restock_alert_request(user=request.user, option=option)
        return Response(s.RestockAlertSerializer(alert).data, status=status.HTTP_201_CREATED)
