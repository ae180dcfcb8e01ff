"""What a request that failed answers while Redis is unreachable: 503 and when to try again, not a bare 500.

Sessions, the cache, rate limits and the live rooms' bus are in Redis: while it is cut off, a page that needs
one of them fails. ``server_error`` (the project's 500 handler) asks Redis, briefly, whether that is why; if so
the visitor gets a Korean "잠시 후 다시" page (the API its JSON error) with ``Retry-After``, and a monitor sees
503, a known outage, rather than a bug. Nothing is written while Redis is down that Redis alone would hold.
"""

import redis
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

# Short: the request already failed; this only names the reason.
PROBE_TIMEOUT_SECONDS = 0.5
RETRY_AFTER_SECONDS = 30
MESSAGE = "잠시 서비스가 원활하지 않아요. 잠시 후 다시 시도해 주세요."


def redis_unreachable() -> bool:
    """Whether the site's Redis (REDIS_URL) is set and does not answer a PING now."""
    if not settings.REDIS_URL:
        return False
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError:
        return True
    finally:
        client.close()
    return False


def server_error(request) -> HttpResponse:
    """503 with Retry-After while Redis is unreachable, else Django's 500."""
    if not redis_unreachable():
        return django_server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "unavailable", "message": MESSAGE}}, status=503)
    else:
        # Rendered without the request: its context processors would read the cache that is down.
        response = HttpResponse(render_to_string("core/unavailable.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
