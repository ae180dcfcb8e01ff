from datetime import date, datetime, time

from django.utils import timezone

from apps.accounts.tests.factories import UserFactory


def seoul(day: date, hour: int = 12) -> datetime:
    """Noon (or ``hour``) of ``day`` in Asia/Seoul, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


class StaffFactory(UserFactory):
    """A staff member with an email address (staff get the job-failure mails)."""

    username = "staff"
    email = "ops@trimarket.example"
    is_staff = True


__all__ = ["StaffFactory", "UserFactory", "seoul"]
