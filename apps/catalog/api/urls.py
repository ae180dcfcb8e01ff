from django.urls import path

from apps.catalog.api import views

# Mounted at /api/v1/.
urlpatterns = [
    path("categories/", views.CategoryTreeView.as_view(), name="api-v1-categories"),
    path("products/", views.ProductListView.as_view(), name="api-v1-products"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="api-v1-product"),
    path("products/<int:pk>/reviews/", views.ProductReviewListView.as_view(), name="api-v1-product-reviews"),
    path("wishlist/", views.WishlistView.as_view(), name="api-v1-wishlist"),
    path("wishlist/<int:product_id>/", views.WishlistItemView.as_view(), name="api-v1-wishlist-item"),
    path("restock-alerts/", views.RestockAlertListView.as_view(), name="api-v1-restock-alerts"),
]
