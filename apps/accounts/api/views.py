"""My page (``/api/v1/me/``) and the address book; every address is looked up through the caller."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors, services
from apps.accounts.api import serializers as s
from apps.accounts.serializers import MeSerializer

ADDRESS_EXAMPLE = {
    "label": "집",
    "recipient": "김민지",
    "phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
    "is_default": True,
}


def _my_page(user) -> dict:
    addresses = list(selectors.address_list_for_user(user=user))
    default = next((address for address in addresses if address.is_default), None)
    return s.MyPageSerializer(
        user, context={"default_address": default, "address_count": len(addresses)}
    ).data


class MyPageView(APIView):
    """The caller's profile with their default address, as the my page shows it; PATCH changes name and phone."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.MyPageSerializer)
    def get(self, request):
        return Response(_my_page(request.user))

    @extend_schema(
        request=MeSerializer,
        responses=s.MyPageSerializer,
        examples=[OpenApiExample("이름 바꾸기", value={"name": "김민지"}, request_only=True)],
    )
    def patch(self, request):
        given = MeSerializer(request.user, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        user = services.user_update_profile(
            user=request.user,
            name=given.validated_data.get("name", request.user.name),
            phone=given.validated_data.get("phone", request.user.phone),
        )
        return Response(_my_page(user))


class AddressListView(generics.ListAPIView):
    """The caller's addresses, the default first (GET), and saving a new one (POST)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.AddressSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.address_list_for_user(user=self.request.user)

    @extend_schema(
        request=s.AddressSerializer,
        responses={201: s.AddressSerializer},
        examples=[OpenApiExample("새 배송지", value=ADDRESS_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        given = s.AddressSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        address = services.address_create(user=request.user, **given.validated_data)
        return Response(s.AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(APIView):
    """One of the caller's addresses; another member's id is a 404."""

    permission_classes = [permissions.IsAuthenticated]

    def _address(self, request, pk: int):
        return selectors.address_get_for_user(user=request.user, address_id=pk)

    @extend_schema(responses=s.AddressSerializer)
    def get(self, request, pk: int):
        return Response(s.AddressSerializer(self._address(request, pk)).data)

    @extend_schema(request=s.AddressUpdateSerializer, responses=s.AddressSerializer)
    def patch(self, request, pk: int):
        address = self._address(request, pk)
        given = s.AddressUpdateSerializer(address, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        address = services.address_update(
            address=address, is_default=fields.pop("is_default", False), **fields
        )
        return Response(s.AddressSerializer(address).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.address_delete(address=self._address(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
