"""Unverified signups expire, freeing their login ID and email."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.tasks import pending_signups_expire
from apps.accounts.tests.factories import PendingUserFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "comeback",
    "password1": "Spring2026!",
    "password2": "Spring2026!",
    "name": "다시옴",
    "email": "comeback@example.com",
    "phone": "010-2222-3333",
    "agree_terms": "on",
    "agree_privacy": "on",
    # The versions the signup page links to: the first ones, written by core's data migration.
    "terms_version": 1,
    "privacy_version": 1,
}


def test_a_pending_signup_older_than_the_limit_expires_and_its_email_signs_up_again(client, settings):
    """Past ACCOUNTS_PENDING_EXPIRE_DAYS an unverified account is deleted; its ID and email sign up anew."""
    settings.ACCOUNTS_PENDING_EXPIRE_DAYS = 7
    now = timezone.now()
    PendingUserFactory(
        username="comeback", email="comeback@example.com", date_joined=now - timedelta(days=7, minutes=1)
    )
    assert client.post("/accounts/signup/", SIGNUP).status_code == 200

    expired = services.pending_signups_expire(now=now)

    assert expired == 1
    assert client.post("/accounts/signup/", SIGNUP).status_code == 302
    assert User.objects.get(username="comeback").status == User.Status.PENDING


def test_a_younger_pending_signup_and_verified_accounts_stay(settings):
    """A pending account inside the limit, and any active account however old, are kept."""
    settings.ACCOUNTS_PENDING_EXPIRE_DAYS = 7
    now = timezone.now()
    young = PendingUserFactory(date_joined=now - timedelta(days=6, hours=23))
    old_active = UserFactory(date_joined=now - timedelta(days=400))

    assert services.pending_signups_expire(now=now) == 0
    assert User.objects.filter(pk__in=[young.pk, old_active.pk]).count() == 2


def test_the_expiry_runs_on_the_beat_schedule(settings):
    """The periodic task is scheduled and calls the service."""
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "apps.accounts.tasks.pending_signups_expire" in entries
    PendingUserFactory(date_joined=timezone.now() - timedelta(days=settings.ACCOUNTS_PENDING_EXPIRE_DAYS + 1))
    assert pending_signups_expire.delay().get() == 1
