"""The JSON error shape of every API endpoint: ``{"code": "...", "message": "한국어 안내", "fields": {...}}``."""

import re

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

HANGUL = re.compile(r"[가-힣]")
MESSAGES = {
    "not_authenticated": "로그인이 필요해요.",
    "authentication_failed": "인증에 실패했어요. 다시 로그인해 주세요.",
    "token_not_valid": "토큰이 유효하지 않거나 만료되었어요. 다시 로그인해 주세요.",
    "user_inactive": "사용할 수 없는 계정이에요.",
    "user_not_found": "사용할 수 없는 계정이에요.",
    "permission_denied": "이 작업을 할 권한이 없어요.",
    "not_found": "요청한 대상을 찾을 수 없어요.",
    "method_not_allowed": "허용되지 않는 요청 방식이에요.",
    "throttled": "요청이 너무 많아요. 잠시 후 다시 시도해 주세요.",
    "parse_error": "요청 형식이 올바르지 않아요.",
    "unsupported_media_type": "지원하지 않는 요청 형식이에요.",
    "invalid": "입력한 내용을 확인해 주세요.",
}
FALLBACK_MESSAGE = "요청을 처리하지 못했어요."


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict) and isinstance(codes.get("code"), str):
        return codes["code"]  # simplejwt's InvalidToken carries its code inside the detail
    return exc.default_code


def exception_handler(exc, context):
    """DRF's handler, then one body shape with a machine code and a Korean message."""
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": MESSAGES["invalid"], "fields": response.data}
    else:
        code = _code_of(exc)
        detail = exc.detail.get("detail", "") if isinstance(exc.detail, dict) else exc.detail
        message = str(detail) if HANGUL.search(str(detail)) else MESSAGES.get(code, FALLBACK_MESSAGE)
        body = {"code": code, "message": message}
    response.data = body
    return response
