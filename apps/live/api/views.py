"""Broadcasts and the on-air 바로 구매 hold over the API: live's selectors and ``holds.onair_hold_place``."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import ratelimit
from apps.live import selectors
from apps.live.api import serializers as s
from apps.live.room.services import ChatRefused
from apps.live.services import holds


class HoldRefused(exceptions.APIException):
    """The room's refusal of a 바로 구매 (sold out, not live, too many holds…), with its own code."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


class BroadcastListView(generics.ListAPIView):
    """Broadcasts on air now (``tab=live``), coming up (``scheduled``) or to replay (``replay``)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.BroadcastSummarySerializer

    def get_queryset(self):
        query = s.BroadcastQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return selectors.broadcast_listing(tab=data["tab"], category_slug=data.get("category", ""))

    @extend_schema(parameters=[s.BroadcastQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BroadcastDetailView(APIView):
    """A broadcast with its HLS address while live and the products on air at their live prices."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=s.BroadcastSerializer,
        examples=[
            OpenApiExample(
                "방송 중",
                response_only=True,
                value={
                    "id": 7,
                    "title": "봄 신상 원피스 라이브 특가",
                    "status": "live",
                    "status_label": "라이브",
                    "shop_name": "라이브셀러 스튜디오",
                    "category": "dress",
                    "scheduled_at": "2026-12-07T20:00:00+09:00",
                    "started_at": "2026-12-07T20:01:12+09:00",
                    "ended_at": None,
                    "cover_url": "/media/broadcasts/covers/2026/12/spring.jpg",
                    "description": "오늘만 라이브 특가",
                    "hls_url": "http://127.0.0.1:8080/hls/b7k2m9/index.m3u8",
                    "replay_url": "",
                    "reconnecting": False,
                    "viewer_count": 132,
                    "items": [
                        {
                            "item_id": 3,
                            "product_id": 42,
                            "name": "플로럴 원피스",
                            "brand": "봄날",
                            "image_url": "/media/products/thumbs/2026/12/dress.webp",
                            "list_price": 59000,
                            "price": 29000,
                            "is_live_price": True,
                            "discount_percent": 50,
                            "is_sold_out": False,
                            "is_pinned": True,
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request, pk: int):
        broadcast = selectors.broadcast_get(pk=pk)
        context = {
            "items": selectors.broadcast_item_cards(broadcast=broadcast),
            "viewer_count": selectors.viewer_count(broadcast_id=broadcast.pk),
        }
        return Response(s.BroadcastSerializer(broadcast, context=context).data)


class BroadcastHoldView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=s.HoldRequestSerializer,
        responses={201: s.HoldSerializer, 409: None},
        examples=[
            OpenApiExample(
                "바로 구매", value={"item_id": 3, "option_id": 7, "quantity": 1}, request_only=True
            )
        ],
    )
    def post(self, request, pk: int):
        """바로 구매: hold the units for the caller now at the live price; order them with ``hold_id``.

        A refusal is a 409 whose ``code`` says why (sold-out, not-live, too-many-holds, refused…).
        """
        broadcast = selectors.broadcast_get(pk=pk)
        given = s.HoldRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        ratelimit.rate_hit(ratelimit.LIVE_HOLD, request=request)
        try:
            hold = holds.onair_hold_place(broadcast=broadcast, user=request.user, **given.validated_data)
        except ChatRefused as refusal:
            raise HoldRefused(detail=refusal.message, code=refusal.code.replace("-", "_")) from refusal
        return Response(s.HoldSerializer(hold).data, status=status.HTTP_201_CREATED)
