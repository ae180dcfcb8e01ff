"""Every write of the catalog: categories, products, images, options and stock, reviews, wishes, alerts, and a
seller's own products (``seller_products``) with their CSV import (``stock_csv``).

Each service validates (``full_clean``), runs in one transaction and drops the caches it makes stale once
that transaction commits. The admin saves through these too, so staff edits behave like code edits. Other
modules call the names re-exported here (``from apps.catalog import services``).
"""

from apps.catalog.services.categories import category_create, category_delete, category_save
from apps.catalog.services.products import (
    DESCRIPTION_TAGS,
    description_sanitise,
    description_text,
    product_create,
    product_image_add,
    product_image_delete,
    product_image_save,
    product_pages_changed,
    product_sales_record,
    product_save,
    product_status_set,
)
from apps.catalog.services.renditions import product_image_renditions_make, review_photo_renditions_make
from apps.catalog.services.reviews import REVIEW_PHOTOS_MAX, review_create, review_delete, review_update
from apps.catalog.services.seller_products import (
    OptionInput,
    description_for_edit,
    seller_image_delete,
    seller_image_make_main,
    seller_image_move,
    seller_images_add,
    seller_option_add,
    seller_option_remove,
    seller_option_update,
    seller_product_create,
    seller_product_update,
    seller_product_visibility_set,
)
from apps.catalog.services.stock import (
    OPTION_RESTOCKED,
    option_create,
    option_save,
    option_stock_adjust,
    option_stock_put,
    option_stock_release,
    option_stock_reserve,
    option_stock_set,
)
from apps.catalog.services.stock_csv import (
    CsvOutcome,
    products_csv_export,
    products_csv_import,
    products_csv_preview,
)
from apps.catalog.services.stock_csv_format import csv_decode
from apps.catalog.services.wishes import (
    member_wishes_clear,
    restock_alert_request,
    restock_alerts_notify,
    wishlist_toggle,
)

__all__ = [
    "DESCRIPTION_TAGS",
    "OPTION_RESTOCKED",
    "REVIEW_PHOTOS_MAX",
    "CsvOutcome",
    "OptionInput",
    "category_create",
    "category_delete",
    "category_save",
    "csv_decode",
    "description_for_edit",
    "description_sanitise",
    "description_text",
    "member_wishes_clear",
    "option_create",
    "option_save",
    "option_stock_adjust",
    "option_stock_put",
    "option_stock_release",
    "option_stock_reserve",
    "option_stock_set",
    "product_create",
    "product_image_add",
    "product_image_delete",
    "product_image_renditions_make",
    "product_image_save",
    "product_pages_changed",
    "product_sales_record",
    "product_save",
    "product_status_set",
    "products_csv_export",
    "products_csv_import",
    "products_csv_preview",
    "restock_alert_request",
    "restock_alerts_notify",
    "review_create",
    "review_delete",
    "review_photo_renditions_make",
    "review_update",
    "seller_image_delete",
    "seller_image_make_main",
    "seller_image_move",
    "seller_images_add",
    "seller_option_add",
    "seller_option_remove",
    "seller_option_update",
    "seller_product_create",
    "seller_product_update",
    "seller_product_visibility_set",
    "wishlist_toggle",
]
