"""The 500 handler while Redis is unreachable: a clear 503 with Retry-After, and Django's 500 otherwise."""

import json

import pytest
from django.test import RequestFactory

from apps.core.outage import RETRY_AFTER_SECONDS, server_error

# Nothing listens on port 1: a connection there is refused at once, as a cut-off Redis is unreachable.
UNREACHABLE = "redis://127.0.0.1:1/0"


def test_a_failed_page_while_redis_is_unreachable_is_a_korean_503(settings):
    """A page that failed while Redis is down answers 503, in Korean, with when to try again."""
    settings.REDIS_URL = UNREACHABLE
    response = server_error(RequestFactory().get("/p/1/"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


def test_a_failed_api_call_while_redis_is_unreachable_is_the_api_error_body(settings):
    """Under /api/ the 503 is the API's JSON error with the code ``unavailable``."""
    settings.REDIS_URL = UNREACHABLE
    response = server_error(RequestFactory().post("/api/v1/orders/"))
    assert response.status_code == 503
    assert json.loads(response.content)["error"]["code"] == "unavailable"


@pytest.mark.django_db
def test_a_failure_with_redis_up_is_still_a_500(settings):
    """With Redis answering, a failure is a bug and stays Django's 500."""
    assert server_error(RequestFactory().get("/")).status_code == 500
