"""The shopper's journey in Chromium: signup → code mail → verify → login → my page, and the other pages."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.accounts.tests.factories import UserFactory
from apps.core.tests.factories import policies_default

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What Kakao's postcode script offers (INTEGRATIONS.md), answering at once with one address.
FAKE_POSTCODE_WIDGET = """
window.kakao = {Postcode: function (options) {
  this.open = function () {
    options.oncomplete({zonecode: "06236", roadAddress: "서울 강남구 테헤란로 152", jibunAddress: "",
      address: "서울 강남구 테헤란로 152", userSelectedType: "R", buildingName: "강남파이낸스센터",
      sido: "서울", sigungu: "강남구", bname: "역삼동"});
  };
}};
"""


def _code_from_mail() -> str:
    return re.search(r"인증 코드: (\d{6})", mail.outbox[-1].body).group(1)


def test_signup_verify_login_and_my_page_journey(page, screenshot):
    """A new shopper signs up with the address widget, verifies by mailed code, logs in and manages their account."""
    UserFactory(username="taken_id")
    policies_default()
    widget_asked: list[str] = []
    page.route(
        "**/postcode.v2.js",
        lambda route: (
            widget_asked.append(route.request.url),
            route.fulfill(body=FAKE_POSTCODE_WIDGET, content_type="application/javascript"),
        ),
    )
    page.goto("/accounts/signup/")
    screenshot(page, "accounts-signup")
    # Kakao's script is fetched only once the shopper reaches for "주소 검색".
    assert widget_asked == []

    page.get_by_label("아이디").fill("taken_id")
    page.get_by_text("이미 사용 중인 아이디예요").wait_for()
    page.get_by_label("아이디").fill("journey_1")
    page.get_by_text("사용할 수 있는 아이디예요").wait_for()
    page.get_by_label("비밀번호", exact=True).fill("abcdefgh1")
    page.get_by_label("비밀번호 확인").fill("abcdefgh1")
    page.get_by_label("이름").fill("여정고객")
    page.get_by_label("이메일").fill("journey@example.com")
    page.get_by_label("휴대폰 번호").fill("010-1010-2020")
    page.get_by_role("button", name="주소 검색").click()
    expect(page.get_by_label("우편번호")).to_have_value("06236")
    assert page.get_by_label("도로명 주소").input_value() == "서울 강남구 테헤란로 152"
    assert len(widget_asked) == 1
    page.get_by_label("상세 주소").fill("12층")
    page.get_by_text("이용약관 동의 (필수)").click()
    page.get_by_text("개인정보 수집·이용 동의 (필수)").click()
    assert page.get_by_test_id("agree-link-privacy").get_attribute("href") == "/privacy/1/"
    page.get_by_role("button", name="가입하고 인증 코드 받기").click()

    page.get_by_text("비밀번호에 특수문자를 포함해 주세요.").wait_for()
    screenshot(page, "accounts-signup-errors")
    page.get_by_label("비밀번호", exact=True).fill("Live-Shop26!")
    page.get_by_label("비밀번호 확인").fill("Live-Shop26!")
    page.get_by_role("button", name="가입하고 인증 코드 받기").click()

    page.get_by_role("heading", name="이메일로 받은 코드를 입력해 주세요").wait_for()
    assert page.get_by_text("journey@example.com").first.is_visible()
    screenshot(page, "accounts-verify")
    page.get_by_label("인증 코드 6자리").fill(_code_from_mail())
    page.get_by_role("button", name="인증 완료").click()

    page.get_by_role("heading", name="로그인").wait_for()
    assert page.get_by_label("아이디").input_value() == "journey_1"
    screenshot(page, "accounts-login")
    page.get_by_label("비밀번호").fill("Live-Shop26!")
    page.get_by_text("자동 로그인", exact=True).click()
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_url("**/")
    page.goto("/accounts/me/")

    assert page.get_by_role("heading", name="여정고객님, 반가워요").is_visible()
    assert page.get_by_text("서울 강남구 테헤란로 152").is_visible()
    screenshot(page, "accounts-me")

    page.get_by_role("link", name="관리 (1)").click()
    assert page.get_by_text("기본 배송지", exact=True).first.is_visible()
    screenshot(page, "accounts-addresses")
    page.get_by_role("link", name="+ 새 배송지").click()
    screenshot(page, "accounts-address-new")

    page.goto("/accounts/me/withdraw/")
    screenshot(page, "accounts-withdraw")
    page.get_by_label("비밀번호 확인").fill("Live-Shop26!")
    page.get_by_text("안내 사항을 모두 확인했으며").click()
    page.get_by_role("button", name="탈퇴하기").click()

    page.get_by_text("탈퇴가 완료되었어요").wait_for()
    assert User.objects.get(email="", name="탈퇴회원").status == User.Status.WITHDRAWN


def test_address_fields_stay_typeable_when_the_postcode_widget_cannot_load(page, screenshot, live_server):
    """With Kakao's script unreachable, "주소 검색" says so and the shopper types the address."""
    page.route("**/postcode.v2.js", lambda route: route.abort())
    page.goto("/accounts/signup/")

    page.get_by_role("button", name="주소 검색").click()

    page.get_by_text("주소 검색을 불러오지 못했어요").wait_for()
    page.get_by_label("우편번호").fill("04778")
    page.get_by_label("도로명 주소").fill("서울 성동구 성수이로 100")
    assert page.get_by_label("우편번호").input_value() == "04778"


def test_find_id_and_password_reset_pages(page, screenshot):
    """Find ID shows the masked ID; the reset page takes an email and confirms the mail."""
    UserFactory(username="lostuser9", name="분실고객", email="lost@example.com")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="아이디 찾기").click()
    page.wait_for_url("**/accounts/find-id/")
    screenshot(page, "accounts-find-id")
    page.get_by_label("이름").fill("분실고객")
    page.get_by_label("이메일").fill("lost@example.com")
    page.get_by_role("button", name="아이디 찾기").click()

    assert page.get_by_test_id("masked-id").inner_text() == "lo******9"
    screenshot(page, "accounts-find-id-result")

    page.get_by_role("link", name="비밀번호 찾기").first.click()
    screenshot(page, "accounts-password-reset")
    page.get_by_label("이메일").fill("lost@example.com")
    page.get_by_role("button", name="재설정 링크 받기").click()
    page.get_by_role("heading", name="메일을 확인해 주세요").wait_for()
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body
