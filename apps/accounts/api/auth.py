"""JSON API for mobile clients and the live room's WebSocket: tokens and the caller's own profile."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenBlacklistView, TokenObtainPairView

from apps.accounts import services
from apps.accounts.serializers import MeSerializer, TokenPairSerializer


class ThrottledTokenObtainPairSerializer(TokenObtainPairSerializer):
    """simplejwt's ID/password check behind the same failure throttle as the login page."""

    def validate(self, attrs):
        request = self.context["request"]
        username, ip = attrs.get(self.username_field, ""), request.META.get("REMOTE_ADDR", "")
        try:
            services.login_throttle_check(username=username, ip=ip)
        except ValidationError as error:
            raise exceptions.Throttled(
                wait=getattr(error, "retry_after", None), detail=error.messages[0]
            ) from error
        try:
            data = super().validate(attrs)
        except exceptions.AuthenticationFailed as error:
            services.login_failure_record(username=username, ip=ip)
            raise exceptions.AuthenticationFailed(
                "아이디 또는 비밀번호가 올바르지 않아요.", code="login_failed"
            ) from error
        services.login_failures_clear(username=username)
        return data


class TokenObtainView(TokenObtainPairView):
    """ID and password → an access token (15 minutes) and a refresh token (14 days)."""

    serializer_class = ThrottledTokenObtainPairSerializer


class LogoutView(TokenBlacklistView):
    """Blacklist the given refresh token: it can no longer make access tokens."""


class SessionTokenView(APIView):
    """A logged-in page gets a token pair for its WebSocket without typing the password again."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: TokenPairSerializer})
    def post(self, request):
        return Response(services.token_pair_issue(user=request.user), status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The caller's own profile; there is no endpoint that reads or changes another user's."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(
            user=request.user,
            name=serializer.validated_data.get("name", request.user.name),
            phone=serializer.validated_data.get("phone", request.user.phone),
        )
        return Response(MeSerializer(user).data)
