import pytest

from apps.catalog import demo
from apps.catalog.models import Category, Product, ProductImage, Review


def _quiet(iterable, desc: str):
    return iterable


@pytest.mark.django_db
def test_demo_catalog_loads_a_deep_korean_tree_and_a_second_run_adds_nothing():
    """The demo makes 3-level Korean categories, products with pictures, options and reviews; twice is once."""
    demo.load(progress=_quiet, products=30, images_per_product=1)
    counts = (Category.objects.count(), Product.objects.count(), Review.objects.count())

    demo.load(progress=_quiet, products=30, images_per_product=1)

    assert (Category.objects.count(), Product.objects.count(), Review.objects.count()) == counts
    assert counts[1] == 30
    assert Category.objects.get(slug="dress").path.count("/") == 4  # 패션 > 여성의류 > 원피스
    assert ProductImage.objects.filter(thumbnail__startswith="products/thumbs/").count() == 30
    assert Product.objects.filter(options__isnull=False).distinct().count() == 30
    assert Review.objects.exists()
