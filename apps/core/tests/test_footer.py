"""The footer of every page: who runs the shop, from the runtime settings, fresh even on a cached page."""

import time

import pytest
from constance import config
from django.core.cache import cache
from django.test import Client

from apps.core import pagecache
from apps.core.business import business_info

pytestmark = pytest.mark.django_db

BUSINESS_SETTINGS = {
    "BUSINESS_NAME": "(주)봄날상회",
    "BUSINESS_REPRESENTATIVE": "이봄날",
    "BUSINESS_REGISTRATION_NUMBER": "220-81-62517",
    "MAIL_ORDER_REPORT_NUMBER": "제2026-서울강남-01234호",
    "BUSINESS_ADDRESS": "서울특별시 강남구 테헤란로 152",
    "CUSTOMER_SERVICE_PHONE": "02-555-1234",
    "CUSTOMER_SERVICE_EMAIL": "cs@bomnal.example",
    "HOSTING_PROVIDER": "봄날클라우드(주)",
    "PRIVACY_OFFICER_NAME": "박보호",
}


@pytest.fixture(autouse=True)
def _runtime_settings(settings):
    """Each test starts from the defaults and this process's copies forgotten; the settings live in Redis."""
    pagecache.local_clear()
    yield
    for name in [*BUSINESS_SETTINGS, "ESCROW_ENABLED"]:
        setattr(config, name, settings.CONSTANCE_CONFIG[name][0])
    pagecache.local_clear()


def _set(capture, **values) -> None:
    """As admin → 운영 설정 saves them: constance's set, its config_updated signal, our drop after commit."""
    with capture(execute=True):
        for name, value in values.items():
            setattr(config, name, value)


def test_the_footer_shows_the_business_details_staff_set(client, django_capture_on_commit_callbacks):
    """Every value of 운영 설정 → 사업자 정보 appears in the footer of a page."""
    _set(django_capture_on_commit_callbacks, **BUSINESS_SETTINGS)

    html = client.get("/categories/").content.decode()

    for value in BUSINESS_SETTINGS.values():
        assert value in html


def test_the_ftc_link_carries_the_registration_digits(client, django_capture_on_commit_callbacks):
    """사업자정보 확인 opens the FTC's page for the 10 digits of the number, dashes dropped."""
    _set(django_capture_on_commit_callbacks, BUSINESS_REGISTRATION_NUMBER="220-81-62517")

    html = client.get("/categories/").content.decode()

    assert 'href="https://www.ftc.go.kr/bizCommPop.do?wrkr_no=2208162517"' in html
    assert "사업자정보 확인" in html


@pytest.mark.parametrize("number", ["220-81", "000-00-00000"])
def test_no_ftc_link_for_a_half_typed_or_placeholder_number(
    client, django_capture_on_commit_callbacks, number
):
    """A half-typed number, or the placeholder of zeros, shows as typed, without a link to an FTC page about
    nobody."""
    _set(django_capture_on_commit_callbacks, BUSINESS_REGISTRATION_NUMBER=number)

    html = client.get("/categories/").content.decode()

    assert f"사업자등록번호 {number}" in html
    assert "ftc.go.kr" not in html


def test_a_settings_change_shows_at_once_on_a_cached_page(django_capture_on_commit_callbacks):
    """The main page is cached for first-time visitors; a new 상호 is on it for the very next visitor."""
    first = Client().get("/").content.decode()
    assert "(주)트라이마켓" in first
    assert "(주)트라이마켓" in Client().get("/").content.decode()  # now served from the cache

    _set(django_capture_on_commit_callbacks, BUSINESS_NAME="(주)봄날상회")

    after = Client().get("/").content.decode()
    assert "(주)봄날상회" in after
    assert "(주)트라이마켓" not in after


def test_a_change_made_in_another_process_reaches_this_one_within_a_second(
    django_capture_on_commit_callbacks,
):
    """Another process saved the setting and moved the frame's version in the shared cache; this process,
    which heard no signal, stops serving its stored page and its copy of the settings within a second."""
    assert "(주)트라이마켓" in Client().get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        config.BUSINESS_NAME = "(주)봄날상회"  # stored in Redis; this process's drop is never run
    cache.set(pagecache.FRAME_VERSION_KEY, time.time_ns(), None)  # what the other process's drop wrote

    time.sleep(pagecache.LOCAL_SECONDS + 0.05)

    assert "(주)봄날상회" in Client().get("/").content.decode()


def test_the_business_details_are_read_once_per_process_until_a_change(django_capture_on_commit_callbacks):
    """Pages read the settings from this process's copy: no constance read per request."""
    first = business_info()
    assert business_info() is first

    _set(django_capture_on_commit_callbacks, BUSINESS_NAME="(주)봄날상회")

    assert business_info().name == "(주)봄날상회"


def test_no_escrow_badge_unless_escrow_is_on(client, django_capture_on_commit_callbacks):
    """The shop shows 구매안전서비스 and 에스크로 only when staff say it has joined one."""
    html = client.get("/").content.decode()
    assert "에스크로" not in html
    assert "구매안전서비스" not in html

    _set(django_capture_on_commit_callbacks, ESCROW_ENABLED=True)

    html = Client().get("/").content.decode()
    assert "구매안전서비스 가입" in html
    assert "PG 에스크로" in html


def test_the_footer_links_the_real_terms_and_privacy_pages_privacy_in_bold(client):
    """이용약관 and 개인정보처리방침 lead to their pages; the privacy link is bold, as the privacy law expects."""
    html = client.get("/categories/").content.decode()

    assert '<a href="/terms/">이용약관</a>' in html
    assert '<a href="/privacy/" class="site-footer__privacy"><strong>개인정보처리방침</strong></a>' in html
