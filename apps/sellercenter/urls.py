"""The seller center, ``/seller/``: one shop's products, orders and shipments, statements and dashboard.

Every view is wrapped in ``access.seller_center_view``; the studio stays with live (``/live/studio/``)."""

from django.urls import path

from apps.sellercenter.views import dashboard, orders, products, returns, statements

app_name = "sellercenter"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("products/", products.product_list, name="products"),
    path("products/new/", products.product_new, name="product-new"),
    path("products/export.csv", products.products_export, name="products-export"),
    path("products/import/", products.products_import, name="products-import"),
    path("products/import/confirm/", products.products_import_confirm, name="products-import-confirm"),
    path("products/<int:pk>/", products.product_edit, name="product-edit"),
    path("products/<int:pk>/visibility/", products.product_visibility, name="product-visibility"),
    path("products/<int:pk>/options/", products.product_options, name="product-options"),
    path(
        "products/<int:pk>/options/<int:option_id>/remove/",
        products.option_remove,
        name="product-option-remove",
    ),
    path("products/<int:pk>/images/", products.product_images, name="product-images"),
    path(
        "products/<int:pk>/images/<int:image_id>/<slug:action>/",
        products.image_action,
        name="product-image-action",
    ),
    path("statements/", statements.statement_list, name="statements"),
    path("statements/export.csv", statements.statement_export, name="statements-export"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement-detail"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/acknowledge/", orders.orders_acknowledge, name="orders-acknowledge"),
    path("orders/ship-upload/", orders.ship_upload, name="ship-upload"),
    path("orders/export.csv", orders.orders_export, name="orders-export"),
    path("orders/<int:shipment_id>/", orders.order_detail, name="order-detail"),
    path("orders/<int:shipment_id>/acknowledge/", orders.order_acknowledge, name="order-acknowledge"),
    path("orders/<int:shipment_id>/ship/", orders.order_ship, name="order-ship"),
    path(
        "orders/<int:shipment_id>/cancel-requests/<int:request_id>/approve/",
        orders.cancel_request_approve,
        name="cancel-request-approve",
    ),
    path(
        "orders/<int:shipment_id>/cancel-requests/<int:request_id>/refuse/",
        orders.cancel_request_refuse,
        name="cancel-request-refuse",
    ),
    path("returns/", returns.return_list, name="returns"),
    path("returns/<int:return_id>/", returns.return_detail, name="return-detail"),
    path("returns/<int:return_id>/approve/", returns.return_approve, name="return-approve"),
    path("returns/<int:return_id>/refuse/", returns.return_refuse, name="return-refuse"),
    path("returns/<int:return_id>/tracking/", returns.return_tracking, name="return-tracking"),
    path("returns/<int:return_id>/collect/", returns.return_collect, name="return-collect"),
    path("returns/<int:return_id>/exchange-ship/", returns.return_exchange_ship, name="return-exchange-ship"),
]
