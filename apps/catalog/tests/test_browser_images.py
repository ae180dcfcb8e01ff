"""Product pictures in Chromium once their renditions are made: the browser picks an AVIF of the width the
page needs, and every picture on the main, category and product pages loads."""

import pytest
from django.core.management import call_command

from apps.catalog import demo
from apps.catalog.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every <img> on the page, after a walk to the bottom: how many, and which failed to decode.
BROKEN_IMAGES = """async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
        window.scrollTo(0, y);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const images = [...document.images].filter((img) => !img.hidden);
    await Promise.all(images.map((img) => img.decode().catch(() => null)));
    return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src);
}"""


def _quiet(iterable, desc: str):
    return iterable


def test_pages_show_avif_renditions_sized_for_the_screen(page, screenshot):
    """On a phone the product page's first picture is an AVIF rendition fetched first, no wider than the
    screen needs; the cards of the main and category pages are renditions too; no picture is broken."""
    demo.load(progress=_quiet, products=16, images_per_product=2)
    call_command("image_renditions", stdout=open("/dev/null", "w"))  # noqa: SIM115
    product = Product.objects.filter(images__isnull=False).order_by("pk").first()

    page.goto(product.get_absolute_url())
    first = page.locator("[data-gallery-slide='0']")
    first.evaluate("img => img.decode()")
    assert first.get_attribute("fetchpriority") == "high"
    assert first.get_attribute("loading") is None
    # 390 CSS px at the phone's 1x: the 480 rendition, not the 800 original.
    assert first.evaluate("img => img.currentSrc").endswith(".480w.avif")
    assert page.locator("[data-gallery-slide='1']").get_attribute("loading") == "lazy"
    assert page.evaluate(BROKEN_IMAGES) == []
    screenshot(page, "catalog-product-renditions")

    page.goto(product.category.get_absolute_url())
    card = page.locator(".product-card__media img").first
    card.evaluate("img => img.decode()")
    assert card.evaluate("img => img.currentSrc").endswith(".avif")
    assert page.evaluate(BROKEN_IMAGES) == []

    page.goto("/")
    assert page.evaluate(BROKEN_IMAGES) == []
    screenshot(page, "catalog-main-renditions")
