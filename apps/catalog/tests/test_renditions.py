"""Renditions of product pictures: made by the task after an upload, and shown through ``{% picture %}``."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.template import Context, Template
from PIL import Image, features

from apps.catalog import selectors, services
from apps.catalog.images import RENDITION_WIDTHS
from apps.catalog.models import ProductImage
from apps.catalog.tests.factories import ProductFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db

FORMATS = ["avif", "webp"] if features.check("avif") else ["webp"]


def _upload(product, size=(1000, 700)):
    return services.product_image_add(product=product, image=image_upload(size=size))


def test_renditions_are_square_webp_and_avif_in_every_width_the_picture_allows():
    """A 1000×700 upload gets square copies 160, 320, 480, 640 and 700 wide (the listed widths below its
    shorter side, then that side), each in WebP and AVIF, stored as real files and recorded on the picture."""
    image = _upload(ProductFactory(), size=(1000, 700))

    renditions = services.product_image_renditions_make(image_id=image.pk)

    assert features.check("avif"), "Pillow ≥ 11.3 writes AVIF; pyproject pins one that does"
    assert sorted(renditions) == sorted(FORMATS)
    expected = [width for width in RENDITION_WIDTHS if width < 700] + [700]
    assert expected == [160, 320, 480, 640, 700]
    for fmt in FORMATS:
        assert [width for width, _name in renditions[fmt]] == expected
        for width, name in renditions[fmt]:
            with default_storage.open(name) as stored, Image.open(stored) as picture:
                assert picture.size == (width, width)
                assert picture.format == fmt.upper()
    image.refresh_from_db()
    assert image.renditions == renditions


def test_a_picture_smaller_than_every_width_gets_one_rendition_at_its_own_size():
    """A 120×90 picture is never upscaled: one square rendition 90 wide per format."""
    image = _upload(ProductFactory(), size=(120, 90))

    renditions = services.product_image_renditions_make(image_id=image.pk)

    for fmt in FORMATS:
        assert [width for width, _name in renditions[fmt]] == [90]


def test_making_renditions_again_replaces_the_same_files():
    """A second run (a retried task, ``--all``) writes the same file names, leaving no strays behind."""
    image = _upload(ProductFactory(), size=(400, 400))
    first = services.product_image_renditions_make(image_id=image.pk)

    second = services.product_image_renditions_make(image_id=image.pk)

    assert second == first
    folder = first["webp"][0][1].rpartition("/")[0]
    _dirs, files = default_storage.listdir(folder)
    stem = image.image.name.rpartition("/")[2].replace(".", "_")
    assert sorted(name for name in files if name.startswith(stem + ".")) == sorted(
        name.rpartition("/")[2] for fmt in FORMATS for _width, name in first[fmt]
    )


def test_an_upload_dispatches_the_renditions_task_once_it_commits(django_capture_on_commit_callbacks):
    """Adding a picture asks for its renditions after the commit (the task runs them); none before."""
    product = ProductFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image = _upload(product, size=(500, 500))
    assert ProductImage.objects.get(pk=image.pk).renditions == {}

    for callback in callbacks:
        callback()

    image.refresh_from_db()
    assert [width for width, _name in image.renditions["webp"]] == [160, 320, 480, 500]


def test_a_replaced_picture_forgets_its_old_renditions_until_its_task_runs(
    django_capture_on_commit_callbacks,
):
    """Replacing the file of a picture empties its renditions (pages fall back) and asks for new ones."""
    image = _upload(ProductFactory(), size=(500, 500))
    services.product_image_renditions_make(image_id=image.pk)
    image.refresh_from_db()

    image.image = image_upload(name="other.png", size=(300, 300))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.product_image_save(image=image)
    assert ProductImage.objects.get(pk=image.pk).renditions == {}
    for callback in callbacks:
        callback()

    image.refresh_from_db()
    assert [width for width, _name in image.renditions["webp"]] == [160, 300]


def test_the_command_makes_the_missing_renditions_only():
    """``manage.py image_renditions`` fills the pictures without renditions and leaves the others alone."""
    product = ProductFactory()
    done, missing = _upload(product, size=(200, 200)), _upload(product, size=(200, 200))
    services.product_image_renditions_make(image_id=done.pk)
    assert selectors.product_image_ids_without_renditions() == [missing.pk]

    call_command("image_renditions", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert selectors.product_image_ids_without_renditions() == []


def _render(source: str, **context) -> str:
    return Template("{% load pictures %}" + source).render(Context(context))


def test_picture_tag_writes_sources_with_srcset_sizes_and_the_box():
    """With renditions: a <picture> with AVIF then WebP srcsets (URLs and widths), the sizes, and an <img> of
    the fallback with width, height, lazy loading and async decoding."""
    renditions = {
        "webp": [[320, "products/a_jpg.320w.webp"], [160, "products/a_jpg.160w.webp"]],
        "avif": [[160, "products/a_jpg.160w.avif"], [320, "products/a_jpg.320w.avif"]],
    }

    html = _render(
        '{% picture "/media/t.jpg" renditions sizes="50vw" width=400 height=400 alt="원피스" %}',
        renditions=renditions,
    )

    assert html == (
        "<picture>"
        '<source type="image/avif" srcset="/media/products/a_jpg.160w.avif 160w, '
        '/media/products/a_jpg.320w.avif 320w" sizes="50vw">'
        '<source type="image/webp" srcset="/media/products/a_jpg.160w.webp 160w, '
        '/media/products/a_jpg.320w.webp 320w" sizes="50vw">'
        '<img src="/media/t.jpg" alt="원피스" width="400" height="400" loading="lazy" decoding="async">'
        "</picture>"
    )


def test_picture_tag_falls_back_to_a_plain_img_without_renditions():
    """Renditions not made yet (None or {}): the thumbnail or original alone, in an <img> with its box."""
    for renditions in (None, {}):
        html = _render(
            '{% picture "/media/t.jpg" renditions sizes="64px" width=64 height=64 %}', renditions=renditions
        )
        assert (
            html == '<img src="/media/t.jpg" alt="" width="64" height="64" loading="lazy" decoding="async">'
        )


def test_picture_tag_priority_rank_and_extra_attributes():
    """``priority`` and the first cards of a list load eagerly with high priority; later cards of the first
    row load eagerly; extra keywords become attributes."""
    tag = '{% picture "/m.jpg" sizes="1px" width=1 height=1 '
    high = _render(tag + "priority=True data_gallery_slide=0 hidden=False %}")
    assert (
        high == '<img src="/m.jpg" alt="" width="1" height="1" fetchpriority="high" data-gallery-slide="0">'
    )
    assert 'fetchpriority="high"' in _render(tag + "rank=2 %}")
    assert _render(tag + "rank=4 %}") == '<img src="/m.jpg" alt="" width="1" height="1">'
    assert 'loading="lazy"' in _render(tag + "rank=6 hidden=True %}")
    assert " hidden" in _render(tag + "rank=6 hidden=True %}")


def test_product_page_loads_its_first_picture_first_and_the_others_lazily(client):
    """The product page's first picture is eager with fetchpriority high, with AVIF/WebP srcsets; the other
    pictures and the gallery thumbnails are lazy."""
    product = ProductFactory()
    first, second = _upload(product, size=(900, 900)), _upload(product, size=(900, 900))
    for image in (first, second):
        services.product_image_renditions_make(image_id=image.pk)

    html = client.get(product.get_absolute_url()).content.decode()

    slides = re.findall(r"<picture>(?:(?!</picture>).)*data-gallery-slide[^>]*></picture>", html)
    assert len(slides) == 2
    assert 'fetchpriority="high"' in slides[0]
    assert 'loading="lazy"' not in slides[0]
    assert 'type="image/webp"' in slides[0]
    assert " 800w" in slides[0]
    assert 'width="800" height="800"' in slides[0]
    assert 'loading="lazy"' in slides[1]
    assert "fetchpriority" not in slides[1]
    assert " hidden" in slides[1]
    assert html.count('fetchpriority="high"') == 1
    thumbs = re.findall(r"data-gallery-thumb[^>]*>(.*?)</button>", html)
    assert len(thumbs) == 2
    assert all('loading="lazy"' in thumb and 'sizes="64px"' in thumb for thumb in thumbs)


def test_a_product_page_without_renditions_yet_shows_the_original(client):
    """Before the task ran, the gallery shows the original file in a plain <img>: the page never breaks."""
    product = ProductFactory()
    image = _upload(product, size=(300, 300))

    html = client.get(product.get_absolute_url()).content.decode()

    assert f'<img src="{image.image.url}"' in html
    assert "<source" not in html


def test_listing_cards_carry_the_main_pictures_renditions(client):
    """A category page's cards have srcsets of their main picture; the first cards load first."""
    product = ProductFactory()
    image = _upload(product, size=(500, 500))
    services.product_image_renditions_make(image_id=image.pk)

    html = client.get(product.category.get_absolute_url()).content.decode()

    card = re.search(r'<a class="product-card__media"(.*?)</a>', html, re.S).group(1)
    assert 'type="image/webp"' in card
    assert "500w" in card
    assert 'sizes="(min-width: 1100px) 220px' in card
    assert 'fetchpriority="high"' in card
    assert image.thumbnail.url in card


def test_a_picture_larger_than_every_width_stops_at_the_largest():
    """A 1600×1600 upload is not copied at 1600: its widths end at the largest listed one."""
    image = _upload(ProductFactory(), size=(1600, 1600))

    renditions = services.product_image_renditions_make(image_id=image.pk)

    assert [width for width, _name in renditions["webp"]] == list(RENDITION_WIDTHS)


def test_a_list_below_the_fold_loads_every_card_lazily():
    """``below_fold`` (the main page's sections) overrides the rank: even the first card is lazy."""
    html = _render('{% picture "/m.jpg" sizes="1px" width=1 height=1 rank=1 below_fold=True %}')

    assert 'loading="lazy"' in html
    assert "fetchpriority" not in html


def test_review_photos_get_small_renditions_after_the_review_is_written(
    bought, client, django_capture_on_commit_callbacks
):
    """A review's photo gets square renditions 160 and 320 wide once the review commits; the review list then
    offers them for its 88 px squares."""
    product, buyer = ProductFactory(), UserFactory()
    bought(buyer, product, 7)

    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_create(
            user=buyer, product=product, order_line_id=7, rating=5, text="좋아요", photos=[image_upload()]
        )

    photo = review.photos.get()
    assert [width for width, _name in photo.renditions["webp"]] == [160, 320]
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'sizes="88px"' in html
    assert photo.renditions["webp"][0][1] in html
