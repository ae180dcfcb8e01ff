"""A seller's own products, as the seller center changes them: details and prices, options and stock,
pictures, hidden or shown.

Every service takes the acting ``seller`` and finds the row through it (``selectors.*_get_for_seller``), so
another shop's product, option or picture is a 404 and never changes. The rules a seller's input must meet
(``product_rules_check``, ``option_rules_check``) are the same for the form and the CSV import.
"""

import dataclasses
import re
from collections.abc import Sequence
from html import unescape

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape, linebreaks

from apps.catalog import caching, hooks, selectors
from apps.catalog.models import Category, Product, ProductImage, ProductOption
from apps.catalog.services.products import (
    product_image_add,
    product_image_delete,
    product_save,
    product_status_set,
)
from apps.catalog.services.stock import _product_status_follow_stock, option_stock_put
from apps.core.uploads import image_upload_validate

PRICE_MAX = 100_000_000
STOCK_MAX = 1_000_000
PRODUCT_IMAGES_MAX = 10
OPTIONS_MAX = 50


@dataclasses.dataclass(frozen=True)
class OptionInput:
    name: str
    extra_price: int = 0
    stock: int = 0


def product_rules_check(*, name: str, list_price, sale_price, purchase_limit=None) -> None:
    """The rules of a seller's product figures, each broken one a Korean error on its field."""
    errors = {}
    if not (name or "").strip():
        errors["name"] = "상품명을 입력해 주세요."
    elif len(name) > Product._meta.get_field("name").max_length:
        errors["name"] = "상품명은 120자까지 쓸 수 있어요."
    if list_price is None or not 1 <= list_price <= PRICE_MAX:
        errors["list_price"] = "정가는 1원 이상 1억 원 이하로 입력해 주세요."
    if sale_price is None or not 1 <= sale_price <= PRICE_MAX:
        errors["sale_price"] = "판매가는 1원 이상 1억 원 이하로 입력해 주세요."
    elif "list_price" not in errors and sale_price > list_price:
        errors["sale_price"] = "판매가는 정가보다 클 수 없어요."
    if purchase_limit is not None and not 1 <= purchase_limit <= 999:
        errors["purchase_limit"] = "1인 구매 한도는 1~999개로 입력하거나 비워 두세요."
    if errors:
        raise ValidationError(errors)


def option_rules_check(*, name: str, extra_price, stock) -> None:
    errors = {}
    if not (name or "").strip():
        errors["name"] = "옵션명을 입력해 주세요."
    elif len(name) > ProductOption._meta.get_field("name").max_length:
        errors["name"] = "옵션명은 80자까지 쓸 수 있어요."
    if extra_price is None or not 0 <= extra_price <= PRICE_MAX:
        errors["extra_price"] = "추가금액은 0원 이상 1억 원 이하로 입력해 주세요."
    if stock is None or not 0 <= stock <= STOCK_MAX:
        errors["stock"] = "재고는 0개 이상 100만 개 이하로 입력해 주세요."
    if errors:
        raise ValidationError(errors)


PLAIN_PARAGRAPHS = re.compile(r"^(?:<p>(?:(?!</?p>)[^<]|<br>)*</p>\s*)*$")


def _description_html(text: str) -> str:
    """A seller may write plain text (its line breaks kept) or the allowed HTML; plain text is escaped."""
    text = (text or "").strip()
    return text if "<" in text else linebreaks(escape(text))


def description_for_edit(html: str) -> str:
    """What the seller typed back, for its form: plain text when the description is only paragraphs and line
    breaks (what ``_description_html`` makes of text), else the HTML as it is."""
    html = (html or "").strip()
    if not PLAIN_PARAGRAPHS.match(html):
        return html
    paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.S)
    return "\n\n".join(unescape(paragraph.replace("<br>", "\n")) for paragraph in paragraphs)


@transaction.atomic
def seller_product_create(
    *,
    seller,
    category: Category,
    name: str,
    list_price: int,
    sale_price: int,
    options: Sequence[OptionInput],
    brand: str = "",
    description: str = "",
    purchase_limit: int | None = None,
    hidden: bool = False,
) -> Product:
    """A new product of this seller with at least one option; 판매중 (품절 while no option has stock) or 숨김."""
    product_rules_check(
        name=name, list_price=list_price, sale_price=sale_price, purchase_limit=purchase_limit
    )
    if not options:
        raise ValidationError(
            "옵션을 하나 이상 입력해 주세요. 옵션이 없는 상품은 ‘기본’ 옵션 하나로 등록해요."
        )
    product = product_save(
        product=Product(
            seller=seller,
            category=category,
            name=name.strip(),
            brand=brand.strip(),
            description=_description_html(description),
            list_price=list_price,
            sale_price=sale_price,
            purchase_limit=purchase_limit,
            status=Product.Status.HIDDEN if hidden else Product.Status.ON_SALE,
        )
    )
    for option in options:
        seller_option_add(
            seller=seller,
            product_id=product.pk,
            name=option.name,
            extra_price=option.extra_price,
            stock=option.stock,
        )
    _product_status_follow_stock(product_id=product.pk)
    return product


@transaction.atomic
def seller_product_update(
    *,
    seller,
    product_id: int,
    category: Category,
    name: str,
    list_price: int,
    sale_price: int,
    brand: str = "",
    description: str = "",
    purchase_limit: int | None = None,
) -> Product:
    """Change a product's details and prices; its status (hidden or shown) is ``seller_product_visibility_set``'s."""
    product_rules_check(
        name=name, list_price=list_price, sale_price=sale_price, purchase_limit=purchase_limit
    )
    product = selectors.product_get_for_seller(seller=seller, product_id=product_id, lock=True)
    product.category = category
    product.name, product.brand = name.strip(), brand.strip()
    product.description = _description_html(description)
    product.list_price, product.sale_price, product.purchase_limit = list_price, sale_price, purchase_limit
    return product_save(product=product)


@transaction.atomic
def seller_product_visibility_set(*, seller, product_id: int, hidden: bool) -> Product:
    """숨김, or shown again: 판매중 when an option has stock, else 품절."""
    product = selectors.product_get_for_seller(seller=seller, product_id=product_id, lock=True)
    if hidden:
        status = Product.Status.HIDDEN
    elif selectors.options_on_sale().filter(product_id=product.pk, stock__gt=0).exists():
        status = Product.Status.ON_SALE
    else:
        status = Product.Status.SOLD_OUT
    product_status_set(products=[product], status=status)
    product.status = status
    return product


# ---- Options ------------------------------------------------------------------------------------------


def _option_name_taken(*, product_id: int, name: str, except_id: int | None = None) -> bool:
    return ProductOption.objects.filter(product_id=product_id, name=name).exclude(pk=except_id).exists()


@transaction.atomic
def seller_option_add(
    *, seller, product_id: int, name: str, extra_price: int = 0, stock: int = 0
) -> ProductOption:
    option_rules_check(name=name, extra_price=extra_price, stock=stock)
    product = selectors.product_get_for_seller(seller=seller, product_id=product_id, lock=True)
    name = name.strip()
    if _option_name_taken(product_id=product.pk, name=name):
        raise ValidationError({"name": f"‘{name}’ 옵션이 이미 있어요 (판매 종료한 옵션 포함)."})
    if selectors.options_on_sale().filter(product_id=product.pk).count() >= OPTIONS_MAX:
        raise ValidationError(f"옵션은 {OPTIONS_MAX}개까지 만들 수 있어요.")
    position = (product.options.aggregate(last=Max("position"))["last"] or 0) + 1
    option = ProductOption(
        product=product, name=name, extra_price=extra_price, stock=stock, position=position
    )
    option.full_clean(validate_constraints=False)
    option.save()
    _product_status_follow_stock(product_id=product.pk)
    caching.product_changed(product.pk, listing=False)
    return option


@transaction.atomic
def seller_option_update(
    *,
    seller,
    option_id: int,
    name: str,
    extra_price: int,
    stock: int | None,
    expected_stock: int | None = None,
) -> ProductOption:
    """Rename, reprice and restock an option (``stock`` None: leave it). Stock goes through ``option_stock_put``
    with the stock the seller saw (``expected_stock``), so a sale made meanwhile is never written over."""
    option_rules_check(name=name, extra_price=extra_price, stock=0 if stock is None else stock)
    option = selectors.option_get_for_seller(seller=seller, option_id=option_id)
    name = name.strip()
    if _option_name_taken(product_id=option.product_id, name=name, except_id=option.pk):
        raise ValidationError({"name": f"‘{name}’ 옵션이 이미 있어요 (판매 종료한 옵션 포함)."})
    if (name, extra_price) != (option.name, option.extra_price):
        # Only these columns: a save() would write back the stock read above over a checkout's.
        ProductOption.objects.filter(pk=option.pk).update(name=name, extra_price=extra_price)
        caching.product_changed(option.product_id, listing=False)
    if stock is not None:
        option_stock_put(option_id=option.pk, stock=stock, expected_stock=expected_stock)
    option.refresh_from_db()
    return option


@transaction.atomic
def seller_option_remove(*, seller, option_id: int) -> bool:
    """Delete an option no order ever named (True), or retire an ordered one (False): no stock, out of the
    shop's sight, its order lines intact. The last live option of a product stays (hide the product instead)."""
    option = selectors.option_get_for_seller(seller=seller, option_id=option_id)
    product = selectors.product_get_for_seller(seller=seller, product_id=option.product_id, lock=True)
    if selectors.options_on_sale().filter(product_id=product.pk).count() <= 1:
        raise ValidationError("옵션이 하나는 있어야 해요. 팔지 않으려면 상품을 숨겨 주세요.")
    deleted = option.pk not in hooks.ordered_option_ids(option_ids=[option.pk])
    if deleted:
        option.delete()
    else:
        option_stock_put(option_id=option.pk, stock=0)
        ProductOption.objects.filter(pk=option.pk).update(retired_at=timezone.now())
    _product_status_follow_stock(product_id=product.pk)
    caching.product_changed(product.pk, listing=False)
    return deleted


# ---- Pictures -----------------------------------------------------------------------------------------


def _images_renumber(*, product_id: int, order: list[int]) -> None:
    """Give the pictures positions 0, 1, 2… in ``order`` (ids); position 0 is the main picture."""
    for position, image_id in enumerate(order):
        ProductImage.objects.filter(pk=image_id, product_id=product_id).exclude(position=position).update(
            position=position
        )
    caching.product_changed(product_id, home=True)


def _image_ids(product_id: int) -> list[int]:
    return list(
        ProductImage.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def seller_images_add(*, seller, product_id: int, images: Sequence[UploadedFile]) -> list[ProductImage]:
    """Add pictures after the ones there (the first picture of a product becomes its main one)."""
    product = selectors.product_get_for_seller(seller=seller, product_id=product_id, lock=True)
    existing = _image_ids(product.pk)
    if len(existing) + len(images) > PRODUCT_IMAGES_MAX:
        raise ValidationError(f"사진은 상품마다 {PRODUCT_IMAGES_MAX}장까지 올릴 수 있어요.")
    for upload in images:
        image_upload_validate(upload)
    _images_renumber(product_id=product.pk, order=existing)
    return [
        product_image_add(product=product, image=upload, alt=product.name, position=len(existing) + index)
        for index, upload in enumerate(images)
    ]


@transaction.atomic
def seller_image_move(*, seller, image_id: int, offset: int) -> None:
    """Move a picture one place earlier (``offset`` -1) or later (+1)."""
    image = selectors.image_get_for_seller(seller=seller, image_id=image_id)
    selectors.product_get_for_seller(seller=seller, product_id=image.product_id, lock=True)
    order = _image_ids(image.product_id)
    index = order.index(image.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    _images_renumber(product_id=image.product_id, order=order)


@transaction.atomic
def seller_image_make_main(*, seller, image_id: int) -> None:
    """Make this picture the main one (first on the product page and on every card)."""
    image = selectors.image_get_for_seller(seller=seller, image_id=image_id)
    selectors.product_get_for_seller(seller=seller, product_id=image.product_id, lock=True)
    order = _image_ids(image.product_id)
    order.insert(0, order.pop(order.index(image.pk)))
    _images_renumber(product_id=image.product_id, order=order)


@transaction.atomic
def seller_image_delete(*, seller, image_id: int) -> None:
    image = selectors.image_get_for_seller(seller=seller, image_id=image_id)
    product_id = image.product_id
    selectors.product_get_for_seller(seller=seller, product_id=product_id, lock=True)
    product_image_delete(image=image)
    _images_renumber(product_id=product_id, order=_image_ids(product_id))
