from rest_framework import serializers

from apps.accounts.models import User, phone_validator


class MeSerializer(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(source="is_email_verified", read_only=True)
    phone = serializers.CharField(max_length=13, validators=[phone_validator])

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "email_verified", "phone", "join_channel", "is_seller"]
        read_only_fields = ["id", "username", "email", "join_channel", "is_seller"]


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="15분 동안 쓸 수 있는 access 토큰")
    refresh = serializers.CharField(help_text="14일 동안 쓸 수 있는 refresh 토큰 (한 번 쓰면 폐기)")
