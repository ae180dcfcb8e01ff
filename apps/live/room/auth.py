"""Who a room connection is, from a JWT access token of the accounts API sent in the STOMP CONNECT headers."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError

from apps.realtime import stomp


def token_from(frame: stomp.Frame) -> str:
    """The token of ``Authorization: Bearer <token>``, or of a ``token`` or ``passcode`` header, or ""."""
    for name in ("Authorization", "authorization"):
        value = frame.get(name)
        if value.lower().startswith("bearer "):
            return value[7:].strip()
    return frame.get("token") or frame.get("passcode")


def user_for_token(token: str):
    """(user, expiry as unix time) of a valid access token of an active user, else (None, None)."""
    auth = JWTAuthentication()
    try:
        validated = auth.get_validated_token(token)
        user = auth.get_user(validated)
    except (InvalidToken, TokenError, AuthenticationFailed):
        return None, None
    if not user.is_active:
        return None, None
    return user, float(validated["exp"])
