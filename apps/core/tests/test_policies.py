"""이용약관 and 개인정보처리방침: real pages with versions that staff publish in admin."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.core import services
from apps.core.models import PolicyDocument
from apps.core.tests.factories import policies_fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    return policies_fresh()


def _terms_v2(**changes) -> PolicyDocument:
    values = {
        "kind": "terms",
        "title": "TriMarket 이용약관",
        "body": "<h2>제1조</h2><p>두 번째 버전의 본문.</p>",
        "effective_at": timezone.now() - timedelta(days=1),
    }
    return services.policy_document_create(**{**values, **changes})


def test_the_terms_page_shows_the_newest_version_in_force(client, documents):
    """/terms/ shows the newest version whose date has come, not the older one nor one announced for later."""
    _terms_v2()
    _terms_v2(body="<p>세 번째 버전, 다음 달 시행.</p>", effective_at=timezone.now() + timedelta(days=30))

    response = client.get("/terms/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "두 번째 버전의 본문" in html
    assert "첫 버전의 본문" not in html
    assert "현재 시행 중인 이용약관" in html
    assert "시행 예정" in html  # version 3 listed in the history as announced


def test_an_older_version_is_shown_by_its_url_and_says_so(client, documents):
    """/terms/1/ shows version 1's words, marked as an older version with a link to the one in force."""
    _terms_v2()

    html = client.get("/terms/1/").content.decode()

    assert "이용약관 첫 버전의 본문" in html
    assert "이전 버전이에요" in html
    assert 'href="/terms/"' in html


@pytest.mark.parametrize("path", ["/terms/99/", "/privacy/99/", "/terms/0/"])
def test_an_unknown_version_is_404(client, documents, path):
    """A version number that kind never had is not found."""
    assert client.get(path).status_code == 404


def test_a_terms_version_is_not_found_under_privacy(client, documents):
    """Version numbers are per kind: privacy's URL never shows the terms."""
    _terms_v2()

    assert client.get("/privacy/2/").status_code == 404


def test_the_privacy_page_names_the_officer_from_the_runtime_settings(client, documents, settings):
    """{{개인정보_보호책임자}} in the text shows 운영 설정's value, escaped."""
    from constance import config

    services.policy_document_create(
        kind="privacy", title="개인정보처리방침", body="<p>보호책임자: {{개인정보_보호책임자}}</p>",
        effective_at=timezone.now(),
    )  # fmt: skip
    try:
        config.PRIVACY_OFFICER_NAME = "<b>박보호</b>"
        from apps.core import pagecache

        pagecache.local_clear()
        html = client.get("/privacy/").content.decode()
    finally:
        config.PRIVACY_OFFICER_NAME = settings.CONSTANCE_CONFIG["PRIVACY_OFFICER_NAME"][0]

    assert "보호책임자: &lt;b&gt;박보호&lt;/b&gt;" in html


def test_a_body_keeps_only_the_allowed_html(client, documents):
    """Staff's HTML loses scripts, handlers and styles; headings, lists and tables stay."""
    document = _terms_v2(
        body='<h2 onclick="x()">제1조</h2><script>alert(1)</script><ul><li style="color:red">항목</li></ul>'
        '<table><tr><td colspan="2">표</td></tr></table>'
    )

    assert "<script" not in document.body
    assert "onclick" not in document.body
    assert "style=" not in document.body
    html = client.get("/terms/").content.decode()
    assert "<h2>제1조</h2>" in html
    assert '<td colspan="2">표</td>' in html


def test_staff_publish_a_new_version_in_admin_and_it_is_current(client, documents):
    """Staff fill the add form (version left blank); the next number is given and /terms/ shows it at once."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    now = timezone.localtime()

    response = client.post(
        "/admin/core/policydocument/add/",
        {
            "kind": "terms",
            "version": "",
            "title": "TriMarket 이용약관",
            "body": "<h2>제1조</h2><p>관리자가 고친 약관.</p>",
            "effective_at_0": now.strftime("%Y-%m-%d"),
            "effective_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    assert PolicyDocument.objects.get(kind="terms", version=2).title == "TriMarket 이용약관"
    page = client.get("/terms/")
    assert "관리자가 고친 약관" in page.content.decode()
    assert page.context["document"].version == 2


def test_a_version_in_force_is_read_only_in_admin_and_offers_a_copy(client, documents):
    """Members agreed to its words: staff cannot change it, and 새 버전 opens the add form filled with them."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    terms = documents["terms"]

    page = client.get(f"/admin/core/policydocument/{terms.pk}/change/").content.decode()
    refused = client.post(f"/admin/core/policydocument/{terms.pk}/change/", {"title": "바꿈", "body": "바꿈"})
    add_form = client.get(f"/admin/core/policydocument/add/?copy_from={terms.pk}").context["adminform"].form

    assert "이 내용으로 새 버전 만들기" in page
    assert refused.status_code == 403
    terms.refresh_from_db()
    assert terms.title == "TriMarket 이용약관"
    assert add_form.initial["body"] == terms.body
    assert add_form.initial["version"] == 2


def test_a_version_announced_for_later_can_still_be_corrected():
    """Before its date a version may be fixed; from its date on the service refuses."""
    policies_fresh()
    announced = _terms_v2(effective_at=timezone.now() + timedelta(days=7))

    fixed = services.policy_document_update(
        document=announced, title="고친 제목", body="<p>고친 본문</p>", effective_at=announced.effective_at
    )

    assert fixed.title == "고친 제목"


def test_the_first_versions_written_by_the_data_migration_cover_what_the_law_asks():
    """A fresh site shows real texts: the privacy policy names what is collected, who receives it (sellers),
    who processes it (PortOne, the carriers), how long it is kept, and the officer."""
    PolicyDocument.objects.all().delete()
    migration = importlib.import_module("apps.core.migrations.0003_policy_documents_first")

    migration.create(django_apps, None)

    privacy = PolicyDocument.objects.get(kind="privacy", version=1)
    terms = PolicyDocument.objects.get(kind="terms", version=1)
    assert privacy.has_taken_effect
    assert terms.has_taken_effect
    for words in ("수집하는 개인정보 항목", "제3자 제공", "판매자", "위탁", "PortOne", "택배사", "보유 및 이용 기간",
                  "파기", "이용자의 권리", "{{개인정보_보호책임자}}"):  # fmt: skip
        assert words in privacy.body
    for words in ("청약철회", "통신판매중개", "라이브 방송"):
        assert words in terms.body


def test_staff_correct_an_announced_version_in_admin(client, documents):
    """A version announced for next week opens editable; the corrected words are what its page shows."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    announced = _terms_v2(effective_at=timezone.now() + timedelta(days=7))
    when = timezone.localtime(announced.effective_at)

    response = client.post(
        f"/admin/core/policydocument/{announced.pk}/change/",
        {
            "title": "TriMarket 이용약관",
            "body": "<p>오타를 고친 두 번째 버전.</p><script>x</script>",
            "effective_at_0": when.strftime("%Y-%m-%d"),
            "effective_at_1": when.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    html = client.get("/terms/2/").content.decode()
    assert "오타를 고친 두 번째 버전" in html
    assert "<script>x" not in html
    assert "시행될 예정인 버전" in html


def test_a_duplicate_version_number_is_a_form_error_in_admin(client, documents):
    """Version 1 exists: asking for it again is refused on the form, not with a server error."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    now = timezone.localtime()

    response = client.post(
        "/admin/core/policydocument/add/",
        {
            "kind": "terms",
            "version": "1",
            "title": "중복",
            "body": "<p>중복</p>",
            "effective_at_0": now.strftime("%Y-%m-%d"),
            "effective_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert PolicyDocument.objects.filter(kind="terms").count() == 1
