"""Reports and the staff queue's actions: each act done through its owner's service, every act logged."""

import datetime

import pytest
from constance.test.pytest import override_config
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.selectors import member_ban_active
from apps.catalog.tests.factories import UserFactory
from apps.core import ratelimit
from apps.live.models import ChatMute, ModerationAction, ViewerReport
from apps.live.moderation import selectors, services
from apps.live.room import services as room_services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db

ABUSE = ViewerReport.Reason.ABUSE


@pytest.fixture
def room():
    """A live broadcast, a member who wrote a message in it, and staff."""
    broadcast = make_live(BroadcastFactory())
    sender = UserFactory(name="도배왕")
    message = room_services.chat_message_post(broadcast_id=broadcast.pk, user=sender, text="나쁜 말")
    return broadcast, sender, message, UserFactory(is_staff=True)


def _report(broadcast, message=None, reason=ABUSE, reporter=None):
    return services.report_create(
        reporter=reporter or UserFactory(),
        broadcast_id=broadcast.pk,
        message_id=message.pk if message else None,
        reason=reason,
    )


def test_a_viewer_reports_a_message_and_a_broadcast(room):
    """A message report keeps the text and its sender; a broadcast report names the seller; both wait."""
    broadcast, sender, message, _staff = room
    on_message = services.report_create(
        reporter=UserFactory(),
        broadcast_id=broadcast.pk,
        message_id=message.pk,
        reason=ABUSE,
        detail=" 욕설\n",
    )
    assert (on_message.target, on_message.reported_user, on_message.message_text) == (
        "message",
        sender,
        "나쁜 말",
    )
    assert on_message.detail == "욕설"
    assert on_message.status == ViewerReport.Status.WAITING
    on_broadcast = _report(broadcast, reason=ViewerReport.Reason.FRAUD)
    assert (on_broadcast.target, on_broadcast.reported_user) == ("broadcast", broadcast.seller)


def test_own_unknown_foreign_and_repeated_reports_are_refused(room):
    """Nobody reports their own message or broadcast, a message of another room, an unknown reason, or the
    same target twice while the first report waits."""
    broadcast, sender, message, _staff = room
    other_room = make_live(BroadcastFactory())
    reporter = UserFactory()
    cases = [
        {"reporter": sender, "broadcast_id": broadcast.pk, "message_id": message.pk, "reason": ABUSE},
        {"reporter": broadcast.seller, "broadcast_id": broadcast.pk, "reason": ABUSE},
        {"reporter": reporter, "broadcast_id": other_room.pk, "message_id": message.pk, "reason": ABUSE},
        {"reporter": reporter, "broadcast_id": broadcast.pk, "message_id": message.pk, "reason": "rude"},
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            services.report_create(**case)
    services.report_create(reporter=reporter, broadcast_id=broadcast.pk, message_id=message.pk, reason=ABUSE)
    with pytest.raises(ValidationError) as again:
        services.report_create(
            reporter=reporter, broadcast_id=broadcast.pk, message_id=message.pk, reason=ABUSE
        )
    assert "이미 신고" in again.value.messages[0]
    assert ViewerReport.objects.count() == 1


def test_reports_are_rate_limited_per_member(room):
    """Past the LIVE_REPORT limit a member's next report is refused with the wait, and nothing is kept."""
    broadcast, _sender, _message, _staff = room
    reporter = UserFactory()
    rooms = [make_live(BroadcastFactory()) for _ in range(ratelimit.LIVE_REPORT.per_user)]
    for each in rooms:
        _report(each, reporter=reporter)
    with pytest.raises(ratelimit.RateLimited) as limited:
        _report(broadcast, reporter=reporter)
    assert "신고가 너무 많아요" in limited.value.messages[0]
    assert ViewerReport.objects.filter(reporter=reporter).count() == len(rooms)


def test_dismiss_handles_every_waiting_report_of_the_target_and_logs_it(room):
    """One 기각 closes all waiting reports of the same message (not another target's), logged with who."""
    broadcast, sender, message, staff = room
    first, second = _report(broadcast, message), _report(broadcast, message)
    other = _report(broadcast)
    logged = services.report_handle(report_id=first.pk, actor=staff, action="dismiss", reason="문제 없음")
    for report in (first, second):
        report.refresh_from_db()
        assert (report.status, report.handled_by, report.action) == ("dismissed", staff, "dismiss")
    other.refresh_from_db()
    assert other.status == ViewerReport.Status.WAITING
    assert (logged.actor, logged.action, logged.target_user, logged.report) == (
        staff,
        "dismiss",
        sender,
        first,
    )
    assert logged.reason == "문제 없음"
    assert logged.created_at is not None
    with pytest.raises(ValidationError) as twice:
        services.report_handle(report_id=second.pk, actor=staff, action="delete")
    assert "이미 처리" in twice.value.messages[0]


def test_delete_and_mute_act_in_the_room(room):
    """삭제 hides the message for everyone; 채팅 금지 mutes its sender in that room; both logged once."""
    broadcast, sender, message, staff = room
    services.report_handle(report_id=_report(broadcast, message).pk, actor=staff, action="delete")
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert message.deleted_by == staff
    services.report_handle(report_id=_report(broadcast, message).pk, actor=staff, action="mute")
    assert ChatMute.objects.filter(broadcast=broadcast, user=sender, muted_by=staff).exists()
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "delete",
        "mute",
    ]
    with pytest.raises(room_services.ChatRefused) as muted:
        room_services.chat_message_post(broadcast_id=broadcast.pk, user=sender, text="또")
    assert muted.value.code == "muted"


def test_actions_that_do_not_fit_and_non_staff_are_refused(room):
    """A broadcast report has no message to delete nor sender to mute; only staff handle reports."""
    broadcast, _sender, message, staff = room
    on_broadcast = _report(broadcast)
    for action in ("delete", "mute"):
        with pytest.raises(ValidationError):
            services.report_handle(report_id=on_broadcast.pk, actor=staff, action=action)
    with pytest.raises(ValidationError):
        services.report_handle(
            report_id=_report(broadcast, message).pk, actor=broadcast.seller, action="dismiss"
        )
    with pytest.raises(ValidationError):
        services.report_handle(report_id=on_broadcast.pk, actor=staff, action="ban", days=2)
    assert ModerationAction.objects.count() == 0
    assert ViewerReport.objects.filter(status=ViewerReport.Status.WAITING).count() == 2


def test_ban_from_a_report_is_timed_or_for_good_and_logged(room):
    """이용 제한 for 7 days bans the sender until then; from a broadcast report, for good, its seller."""
    broadcast, sender, message, staff = room
    before = timezone.now()
    logged = services.report_handle(
        report_id=_report(broadcast, message).pk, actor=staff, action="ban", reason="욕설 반복", days=7
    )
    ban = member_ban_active(sender)
    assert ban.reason == "욕설 반복"
    assert ban.created_by == staff
    assert before + datetime.timedelta(days=7) <= ban.until <= timezone.now() + datetime.timedelta(days=7)
    assert (logged.action, logged.until, logged.target_user) == ("ban", ban.until, sender)
    services.report_handle(report_id=_report(broadcast).pk, actor=staff, action="ban", days=None)
    seller_ban = member_ban_active(broadcast.seller)
    assert seller_ban.until is None
    assert seller_ban.reason == "욕설·비하"


def test_room_moderators_acts_are_logged_too(room):
    """The seller deleting and muting from the room leaves the same log rows, with the seller as actor."""
    broadcast, sender, message, _staff = room
    room_services.chat_message_delete(broadcast=broadcast, message_id=message.pk, actor=broadcast.seller)
    room_services.chat_user_mute(broadcast=broadcast, user_id=sender.pk, actor=broadcast.seller)
    room_services.chat_user_mute(broadcast=broadcast, user_id=sender.pk, actor=broadcast.seller, on=False)
    rows = list(ModerationAction.objects.order_by("id").values_list("actor", "action", "target_user"))
    seller = broadcast.seller.pk
    assert rows == [(seller, "delete", sender.pk), (seller, "mute", sender.pk), (seller, "unmute", sender.pk)]


def test_waiting_reports_are_counted_per_broadcast(room):
    """Reports on a broadcast and on its messages count while waiting; handled ones and other rooms do not."""
    broadcast, _sender, message, staff = room
    quiet, other = make_live(BroadcastFactory()), make_live(BroadcastFactory())
    _report(broadcast, message)
    _report(broadcast)
    second = room_services.chat_message_post(broadcast_id=broadcast.pk, user=UserFactory(), text="광고")
    handled = _report(broadcast, second, reason=ViewerReport.Reason.SPAM)
    _report(other)
    services.report_handle(report_id=handled.pk, actor=staff, action="dismiss")
    assert selectors.reports_waiting_by_broadcast([broadcast.pk, quiet.pk, other.pk]) == {
        broadcast.pk: 2,
        other.pk: 1,
    }
    assert selectors.reports_waiting_by_broadcast([]) == {}


def test_a_spike_is_n_reports_in_the_last_m_minutes(room):
    """With 3 reports in 10 minutes as the threshold, three fresh reports spike; older ones do not count."""
    broadcast, _sender, message, _staff = room
    with override_config(LIVE_REPORTS_SPIKE_COUNT=3, LIVE_REPORTS_SPIKE_MINUTES=10):
        old = _report(broadcast, message)
        ViewerReport.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=11)
        )
        _report(broadcast, message)
        _report(broadcast)
        assert selectors.reports_spiking(broadcast.pk) is False
        _report(broadcast, message)
        assert selectors.reports_spiking(broadcast.pk) is True
        assert selectors.reports_spiking_by_broadcast([broadcast.pk, broadcast.pk + 1]) == {broadcast.pk}
