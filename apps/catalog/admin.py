"""Staff tools for the catalog. Saves and deletes go through the services, so caches are dropped and
restock alerts fire exactly as when code changes the catalog.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.catalog import services
from apps.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductOption,
    RestockAlert,
    Review,
    ReviewPhoto,
)
from apps.core.uploads import image_upload_validate


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "slug", "position", "product_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    list_filter = ("depth",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    fields = ("parent", "name", "slug", "position")

    @admin.display(description=_("이름"), ordering="path")
    def indented_name(self, category: Category) -> str:
        return format_html("{}{}", "— " * category.depth, category.name)

    @admin.display(description=_("상품 수"))
    def product_count(self, category: Category) -> int:
        return category.product_count

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(product_count=Count("products"))

    def save_model(self, request, obj, form, change) -> None:
        services.category_save(category=obj)

    def delete_model(self, request, obj) -> None:
        try:
            services.category_delete(category=obj)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def delete_queryset(self, request, queryset) -> None:
        for category in queryset.order_by("-depth"):
            self.delete_model(request, category)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1
    fields = ("preview", "image", "alt", "position")
    readonly_fields = ("preview",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "image":
            field.validators.append(image_upload_validate)
        return field

    @admin.display(description=_("미리보기"))
    def preview(self, image: ProductImage) -> str:
        if not image.pk or not image.image:
            return "-"
        return format_html(
            '<img src="{}" width="64" height="64" style="object-fit:cover;border-radius:6px">',
            image.thumbnail_url,
        )


class ProductOptionInline(admin.TabularInline):
    model = ProductOption
    extra = 1
    fields = ("name", "extra_price", "stock", "position", "retired_at")
    readonly_fields = ("retired_at",)  # set when a seller removes an option that was ordered


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "brand",
        "seller",
        "category",
        "sale_price",
        "list_price",
        "status",
        "sales_count",
        "rating_avg",
        "review_count",
        "created_at",
    )
    list_filter = ("status", "seller__status", "category", "created_at")
    search_fields = ("name", "brand", "description_text", "seller__business_name")
    list_select_related = ("category", "seller")
    autocomplete_fields = ("seller", "category")
    readonly_fields = ("rating_avg", "review_count", "sales_count", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("seller", "category", "name", "brand", "status")}),
        (_("가격"), {"fields": ("list_price", "sale_price", "purchase_limit")}),
        (_("상세 설명"), {"fields": ("description",)}),
        (_("집계"), {"fields": ("rating_avg", "review_count", "sales_count", "created_at", "updated_at")}),
    )
    inlines = (ProductImageInline, ProductOptionInline)
    actions = ("mark_on_sale", "mark_sold_out", "mark_hidden")
    list_per_page = 50

    def save_model(self, request, obj, form, change) -> None:
        services.product_save(product=obj)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            if isinstance(deleted, ProductImage):
                services.product_image_delete(image=deleted)
            else:
                deleted.delete()
        for instance in instances:
            if isinstance(instance, ProductImage):
                services.product_image_save(image=instance)
            elif isinstance(instance, ProductOption):
                services.option_save(option=instance)
        formset.save_m2m()

    def _mark(self, request, queryset, status: str) -> None:
        changed = services.product_status_set(products=list(queryset), status=status)
        label = Product.Status(status).label
        self.message_user(
            request, _("%(n)d개 상품을 ‘%(label)s’(으)로 바꿨습니다.") % {"n": changed, "label": label}
        )

    @admin.action(description=_("선택한 상품을 판매중으로"))
    def mark_on_sale(self, request, queryset) -> None:
        self._mark(request, queryset, Product.Status.ON_SALE)

    @admin.action(description=_("선택한 상품을 품절로"))
    def mark_sold_out(self, request, queryset) -> None:
        self._mark(request, queryset, Product.Status.SOLD_OUT)

    @admin.action(description=_("선택한 상품을 숨김으로"))
    def mark_hidden(self, request, queryset) -> None:
        self._mark(request, queryset, Product.Status.HIDDEN)


class ReviewPhotoInline(admin.TabularInline):
    model = ReviewPhoto
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "user", "rating", "created_at")
    list_filter = ("rating", "created_at")
    search_fields = ("product__name", "user__username", "text")
    list_select_related = ("product", "user")
    readonly_fields = ("product", "user", "order_line_id", "option_name", "rating", "text", "created_at")
    inlines = (ReviewPhotoInline,)

    def has_add_permission(self, request) -> bool:
        return False  # reviews come from buyers' order lines

    def delete_model(self, request, obj) -> None:
        services.review_delete(review=obj, user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for review in queryset:
            services.review_delete(review=review, user=request.user)


@admin.register(RestockAlert)
class RestockAlertAdmin(admin.ModelAdmin):
    list_display = ("option", "user", "created_at", "notified_at")
    list_filter = ("notified_at",)
    search_fields = ("option__product__name", "user__username")
    list_select_related = ("option__product", "user")
    raw_id_fields = ("user", "option")
