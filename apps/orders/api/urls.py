from django.urls import path

from apps.orders.api import returns, views

# Mounted at /api/v1/.
urlpatterns = [
    path("cart/", views.CartView.as_view(), name="api-v1-cart"),
    path("cart/items/", views.CartItemListView.as_view(), name="api-v1-cart-items"),
    path("cart/items/<int:option_id>/", views.CartItemView.as_view(), name="api-v1-cart-item"),
    path("orders/", views.OrderListView.as_view(), name="api-v1-orders"),
    path("orders/<str:merchant_uid>/", views.OrderDetailView.as_view(), name="api-v1-order"),
    path("orders/<str:merchant_uid>/cancel/", views.OrderCancelView.as_view(), name="api-v1-order-cancel"),
    path("orders/<str:merchant_uid>/confirm/", views.OrderConfirmView.as_view(), name="api-v1-order-confirm"),
    path(
        "orders/<str:merchant_uid>/returns/",
        returns.OrderReturnListView.as_view(),
        name="api-v1-order-returns",
    ),
    path(
        "orders/<str:merchant_uid>/returns/<int:return_id>/tracking/",
        returns.OrderReturnTrackingView.as_view(),
        name="api-v1-order-return-tracking",
    ),
    path(
        "orders/<str:merchant_uid>/returns/<int:return_id>/withdraw/",
        returns.OrderReturnWithdrawView.as_view(),
        name="api-v1-order-return-withdraw",
    ),
]
