from django.urls import path

from apps.orders import views, views_returns

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/items/<int:option_id>/", views.cart_item_update, name="cart-item-update"),
    path("cart/items/<int:option_id>/remove/", views.cart_item_remove, name="cart-item-remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("delivery-tracking/<str:secret>/", views.tracking_callback, name="tracking-callback"),
    path("orders/", views.order_list, name="list"),
    path("orders/<str:merchant_uid>/", views.order_detail, name="detail"),
    path("orders/<str:merchant_uid>/cancel/", views.order_cancel, name="cancel"),
    path("orders/<str:merchant_uid>/confirm/", views.order_confirm, name="confirm"),
    path(
        "orders/<str:merchant_uid>/parcels/<int:shipment_id>/return/",
        views_returns.return_new,
        name="return-new",
    ),
    path(
        "orders/<str:merchant_uid>/returns/<int:return_id>/tracking/",
        views_returns.return_tracking,
        name="return-tracking",
    ),
    path(
        "orders/<str:merchant_uid>/returns/<int:return_id>/withdraw/",
        views_returns.return_withdraw,
        name="return-withdraw",
    ),
]
