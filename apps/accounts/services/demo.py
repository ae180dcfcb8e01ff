"""Demo accounts whose documented password always works."""

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services.signup import user_mark_email_verified


@transaction.atomic
def user_ensure_demo(*, username: str, password: str, name: str = "", **flags: bool) -> User:
    """Create or reset a demo account (verified email, active) so its documented password always works."""
    user, _created = User.objects.get_or_create(
        username=username, defaults={"name": name, "email": f"{username}@trimarket.local"}
    )
    user.name = name or user.name
    user.is_active = True
    user.status = User.Status.ACTIVE
    for flag, value in flags.items():
        setattr(user, flag, value)
    user.set_password(password)
    user.full_clean()
    user.save()
    if not user.is_email_verified:
        user_mark_email_verified(user=user)
    return user
