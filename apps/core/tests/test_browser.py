import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_main_page_shows_the_korean_header_in_chromium(page, screenshot):
    """A shopper opening the site sees the TriMarket header and Korean text rendered with the web font."""
    page.goto("/")

    assert page.locator(".site-header").get_by_text("TriMarket").is_visible()
    assert page.get_by_placeholder("검색", exact=True).is_visible()
    assert page.get_by_role("heading", name="지금 라이브").is_visible()
    # Korean glyphs come from the self-hosted Pretendard, not from fonts the machine may lack.
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Pretendard') && f.status === 'loaded').length"
    )
    assert loaded > 0
    screenshot(page, "core-home")
