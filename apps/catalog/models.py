"""Catalog data: the category tree, products with images and options, reviews, wishlists, restock alerts.

Denormalised figures (a product's rating average, review and sales counts, a category's path) are kept
right by ``apps.catalog.services``; nothing here writes them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


class Category(models.Model):
    """A node of the category tree (패션 > 여성의류 > 원피스), of any depth.

    ``path`` is the materialised path of primary keys from the root, e.g. ``/1/4/12/``; a category's
    descendants are the rows whose path starts with its own. ``services.category_save`` keeps it and
    ``depth`` right, also for the whole subtree when a category moves.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("상위 카테고리"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("이름"), max_length=50)
    slug = models.SlugField(_("주소 이름"), max_length=60, unique=True, allow_unicode=True)
    position = models.PositiveSmallIntegerField(_("순서"), default=0, help_text=_("작을수록 앞에 보입니다."))
    path = models.CharField(_("경로"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("깊이"), editable=False, default=0)

    class Meta:
        verbose_name = _("카테고리")
        verbose_name_plural = _("카테고리")
        ordering = ("path",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})


class Product(models.Model):
    class Status(models.TextChoices):
        ON_SALE = "on_sale", _("판매중")
        SOLD_OUT = "sold_out", _("품절")
        HIDDEN = "hidden", _("숨김")

    seller = models.ForeignKey(
        "sellers.Seller", verbose_name=_("판매자"), on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("카테고리"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("상품명"), max_length=120)
    brand = models.CharField(_("브랜드"), max_length=60, blank=True)
    description = models.TextField(_("상세 설명"), blank=True, help_text=_("허용된 HTML 태그만 남습니다."))
    description_text = models.TextField(_("설명 (검색용 텍스트)"), blank=True, editable=False)
    list_price = models.PositiveIntegerField(_("정가 (원)"))
    sale_price = models.PositiveIntegerField(_("판매가 (원)"))
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.ON_SALE)
    created_at = models.DateTimeField(_("등록일"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정일"), auto_now=True)
    rating_avg = models.DecimalField(
        _("평균 평점"), max_digits=3, decimal_places=2, default=0, editable=False
    )
    review_count = models.PositiveIntegerField(_("리뷰 수"), default=0, editable=False)
    sales_count = models.PositiveIntegerField(_("판매량"), default=0, editable=False)
    purchase_limit = models.PositiveSmallIntegerField(
        _("1인 구매 한도"),
        null=True,
        blank=True,
        help_text=_("한 회원이 이 상품을 살 수 있는 최대 수량 (라이브 한정 판매 등). 비우면 제한 없음."),
    )

    class Meta:
        verbose_name = _("상품")
        verbose_name_plural = _("상품")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="catalog_product_new"),
            models.Index(fields=["status", "sale_price"], name="catalog_product_price"),
            models.Index(fields=["status", "-sales_count"], name="catalog_product_popular"),
            models.Index(fields=["category", "status"], name="catalog_product_category"),
            models.Index(fields=["seller", "status", "-sales_count"], name="catalog_product_seller"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sale_price__lte=models.F("list_price")),
                name="catalog_sale_price_le_list_price",
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.brand}] {self.name}" if self.brand else self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", kwargs={"pk": self.pk})

    @property
    def discount_percent(self) -> int:
        if not self.list_price or self.sale_price >= self.list_price:
            return 0
        return (self.list_price - self.sale_price) * 100 // self.list_price

    @property
    def is_purchasable(self) -> bool:
        return self.status == self.Status.ON_SALE


class ProductImage(models.Model):
    """One picture of a product; the one with the lowest ``position`` is the main one."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("상품")
    )
    image = models.ImageField(_("이미지"), upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(_("썸네일"), upload_to="products/thumbs/%Y/%m/", blank=True, editable=False)
    # Square WebP/AVIF copies in several widths, made once after the upload by a task
    # (``services.product_image_renditions_make``): {"avif": [[width, file name], …], "webp": […]}.
    # Empty until they are made: pages then show the thumbnail or the original.
    renditions = models.JSONField(_("변환 이미지"), default=dict, db_default={}, blank=True, editable=False)
    alt = models.CharField(_("대체 텍스트"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("상품 이미지")
        verbose_name_plural = _("상품 이미지")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.alt or self.image.name

    @property
    def thumbnail_url(self) -> str:
        return (self.thumbnail or self.image).url


class ProductOption(models.Model):
    """A variant a shopper picks ("블랙 / M") with its own stock and an optional extra price."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="options", verbose_name=_("상품")
    )
    name = models.CharField(_("옵션명"), max_length=80)
    extra_price = models.IntegerField(_("추가 금액 (원)"), default=0)
    stock = models.PositiveIntegerField(_("재고"), default=0)
    position = models.PositiveSmallIntegerField(_("순서"), default=0)
    # An option once ordered is never deleted (its order lines still name it): it is retired instead, with
    # no stock, and shoppers no longer see it.
    retired_at = models.DateTimeField(_("판매 종료"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("상품 옵션")
        verbose_name_plural = _("상품 옵션")
        ordering = ("position", "id")
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="catalog_option_unique_name")]

    def __str__(self) -> str:
        return f"{self.product.name} - {self.name}"

    @property
    def is_sold_out(self) -> bool:
        return self.stock == 0


class ProductSalesDay(models.Model):
    """Units of a product sold on one day (Asia/Seoul): the input of "best sellers of the last 7 days"."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sales_days")
    day = models.DateField()
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("일별 판매량")
        verbose_name_plural = _("일별 판매량")
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="catalog_sales_day_unique")]
        indexes = [models.Index(fields=["day"], name="catalog_sales_day_day")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.quantity}"


class Review(models.Model):
    """A buyer's review of a product, written from one order line (at most one review per line).

    ``order_line_id`` is a plain integer: catalog knows nothing of orders; who may review is asked of
    the provider the orders module registers (``apps.catalog.hooks``).
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("상품")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("작성자")
    )
    order_line_id = models.PositiveBigIntegerField(_("주문 상품 번호"), unique=True)
    option_name = models.CharField(_("구매 옵션"), max_length=80, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("별점"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("내용"), max_length=2000)
    created_at = models.DateTimeField(_("작성일"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일"), auto_now=True)

    class Meta:
        verbose_name = _("리뷰")
        verbose_name_plural = _("리뷰")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["product", "-created_at"], name="catalog_review_product")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="catalog_review_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ★{self.rating}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="photos", verbose_name=_("리뷰")
    )
    image = models.ImageField(_("사진"), upload_to="reviews/%Y/%m/")
    position = models.PositiveSmallIntegerField(_("순서"), default=0)
    # Small square WebP/AVIF copies for the review list, as ``ProductImage.renditions``; {} until made.
    renditions = models.JSONField(_("변환 이미지"), default=dict, db_default={}, blank=True, editable=False)

    class Meta:
        verbose_name = _("리뷰 사진")
        verbose_name_plural = _("리뷰 사진")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.image.name


class Wishlist(models.Model):
    """A product a shopper hearted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="wished_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("찜")
        verbose_name_plural = _("찜")
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="catalog_wishlist_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.product_id}"


class RestockAlert(models.Model):
    """A shopper's wish to be mailed when a sold-out option is back; ``notified_at`` marks the mail sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restock_alerts"
    )
    option = models.ForeignKey(ProductOption, on_delete=models.CASCADE, related_name="restock_alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("재입고 알림")
        verbose_name_plural = _("재입고 알림")
        constraints = [
            models.UniqueConstraint(fields=["user", "option"], name="catalog_restock_alert_unique")
        ]
        indexes = [models.Index(fields=["option", "notified_at"], name="catalog_restock_pending")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"
