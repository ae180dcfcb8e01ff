"""Every write of the catalog: categories, products, images, options and stock, reviews, wishes, alerts.

Each service validates (``full_clean``), runs in one transaction and drops the caches it makes stale once
that transaction commits. The admin saves through these too, so staff edits behave like code edits.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from html import unescape

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from apps.catalog import caching, hooks
from apps.catalog.images import image_normalise, thumbnail_make
from apps.catalog.models import (
    PATH_SEPARATOR,
    Category,
    Product,
    ProductImage,
    ProductOption,
    ProductSalesDay,
    RestockAlert,
    Review,
    ReviewPhoto,
    Wishlist,
)
from apps.core.events import publish
from apps.core.personal import personal_changed

OPTION_RESTOCKED = "catalog.option_restocked"
REVIEW_PHOTOS_MAX = 5
# Rich text staff may put in a description: structure, emphasis, links and pictures; no script or style.
DESCRIPTION_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
    "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "span", "div",
}  # fmt: skip
BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|h[1-6]|t[dhr]|table|tbody|thead|blockquote|figure|figcaption)\b[^>]*>"
)
DESCRIPTION_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}


# ---- Categories ---------------------------------------------------------------------------------------


@transaction.atomic
def category_create(*, name: str, slug: str, parent: Category | None = None, position: int = 0) -> Category:
    return category_save(category=Category(name=name, slug=slug, parent=parent, position=position))


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a new or edited category, keeping ``path``/``depth`` of it and its whole subtree right.

    A category cannot move under itself or one of its descendants.
    """
    old_path = ""
    if category.pk:
        old_path = Category.objects.select_for_update().values_list("path", flat=True).get(pk=category.pk)
        if category.parent_id:
            parent_path = Category.objects.values_list("path", flat=True).get(pk=category.parent_id)
            if parent_path.startswith(old_path):
                raise ValidationError(
                    {"parent": _("카테고리를 자기 자신이나 하위 카테고리 아래로 옮길 수 없습니다.")}
                )
    category.full_clean(exclude=["path", "depth"])
    category.save()
    parent = Category.objects.get(pk=category.parent_id) if category.parent_id else None
    new_path = f"{parent.path if parent else PATH_SEPARATOR}{category.pk}{PATH_SEPARATOR}"
    if new_path != old_path:
        depth_change = new_path.count(PATH_SEPARATOR) - max(old_path.count(PATH_SEPARATOR), 1)
        descendants = (
            Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk) if old_path else []
        )
        for descendant in descendants:
            descendant.path = new_path + descendant.path[len(old_path) :]
            descendant.depth += depth_change
            descendant.save(update_fields=["path", "depth"])
        category.path = new_path
        category.depth = new_path.count(PATH_SEPARATOR) - 2
        category.save(update_fields=["path", "depth"])
    caching.category_tree_changed()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete an empty category; one with subcategories or products must be emptied first."""
    if category.children.exists() or category.products.exists():
        raise ValidationError(_("하위 카테고리나 상품이 있는 카테고리는 삭제할 수 없습니다."))
    category.delete()
    caching.category_tree_changed()


# ---- Products -----------------------------------------------------------------------------------------


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
    """Save a product image; a new or replaced picture gets its thumbnail made here (Pillow)."""
    old_name = ""
    if image.pk:
        old_name = ProductImage.objects.filter(pk=image.pk).values_list("image", flat=True).first() or ""
    if image.image and (image.image.name != old_name or not image.thumbnail):
        upload = image.image.file
        smaller = image_normalise(upload)
        if smaller is not None:
            image.image.save(_stem(image.image.name) + ".jpg", smaller, save=False)
            upload = image.image.file
        image.thumbnail.save(_stem(image.image.name) + "_thumb.jpg", thumbnail_make(upload), save=False)
    image.full_clean()
    image.save()
    caching.product_changed(image.product_id, home=image.position == 0)
    return image


def _stem(name: str) -> str:
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    product_id = image.product_id
    image.delete()
    caching.product_changed(product_id, home=True)


# ---- Options and stock --------------------------------------------------------------------------------


@transaction.atomic
def option_create(
    *, product: Product, name: str, stock: int = 0, extra_price: int = 0, position: int = 0
) -> ProductOption:
    return option_save(
        option=ProductOption(
            product=product, name=name, stock=stock, extra_price=extra_price, position=position
        )
    )


@transaction.atomic
def option_save(*, option: ProductOption) -> ProductOption:
    """Save a new or edited option. When its stock comes back from 0, ``catalog.option_restocked`` is
    published (after commit) and the product's 품절 status follows its options.
    """
    previous_stock = None
    if option.pk:
        previous_stock = (
            ProductOption.objects.select_for_update()
            .filter(pk=option.pk)
            .values_list("stock", flat=True)
            .first()
        )
    option.full_clean()
    option.save()
    if option.stock > 0:
        caching.option_sold_out_clear(option.pk)
    if previous_stock == 0 and option.stock > 0:
        publish(OPTION_RESTOCKED, {"option_id": option.pk})
    _product_status_follow_stock(product_id=option.product_id)
    caching.product_changed(option.product_id, listing=False)
    return option


@transaction.atomic
def option_stock_set(*, option_id: int, stock: int) -> ProductOption:
    """Set an option's stock (staff counting the shelf, a supplier delivery)."""
    option = ProductOption.objects.select_for_update().get(pk=option_id)
    option.stock = stock
    return option_save(option=option)


@transaction.atomic
def option_stock_adjust(*, option_id: int, delta: int) -> ProductOption:
    """Add ``delta`` (negative to take) to an option's stock under a row lock; never below 0.

    Raises ValidationError when there is not enough stock: the caller (an order) must not oversell.
    """
    option = ProductOption.objects.select_for_update().get(pk=option_id)
    if option.stock + delta < 0:
        raise ValidationError(_("재고가 부족합니다."))
    option.stock += delta
    return option_save(option=option)


def option_stock_reserve(*, option_id: int, quantity: int) -> bool:
    """Take ``quantity`` from an option's stock in one conditional UPDATE (``stock >= quantity``).

    Returns False, changing nothing, when there is not enough. Never oversells with any number of
    processes: the database checks and decrements in one statement. The row stays locked until the
    caller's transaction ends, so call it last in a short transaction (orders reserve at checkout).
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    taken = ProductOption.objects.filter(pk=option_id, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    option = (
        ProductOption.objects.filter(pk=option_id)
        .values("product_id", "stock", "name", "product__name")
        .first()
    )
    if option is not None and option["stock"] == 0:
        # Sold out (now, or already: then the marker is set at once, as nothing here will commit it).
        caching.option_sold_out_mark(
            option_id,
            label=f"{option['product__name']} ({option['name']})",
            product_url=reverse("catalog:product", args=[option["product_id"]]),
            after_commit=bool(taken),
        )
    if not taken:
        return False
    if option["stock"] == 0:
        _product_status_follow_stock(product_id=option["product_id"])
    caching.product_changed(option["product_id"], listing=False)
    return True


def option_stock_release(*, option_id: int, quantity: int) -> None:
    """Give back ``quantity`` taken by ``option_stock_reserve`` (a reservation expired, an order cancelled).

    Stock coming back from 0 un-sells-out the product and tells the shoppers waiting for a restock.
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    option = ProductOption.objects.filter(pk=option_id).values("product_id", "stock").first()
    if option is None:
        return
    ProductOption.objects.filter(pk=option_id).update(stock=F("stock") + quantity)
    caching.option_sold_out_clear(option_id)
    if option["stock"] == 0:
        _product_status_follow_stock(product_id=option["product_id"])
        publish(OPTION_RESTOCKED, {"option_id": option_id})
    caching.product_changed(option["product_id"], listing=False)


def _product_status_follow_stock(*, product_id: int) -> None:
    """판매중 becomes 품절 when every option is at 0, and back when one returns; 숨김 is left as staff set it."""
    product = Product.objects.select_for_update().get(pk=product_id)
    in_stock = ProductOption.objects.filter(product_id=product_id, stock__gt=0).exists()
    if product.status == Product.Status.ON_SALE and not in_stock:
        new_status = Product.Status.SOLD_OUT
    elif product.status == Product.Status.SOLD_OUT and in_stock:
        new_status = Product.Status.ON_SALE
    else:
        return
    Product.objects.filter(pk=product_id).update(status=new_status, updated_at=timezone.now())
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


# ---- Reviews ------------------------------------------------------------------------------------------


def _product_rating_refresh(*, product_id: int) -> None:
    """Recompute the rating average and count from the reviews; call inside the review's transaction."""
    Product.objects.select_for_update().filter(pk=product_id).values_list("pk", flat=True).first()
    figures = Review.objects.filter(product_id=product_id).aggregate(avg=Avg("rating"), count=Count("id"))
    Product.objects.filter(pk=product_id).update(
        rating_avg=round(figures["avg"] or 0, 2), review_count=figures["count"]
    )
    caching.product_changed(product_id)


@transaction.atomic
def review_create(
    *,
    user,
    product: Product,
    order_line_id: int,
    rating: int,
    text: str,
    photos: Sequence[UploadedFile] = (),
    option_name: str = "",
) -> Review:
    """Write the review of one order line. Only a buyer whose line of this product is delivered or
    confirmed (the orders module's rule, through ``hooks``) and not yet reviewed may write it.
    """
    if order_line_id not in hooks.reviewable_order_line_ids(user=user, product_id=product.pk):
        raise PermissionDenied(_("배송 완료되었거나 구매 확정한 주문 상품만 리뷰를 쓸 수 있습니다."))
    if Review.objects.filter(order_line_id=order_line_id).exists():
        raise ValidationError(_("이 주문 상품의 리뷰는 이미 작성했습니다."))
    if len(photos) > REVIEW_PHOTOS_MAX:
        raise ValidationError(_("사진은 %(max)d장까지 올릴 수 있습니다.") % {"max": REVIEW_PHOTOS_MAX})
    review = Review(
        product=product,
        user=user,
        order_line_id=order_line_id,
        rating=rating,
        text=text,
        option_name=option_name,
    )
    review.full_clean()
    review.save()
    for position, photo in enumerate(photos):
        review_photo = ReviewPhoto(review=review, image=photo, position=position)
        review_photo.full_clean()
        review_photo.save()
    _product_rating_refresh(product_id=product.pk)
    return review


@transaction.atomic
def review_update(*, review: Review, user, rating: int, text: str) -> Review:
    """Edit one's own review; the product's average follows."""
    if review.user_id != user.pk:
        raise PermissionDenied(_("내가 쓴 리뷰만 고칠 수 있습니다."))
    review.rating, review.text = rating, text
    review.full_clean()
    review.save()
    _product_rating_refresh(product_id=review.product_id)
    return review


@transaction.atomic
def review_delete(*, review: Review, user) -> None:
    """Delete one's own review (staff may delete any); the product's average follows."""
    if review.user_id != user.pk and not user.is_staff:
        raise PermissionDenied(_("내가 쓴 리뷰만 지울 수 있습니다."))
    product_id = review.product_id
    review.delete()
    _product_rating_refresh(product_id=product_id)


# ---- Wishlist and restock alerts ----------------------------------------------------------------------


@transaction.atomic
def wishlist_toggle(*, user, product: Product) -> bool:
    """Heart or un-heart a product; returns whether it is now in the shopper's wishlist."""
    personal_changed(user.pk)
    deleted, _detail = Wishlist.objects.filter(user=user, product=product).delete()
    if deleted:
        return False
    wish = Wishlist(user=user, product=product)
    wish.full_clean(validate_constraints=False)
    wish.save()
    return True


@transaction.atomic
def restock_alert_request(*, user, option: ProductOption) -> RestockAlert:
    """Ask to be mailed once when this sold-out option is back; asking again after a mail re-arms it."""
    if option.stock > 0:
        raise ValidationError(_("재고가 있는 옵션입니다. 지금 바로 구매할 수 있어요."))
    if not user.email:
        raise ValidationError(_("알림을 받을 이메일 주소를 먼저 등록해 주세요."))
    alert, created = RestockAlert.objects.get_or_create(user=user, option=option)
    if not created and alert.notified_at is not None:
        alert.notified_at = None
        alert.save(update_fields=["notified_at"])
    return alert


def restock_alerts_notify(*, option_id: int) -> int:
    """Mail every shopper waiting for this option, once each; returns how many mails went out.

    Each alert is marked in its own transaction right after its mail, so a retry after a failure
    mails only those not yet told. Does nothing while the option is (again) out of stock.
    """
    option = ProductOption.objects.select_related("product").filter(pk=option_id).first()
    if option is None or option.stock == 0:
        return 0
    url = settings.SITE_URL.rstrip("/") + option.product.get_absolute_url()
    sent = 0
    pending = RestockAlert.objects.filter(option_id=option_id, notified_at__isnull=True).values_list(
        "pk", flat=True
    )
    for alert_id in list(pending):
        with transaction.atomic():
            alert = (
                RestockAlert.objects.select_for_update()
                .select_related("user")
                .filter(pk=alert_id, notified_at__isnull=True)
                .first()
            )
            if alert is None or not alert.user.email:
                continue
            send_mail(
                subject=_("[TriMarket] 기다리신 상품이 다시 입고되었어요"),
                message=_(
                    "%(name)s님, 재입고 알림을 신청하신 상품이 다시 들어왔어요.\n\n"
                    "%(product)s (%(option)s)\n%(url)s\n\n재고가 한정되어 있으니 서둘러 주세요."
                )
                % {"name": alert.user, "product": option.product.name, "option": option.name, "url": url},
                from_email=None,
                recipient_list=[alert.user.email],
            )
            alert.notified_at = timezone.now()
            alert.save(update_fields=["notified_at"])
            sent += 1
    return sent
