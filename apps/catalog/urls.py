from django.urls import path

from apps.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("categories/", views.category_list, name="categories"),
    path("c/<str:slug>/", views.category_detail, name="category"),
    path("search/", views.search, name="search"),
    path("p/<int:pk>/", views.product_detail, name="product"),
    path("shops/<int:pk>/", views.shop, name="shop"),
    path("p/<int:pk>/reviews/", views.product_reviews, name="product-reviews"),
    path("p/<int:pk>/reviews/new/", views.review_create, name="review-create"),
    path("p/<int:pk>/wish/", views.wishlist_toggle, name="wishlist-toggle"),
    path("reviews/<int:review_id>/edit/", views.review_edit, name="review-edit"),
    path("reviews/<int:review_id>/delete/", views.review_delete, name="review-delete"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("restock-alerts/<int:option_id>/", views.restock_alert, name="restock-alert"),
]
