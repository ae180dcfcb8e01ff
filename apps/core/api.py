"""What every API endpoint shares: the one error body
``{"error": {"code": "...", "message": "한국어 안내", "fields": {...}}}``, cursor pagination and throttles."""

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination, throttling
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.ratelimit import RateLimited

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
    "refused": "요청을 처리할 수 없어요.",
}
FALLBACK_MESSAGE = "요청을 처리하지 못했어요."


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict) and isinstance(codes.get("code"), str):
        return codes["code"]  # simplejwt's InvalidToken carries its code inside the detail
    return exc.default_code


def _from_service(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's refusal (a Django ValidationError: 재고 부족, 취소할 수 없는 주문…) as a 400 with its message.

    The API calls the same services as the pages, so the shopper reads the same Korean sentence.
    """
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    error = exceptions.ValidationError(exc.messages[0] if exc.messages else MESSAGES["refused"])
    error.service_refusal = True
    return error


def exception_handler(exc, context):
    """DRF's handler, then one body shape with a machine code and a Korean message."""
    if isinstance(exc, Http404):
        # A selector's 404 ("another member's order") keeps its Korean sentence when it has one.
        exc = exceptions.NotFound(str(exc) if HANGUL.search(str(exc)) else MESSAGES["not_found"])
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RateLimited):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=exc.messages[0])
    elif isinstance(exc, DjangoValidationError):
        exc = _from_service(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if getattr(exc, "service_refusal", False):
        body = {"code": "refused", "message": str(exc.detail[0])}
    elif isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": MESSAGES["invalid"], "fields": response.data}
    else:
        code = _code_of(exc)
        detail = exc.detail.get("detail", "") if isinstance(exc.detail, dict) else exc.detail
        message = str(detail) if HANGUL.search(str(detail)) else MESSAGES.get(code, FALLBACK_MESSAGE)
        body = {"code": code, "message": message}
    response.data = {"error": body}
    return response


ERROR_BODY_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "기계가 읽는 오류 코드 (예: invalid, not_authenticated)"},
        "message": {"type": "string", "description": "사용자에게 보여 줄 한국어 안내"},
        "fields": {
            "type": "object",
            "description": "입력 오류일 때 필드별 메시지",
            "additionalProperties": {},
        },
    },
    "required": ["code", "message"],
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "모든 API 오류의 형식",
    "properties": {"error": ERROR_BODY_SCHEMA},
    "required": ["error"],
}
ERROR_RESPONSES = {
    "400": "입력한 내용이나 요청 형식이 올바르지 않아요.",
    "404": "요청한 대상이 없거나 다른 회원의 것이에요.",
    "401": "로그인이 필요하거나 토큰이 유효하지 않아요.",
    "403": "이 작업을 할 권한이 없어요.",
    "429": "요청이 너무 많아요. Retry-After 헤더의 초만큼 기다린 뒤 다시 시도해 주세요.",
}


def schema_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the shared error body.

    ``exception_handler`` above gives every error the same shape, so the schema says so once for all
    operations (400, 401, 403, 429 with ``Retry-After``) instead of each view repeating it.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_RESPONSES.items():
                response = {"description": description, "content": body}
                if status == "429":
                    response["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "다시 시도할 수 있을 때까지의 초",
                        }
                    }
                operation["responses"].setdefault(status, response)
    return result


class ListingCursorPagination(pagination.CursorPagination):
    """Cursor pages (``?cursor=``, ``next``/``previous`` links) in the order the selector already gave.

    A listing's sort is the selector's to decide (popular, newest, price); the cursor follows the queryset's
    ``order_by`` so the API and the web page list the same products in the same order.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        ordered = tuple(str(field) for field in queryset.query.order_by)
        return ordered or super().get_ordering(request, queryset, view)


class CheckoutRateThrottle(throttling.UserRateThrottle):
    """The tighter limit on placing orders and paying (``DEFAULT_THROTTLE_RATES["checkout"]``)."""

    scope = "checkout"
