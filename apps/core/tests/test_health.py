import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_every_part_up_on_mariadb_and_redis(client):
    """/healthz answers 200 and names the real backends it reached."""
    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert report["checks"]["database"]["backend"] == "mysql"
    assert report["checks"]["cache"]["backend"] == "RedisCache"
    assert report["checks"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert report["checks"]["celery_broker"]["backend"] == "redis"


@pytest.mark.django_db
def test_healthz_is_up_for_a_logged_in_member_too(client):
    """A member's session (a user not loaded yet) does not break the channel layer's round trip."""
    from apps.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())

    response = client.get("/healthz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["channel_layer"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache_when_redis_is_unreachable(client):
    """A cache that cannot be reached turns /healthz into a 503 that says which part is down."""
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=unreachable, SESSION_ENGINE="django.contrib.sessions.backends.db"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]
    assert response.json()["checks"]["database"]["ok"] is True
