"""Platform bans: one active ban per member, for a time or for good, told in Korean with the reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts import services
from apps.accounts.bans import ban_message
from apps.accounts.models import AccountBan
from apps.accounts.selectors import member_ban_active
from apps.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def test_a_timed_ban_holds_until_its_end(staff):
    """A ban for a week is active now and no longer once its end has passed."""
    member = UserFactory()
    until = timezone.now() + datetime.timedelta(days=7)
    ban = services.ban_platform(user=member, reason="욕설 반복", until=until, actor=staff)
    assert member_ban_active(member) == ban
    AccountBan.objects.filter(pk=ban.pk).update(until=timezone.now() - datetime.timedelta(seconds=1))
    assert member_ban_active(member) is None


def test_a_new_ban_replaces_the_old_and_lifting_frees(staff):
    """A second ban (here: for good) lifts the first; lifting it leaves the member free, both kept as record."""
    member = UserFactory()
    first = services.ban_platform(
        user=member, reason="스팸", until=timezone.now() + datetime.timedelta(days=1), actor=staff
    )
    second = services.ban_platform(user=member, reason="사기 유도", until=None, actor=staff)
    first.refresh_from_db()
    assert first.lifted_at is not None
    assert first.lifted_by == staff
    assert member_ban_active(member) == second
    assert second.is_permanent
    assert services.ban_lift(user=member, actor=staff) == 1
    assert member_ban_active(member) is None
    assert AccountBan.objects.filter(user=member).count() == 2


def test_staff_past_ends_and_empty_reasons_are_refused(staff):
    """Staff cannot be banned; an end in the past or an empty reason is a Korean field error."""
    with pytest.raises(ValidationError) as staff_ban:
        services.ban_platform(user=UserFactory(is_staff=True), reason="x", until=None, actor=staff)
    assert "운영자" in staff_ban.value.message_dict["user"][0]
    member = UserFactory()
    with pytest.raises(ValidationError) as past:
        services.ban_platform(
            user=member, reason="x", until=timezone.now() - datetime.timedelta(minutes=1), actor=staff
        )
    assert "until" in past.value.message_dict
    with pytest.raises(ValidationError) as empty:
        services.ban_platform(user=member, reason="   ", until=None, actor=staff)
    assert "reason" in empty.value.message_dict
    assert member_ban_active(member) is None


def test_the_message_names_the_reason_and_the_end(staff):
    """The member reads why and until when (in Korea's time), or that it is for good."""
    member = UserFactory()
    until = datetime.datetime(2030, 1, 2, 9, 30, tzinfo=datetime.UTC)
    ban = services.ban_platform(user=member, reason="욕설", until=until, actor=staff)
    assert (
        ban_message(ban)
        == "이용이 제한된 계정이에요 (사유: 욕설). 2030년 01월 02일 18:30까지 채팅할 수 없어요."
    )
    forever = services.ban_platform(user=member, reason="사기", until=None, actor=staff)
    assert "영구" in ban_message(forever, doing="방송")
