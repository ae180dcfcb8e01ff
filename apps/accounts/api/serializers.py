"""My page and the address book as the API shows them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import ShippingAddress
from apps.accounts.serializers import MeSerializer


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShippingAddress
        fields = [
            "id",
            "label",
            "recipient",
            "phone",
            "postcode",
            "road_address",
            "detail_address",
            "is_default",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class AddressUpdateSerializer(AddressSerializer):
    """A change of some fields; ``is_default: true`` makes it the default (false is ignored: pick another)."""

    class Meta(AddressSerializer.Meta):
        extra_kwargs = {field: {"required": False} for field in AddressSerializer.Meta.fields}


class MyPageSerializer(MeSerializer):
    default_address = serializers.SerializerMethodField()
    address_count = serializers.SerializerMethodField()

    class Meta(MeSerializer.Meta):
        fields = [*MeSerializer.Meta.fields, "default_address", "address_count"]

    @extend_schema_field(AddressSerializer(allow_null=True))
    def get_default_address(self, user) -> dict | None:
        address = self.context["default_address"]
        return AddressSerializer(address).data if address else None

    def get_address_count(self, user) -> int:
        return self.context["address_count"]
