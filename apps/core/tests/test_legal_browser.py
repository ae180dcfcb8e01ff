"""What a shopper sees of the pages the law asks for: the footer, 이용약관 and 개인정보처리방침."""

import pytest
from constance import config

from apps.core import pagecache
from apps.core.tests.factories import policies_default

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def business(settings):
    """Business details as a real shop would fill them in; defaults again afterwards."""
    values = {
        "BUSINESS_NAME": "(주)트라이마켓",
        "BUSINESS_REGISTRATION_NUMBER": "220-81-62517",
        "HOSTING_PROVIDER": "트라이클라우드(주)",
    }
    for name, value in values.items():
        setattr(config, name, value)
    pagecache.local_clear()
    yield values
    for name in values:
        setattr(config, name, settings.CONSTANCE_CONFIG[name][0])
    pagecache.local_clear()


def test_the_footer_shows_who_runs_the_shop_on_a_phone_and_a_desktop(page, screenshot, business):
    """The main page ends with the business details, the FTC check, and the two policy links, privacy bold."""
    policies_default()
    page.goto("/")
    footer = page.locator(".site-footer")
    footer.scroll_into_view_if_needed()

    assert footer.get_by_text("상호 (주)트라이마켓").is_visible()
    assert footer.get_by_text("호스팅 서비스 제공자 트라이클라우드(주)").is_visible()
    check = footer.get_by_role("link", name="사업자정보 확인")
    assert check.get_attribute("href") == "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=2208162517"
    privacy = footer.get_by_role("link", name="개인정보처리방침")
    assert int(privacy.locator("strong").evaluate("e => getComputedStyle(e).fontWeight")) >= 700
    assert footer.get_by_text("구매안전서비스").count() == 0
    # On a phone the bottom tab bar must not cover the last lines of the footer.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    copyright_box = footer.locator(".site-footer__copyright").bounding_box()
    tabbar_box = page.locator(".tabbar").bounding_box()
    assert copyright_box["y"] + copyright_box["height"] <= tabbar_box["y"]
    screenshot(page, "legal-footer")

    privacy.click()
    page.get_by_role("heading", name="TriMarket 개인정보처리방침").wait_for()
    assert page.get_by_text("현재 시행 중인 개인정보처리방침이에요.").is_visible()
    assert page.get_by_role("heading", name="4. 개인정보의 제3자 제공").is_visible()
    screenshot(page, "legal-privacy")


def test_the_terms_page_reads_well_on_a_phone_and_a_desktop(page, screenshot, business):
    """/terms/ shows the text in force, its version and date, and the version history."""
    policies_default()
    page.goto("/terms/")

    assert page.get_by_role("heading", name="TriMarket 이용약관").is_visible()
    assert page.get_by_text("버전 1 · 시행일").is_visible()
    assert page.get_by_role("heading", name="제11조 (청약철회 등)").is_visible()
    # Nothing wider than a phone's screen: long words wrap, tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "legal-terms")
