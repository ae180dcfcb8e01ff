"""The viewer's report endpoint (JSON) and the staff queue's page and actions."""

import pytest
from django.test import Client

from apps.accounts.selectors import member_ban_active
from apps.catalog.tests.factories import UserFactory
from apps.core import ratelimit
from apps.live.models import ModerationAction, ViewerReport
from apps.live.moderation import services
from apps.live.room import services as room_services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    broadcast = make_live(BroadcastFactory())
    sender = UserFactory(name="도배왕")
    message = room_services.chat_message_post(broadcast_id=broadcast.pk, user=sender, text="광고 링크 클릭")
    return broadcast, sender, message


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_report_endpoint_answers_201_and_json_errors(room):
    """201 with a Korean thanks; 400 with the field for a missing reason; 401 with the login URL when anonymous."""
    broadcast, _sender, message = room
    url = f"/live/{broadcast.pk}/report/"
    viewer = _client(UserFactory())
    done = viewer.post(url, {"message": message.pk, "reason": "spam", "detail": "링크 도배"})
    assert done.status_code == 201
    assert "신고가 접수됐어요" in done.json()["message"]
    report = ViewerReport.objects.get()
    assert (report.target, report.reason, report.detail) == ("message", "spam", "링크 도배")
    invalid = viewer.post(url, {"reason": ""})
    assert invalid.status_code == 400
    assert "reason" in invalid.json()["error"]["fields"]
    bad_id = viewer.post(url, {"message": "abc", "reason": "spam"})
    assert bad_id.status_code == 400
    assert bad_id.json()["error"]["code"] == "invalid"
    anonymous = _client().post(url, {"reason": "spam"})
    assert anonymous.status_code == 401
    assert "login_url" in anonymous.json()["error"]
    assert _client(UserFactory()).post("/live/999999/report/", {"reason": "spam"}).status_code == 404


def test_report_endpoint_answers_429_over_the_limit(room):
    """Over LIVE_REPORT the endpoint answers 429 with Retry-After and the Korean wait."""
    broadcast, _sender, _message = room
    viewer = _client(UserFactory())
    for _ in range(ratelimit.LIVE_REPORT.per_user):
        other = make_live(BroadcastFactory())
        assert viewer.post(f"/live/{other.pk}/report/", {"reason": "other"}).status_code == 201
    limited = viewer.post(f"/live/{broadcast.pk}/report/", {"reason": "other"})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "신고가 너무 많아요" in limited.json()["error"]["message"]


def test_staff_queue_lists_waiting_reports_and_acts(room, django_assert_max_num_queries):
    """The queue shows each waiting report with its text and count; 이용 제한 bans and moves it to 처리 완료."""
    broadcast, sender, message = room
    for _ in range(2):
        services.report_create(
            reporter=UserFactory(), broadcast_id=broadcast.pk, message_id=message.pk, reason="spam"
        )
    staff = _client(UserFactory(is_staff=True))
    with django_assert_max_num_queries(12):
        page = staff.get("/staff/moderation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "광고 링크 클릭" in html
    assert "같은 대상 신고 2건" in html
    report = ViewerReport.objects.first()
    done = staff.post(
        f"/staff/moderation/{report.pk}/ban/", {"days": "forever", "reason": "광고 도배"}, follow=True
    )
    assert "플랫폼 이용을 제한했어요" in done.content.decode()
    assert member_ban_active(sender).until is None
    assert ViewerReport.objects.filter(status="actioned").count() == 2
    assert "광고 도배" in staff.get("/staff/moderation/?tab=log").content.decode()
    again = staff.post(f"/staff/moderation/{report.pk}/dismiss/", follow=True)
    assert "이미 처리된 신고" in again.content.decode()
    assert ModerationAction.objects.count() == 1
    assert staff.post(f"/staff/moderation/{report.pk}/explode/").status_code == 404


def test_the_queue_is_staff_only(room):
    """A member gets 403 on the page and on an action, which does nothing."""
    broadcast, _sender, message = room
    report = services.report_create(
        reporter=UserFactory(), broadcast_id=broadcast.pk, message_id=message.pk, reason="abuse"
    )
    member = _client(broadcast.seller)
    assert member.get("/staff/moderation/").status_code == 403
    assert member.post(f"/staff/moderation/{report.pk}/dismiss/").status_code == 403
    report.refresh_from_db()
    assert report.status == ViewerReport.Status.WAITING


def test_staff_lift_a_ban_from_the_list_and_it_is_logged(room):
    """이용 제한 중 lists the ban; 해제 lifts it, logs who, and the member chats again."""
    broadcast, sender, message = room
    report = services.report_create(
        reporter=UserFactory(), broadcast_id=broadcast.pk, message_id=message.pk, reason="abuse"
    )
    staff_user = UserFactory(is_staff=True)
    services.report_handle(report_id=report.pk, actor=staff_user, action="ban", reason="욕설", days=7)
    staff = _client(staff_user)
    assert "욕설" in staff.get("/staff/moderation/?tab=bans").content.decode()
    done = staff.post(f"/staff/moderation/bans/{sender.pk}/lift/", follow=True)
    assert "이용 제한을 해제했어요" in done.content.decode()
    assert member_ban_active(sender) is None
    assert ModerationAction.objects.filter(action="unban", actor=staff_user, target_user=sender).exists()
    assert (
        "이미 해제된" in staff.post(f"/staff/moderation/bans/{sender.pk}/lift/", follow=True).content.decode()
    )
    room_services.chat_message_post(broadcast_id=broadcast.pk, user=sender, text="다시 왔어요")
