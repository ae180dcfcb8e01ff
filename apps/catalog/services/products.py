"""Products and their pictures: saving (the description sanitised), status, images with thumbnails, sales
figures."""

import datetime
import re
from collections.abc import Iterable
from html import unescape

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from apps.catalog import caching, tasks
from apps.catalog.images import image_normalise, thumbnail_make
from apps.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductSalesDay,
)

# Rich text staff may put in a description: structure, emphasis, links and pictures; no script or style.
DESCRIPTION_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
    "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "span", "div",
}  # fmt: skip
BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|h[1-6]|t[dhr]|table|tbody|thead|blockquote|figure|figcaption)\b[^>]*>"
)
DESCRIPTION_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}


def description_sanitise(html: str) -> str:
    return nh3.clean(
        html or "", tags=DESCRIPTION_TAGS, attributes=DESCRIPTION_ATTRIBUTES, link_rel="noopener nofollow"
    )


def description_text(html: str) -> str:
    """The words of a description, for search: block tags separate words, inline tags do not."""
    spaced = BLOCK_TAG.sub(" ", html or "")
    return " ".join(unescape(strip_tags(spaced)).split())


@transaction.atomic
def product_create(
    *,
    seller,
    category: Category,
    name: str,
    list_price: int,
    sale_price: int | None = None,
    brand: str = "",
    description: str = "",
    status: str = Product.Status.ON_SALE,
) -> Product:
    product = Product(
        seller=seller,
        category=category,
        name=name,
        brand=brand,
        description=description,
        list_price=list_price,
        sale_price=list_price if sale_price is None else sale_price,
        status=status,
    )
    return product_save(product=product)


def product_pages_changed(*, product_ids) -> None:
    """What another module shows on these products' pages changed (a broadcast went live or ended, a product
    joined or left one): their shared HTML, and the main page's, is dropped once the caller commits."""
    caching.product_pages_changed(*product_ids)


@transaction.atomic
def product_save(*, product: Product) -> Product:
    """Save a new or edited product: the description is sanitised and its plain text kept for search."""
    product.description = description_sanitise(product.description)
    product.description_text = description_text(product.description)
    product.full_clean()
    if product.sale_price > product.list_price:
        raise ValidationError({"sale_price": _("판매가는 정가보다 클 수 없습니다.")})
    product.save()
    caching.product_changed(product.pk, home=True)
    return product


@transaction.atomic
def product_status_set(*, products: Iterable[Product], status: str) -> int:
    """Mark products 판매중 / 품절 / 숨김 (the admin's bulk actions); returns how many changed."""
    if status not in Product.Status.values:
        raise ValidationError({"status": _("알 수 없는 상태입니다.")})
    ids = [product.pk for product in products]
    changed = (
        Product.objects.filter(pk__in=ids)
        .exclude(status=status)
        .update(status=status, updated_at=timezone.now())
    )
    caching.product_changed(*ids, home=True)
    return changed


@transaction.atomic
def product_image_add(
    *, product: Product, image: UploadedFile, alt: str = "", position: int | None = None
) -> ProductImage:
    if position is None:
        position = product.images.count()
    return product_image_save(image=ProductImage(product=product, image=image, alt=alt, position=position))


@transaction.atomic
def product_image_save(*, image: ProductImage) -> ProductImage:
    """Save a product image; a new or replaced picture gets its thumbnail made here (Pillow) and its WebP/AVIF
    renditions asked of a task once this commits (pages show the thumbnail or the original until then)."""
    old_name = ""
    if image.pk:
        old_name = ProductImage.objects.filter(pk=image.pk).values_list("image", flat=True).first() or ""
    replaced = bool(image.image) and (image.image.name != old_name or not image.thumbnail)
    if replaced:
        upload = image.image.file
        smaller = image_normalise(upload)
        if smaller is not None:
            image.image.save(_stem(image.image.name) + ".jpg", smaller, save=False)
            upload = image.image.file
        image.thumbnail.save(_stem(image.image.name) + "_thumb.jpg", thumbnail_make(upload), save=False)
        image.renditions = {}
    image.full_clean()
    image.save()
    if replaced:
        transaction.on_commit(lambda: tasks.product_image_renditions_make.delay(image.pk), robust=True)
    caching.product_changed(image.product_id, home=image.position == 0)
    return image


def _stem(name: str) -> str:
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    product_id = image.product_id
    image.delete()
    caching.product_changed(product_id, home=True)


@transaction.atomic
def product_sales_record(*, product_id: int, quantity: int, day: datetime.date | None = None) -> None:
    """Count units sold (called by orders when an order is paid; negative on refund).

    Feeds ``sales_count`` (the 인기 sort) and the daily figures behind the main page's best sellers.
    """
    day = day or timezone.localdate()
    sales_day, _created = ProductSalesDay.objects.select_for_update().get_or_create(
        product_id=product_id, day=day
    )
    ProductSalesDay.objects.filter(pk=sales_day.pk).update(quantity=max(sales_day.quantity + quantity, 0))
    Product.objects.filter(pk=product_id).update(sales_count=F("sales_count") + quantity)
    Product.objects.filter(pk=product_id, sales_count__lt=0).update(sales_count=0)
