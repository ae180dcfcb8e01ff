"""Pretendard in three cuts (docker/font_subset.py): the site's own words right after the first frame, the rest
of KS X 1001 and the rarer syllables only after the page, so a first screen never waits for a font file."""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

sys.path.insert(0, str(Path(settings.BASE_DIR) / "docker"))
import font_subset

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "pretendard"


def _covered(name: str) -> set[int]:
    return set(TTFont(FONT_DIR / name).getBestCmap())


def test_every_syllable_the_site_writes_is_in_the_first_cut():
    """A word added to a template, a script or a message is in the first font's list, so the header, buttons and
    messages never wait for the second file (run `python docker/font_subset.py --write-ui-syllables`)."""
    written = set(font_subset.syllables_in(font_subset.site_words()))

    missing = written - set(font_subset.ui_syllables())

    assert len(written) > 300
    assert not missing, "".join(map(chr, sorted(missing)))


def test_the_three_cuts_cover_every_modern_syllable_once_and_ks_x_1001_without_the_rare_file():
    """The built files: the first holds the site's words, Latin and ₩; with the second every KS X 1001 syllable
    (product names, reviews, chat) is there; the third holds the rest of the 11,172, and no syllable is in two."""
    ui, ks, ext = (_covered(f"pretendard-{cut}.woff2") for cut in ("ui", "ks", "ext"))
    hangul = set(font_subset.HANGUL_SYLLABLES)

    assert set(font_subset.ui_syllables()) <= ui
    assert {ord(c) for c in "TriMarket 0123456789 ₩,원"} <= ui
    assert set(font_subset.ks_x_1001_syllables()) <= ui | ks
    assert (ui | ks | ext) >= hangul
    assert not (ui & ks & hangul)
    assert not (ui & ext & hangul)
    assert not (ks & ext)
    # The first cut is the small one: well under the other two together.
    sizes = {cut: (FONT_DIR / f"pretendard-{cut}.woff2").stat().st_size for cut in ("ui", "ks", "ext")}
    assert sizes["ui"] * 4 < sizes["ks"] + sizes["ext"], sizes


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_product_name_gets_pretendard_after_the_page_loads_and_never_before(page):
    """A product whose name has syllables outside the site's own words: the first frame is painted before any
    font is asked for; the first cut follows it, and after the load event the second arrives and sets the name
    in Pretendard; the next page names them at once (from the cache)."""
    from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory

    name = "뷁꿹 쭌쯧 니트"  # 뷁 and 꿹 are outside KS X 1001, 쭌 and 쯧 outside the site's words
    assert not {ord(c) for c in "쭌쯧"} & set(font_subset.ui_syllables())
    product = ProductFactory(name=name)
    ProductOptionFactory(product=product)
    # Where the document was when site.js named the rest of the font (the script runs before <html> exists).
    page.add_init_script(
        """new MutationObserver(function (changes, observer) {
            if (document.documentElement && document.documentElement.classList.contains("fonts-more")) {
                window.fontsMoreAt = document.readyState;
                observer.disconnect();
            }
        }).observe(document, {attributes: true, attributeFilter: ["class"], subtree: true});"""
    )
    events: list[str] = []
    page.on("load", lambda _: events.append("load"))
    page.on(
        "request",
        lambda request: (
            "pretendard" in request.url and events.append(request.url.rsplit("/", 1)[-1].split(".")[0])
        ),
    )

    page.goto(product.get_absolute_url())
    # A function, not an expression: the page's CSP refuses the eval a polled expression needs.
    page.wait_for_function("() => document.fonts.check('16px \"Pretendard Web KS\"', '쭌쯧')")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.fontsMoreAt") == "complete"
    first_paint, first_cut = page.evaluate(
        """() => [
            performance.getEntriesByName("first-paint")[0].startTime,
            performance.getEntriesByType("resource").find((e) => e.name.includes("pretendard-ui")).startTime,
        ]"""
    )
    assert first_cut >= first_paint
    assert "pretendard-ui" in events, events
    # The second and third cuts are asked for only once the page has loaded.
    assert {"pretendard-ks", "pretendard-ext"} <= set(events[events.index("load") :]), events
    assert "pretendard-ks" not in events[: events.index("load")], events
    assert (
        page.evaluate(
            "[...document.fonts].filter(f => f.family === 'Pretendard Web KS' && f.status === 'loaded').length"
        )
        == 1
    )
    # A browser that has them already names them while the next page is still loading.
    page.goto("/")
    assert page.evaluate("window.fontsMoreAt") in ("loading", "interactive")
