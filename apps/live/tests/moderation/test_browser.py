"""Reports in Chromium: the staff queue (phone and desktop) with a ban from it, the viewer's report dialog in
the live room, and the room of a banned member. Screenshots under var/screenshots/."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.selectors import member_ban_active
from apps.catalog.tests.factories import UserFactory
from apps.live.models import ViewerReport
from apps.live.moderation import services
from apps.live.room import services as room_services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": f"{live_server.url}/"}])


def _room(page, broadcast) -> None:
    page.goto(broadcast.get_absolute_url())
    page.wait_for_selector("[data-testid=chat][data-connected='1']")


def test_staff_queue_shows_reports_and_bans_from_them(page, live_server, screenshot):
    """Waiting reports with their text, reason and count; 이용 제한 for 7 days bans the sender and empties the
    queue of that message's reports."""
    broadcast = make_live(BroadcastFactory(title="겨울 니트 특가 라이브"))
    spammer = UserFactory(name="광고봇")
    message = room_services.chat_message_post(
        broadcast_id=broadcast.pk, user=spammer, text="여기서 더 싸게 팔아요 → bit.ly/xxxx"
    )
    for reason in ("spam", "fraud"):
        services.report_create(
            reporter=UserFactory(), broadcast_id=broadcast.pk, message_id=message.pk, reason=reason
        )
    services.report_create(
        reporter=UserFactory(name="시청자"),
        broadcast_id=broadcast.pk,
        reason=ViewerReport.Reason.ILLEGAL,
        detail="정품이 아닌 것 같아요. 상표가 달라요.",
    )
    _log_in(page, live_server, UserFactory(is_staff=True, name="운영자"))
    page.goto("/staff/moderation/")
    assert page.get_by_test_id("report").count() == 3
    page.get_by_test_id("same-target").first.wait_for()
    page.get_by_test_id("action-ban-open").first.click()
    screenshot(page, "staff-report-queue")

    first = page.get_by_test_id("report").first
    first.locator("select[name=days]").select_option("7")
    first.locator("input[name=reason]").fill("외부 거래 유도 광고")
    page.once("dialog", lambda dialog: dialog.accept())
    first.get_by_test_id("action-ban").click()
    page.get_by_text("플랫폼 이용을 제한했어요.").wait_for()
    assert page.get_by_test_id("report").count() == 1
    ban = member_ban_active(spammer)
    assert ban.reason == "외부 거래 유도 광고"
    assert ban.until > timezone.now() + datetime.timedelta(days=6)
    page.get_by_test_id("tab-bans").click()
    page.get_by_test_id("ban").get_by_text("외부 거래 유도 광고").wait_for()
    screenshot(page, "staff-bans")
    page.get_by_test_id("tab-log").click()
    page.get_by_test_id("moderation-log").get_by_text("외부 거래 유도 광고").wait_for()
    screenshot(page, "staff-moderation-log")


def test_viewer_reports_a_message_and_the_broadcast_from_the_room(open_tab, screenshot):
    """From a message's ⋯ menu and from 방송 신고 the dialog takes a reason and a note; the room says thanks."""
    broadcast = make_live(BroadcastFactory(title="봄 원피스 라이브"))
    rude = UserFactory(name="무례한손님")
    room_services.chat_message_post(broadcast_id=broadcast.pk, user=rude, text="이딴 걸 누가 사요 ㅋㅋ")
    viewer = UserFactory(name="신고자")
    tab = open_tab(viewer)
    _room(tab, broadcast)
    target = tab.locator("[data-testid=chat-message]", has_text="이딴 걸 누가 사요")
    target.get_by_test_id("message-menu").click()
    tab.get_by_test_id("message-report").click()
    dialog = tab.get_by_test_id("report-dialog")
    dialog.get_by_text("무례한손님: 이딴 걸 누가 사요 ㅋㅋ").wait_for()
    dialog.get_by_label("욕설·비하").check()
    dialog.locator("textarea[name=detail]").fill("판매자를 계속 비하해요")
    screenshot(tab, "live-room-report-dialog")
    dialog.get_by_test_id("report-submit").click()
    tab.get_by_text("신고가 접수됐어요. 운영팀이 확인할게요.").wait_for()
    report = ViewerReport.objects.get(reporter=viewer)
    assert (report.target, report.reason, report.reported_user) == ("message", "abuse", rude)

    tab.get_by_test_id("broadcast-report").click()
    dialog.get_by_text("방송 신고").wait_for()
    dialog.get_by_label("사기·허위 정보").check()
    dialog.get_by_test_id("report-submit").click()
    tab.get_by_text("신고가 접수됐어요. 운영팀이 확인할게요.").nth(1).wait_for()
    assert ViewerReport.objects.filter(reporter=viewer, target="broadcast", reason="fraud").exists()


def test_banned_member_sees_why_the_chat_is_closed(open_tab, screenshot):
    """The room tells a banned member the reason and the end, and keeps the chat box closed."""
    broadcast = make_live(BroadcastFactory(title="주방용품 라이브"))
    member = UserFactory(name="제한회원")
    account_services.ban_platform(
        user=member,
        reason="반복적인 욕설",
        until=timezone.now() + datetime.timedelta(days=3),
        actor=UserFactory(is_staff=True),
    )
    tab = open_tab(member)
    _room(tab, broadcast)
    notice = tab.get_by_test_id("chat-banned")
    notice.wait_for()
    assert "사유: 반복적인 욕설" in notice.inner_text()
    assert tab.get_by_test_id("chat-input").is_disabled()
    screenshot(tab, "live-room-banned")
