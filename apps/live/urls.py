from django.urls import path

from apps.live import chat_views, views

app_name = "live"

urlpatterns = [
    path("live/", views.broadcast_list, name="list"),
    path("live/<int:pk>/", views.broadcast_detail, name="broadcast"),
    path("live/<int:pk>/status/", views.broadcast_status, name="status"),
    path("live/<int:pk>/alarm/", views.alarm_set, name="alarm"),
    path("live/<int:pk>/buy/", chat_views.buy_now, name="buy-now"),
    path("live/<int:pk>/coupons/<int:coupon_id>/claim/", chat_views.coupon_claim, name="coupon-claim"),
    path("live/studio/", views.studio_index, name="studio-index"),
    path("live/<int:pk>/studio/", views.studio, name="studio"),
    path("live/<int:pk>/studio/key/", views.studio_key_regenerate, name="studio-key"),
    path("live/<int:pk>/studio/end/", views.studio_end, name="studio-end"),
    path("live/<int:pk>/studio/products/", views.studio_product_add, name="studio-product-add"),
    path("live/<int:pk>/studio/products/<int:item_id>/<slug:action>/", views.studio_item, name="studio-item"),
    # The media server's callbacks (nginx-rtmp notify, form POST); the secret in the path is theirs only.
    path("live/media-server/<str:secret>/publish/", views.media_publish, name="media-publish"),
    path("live/media-server/<str:secret>/publish-done/", views.media_publish_done, name="media-publish-done"),
    path("live/media-server/<str:secret>/record-done/", views.media_record_done, name="media-record-done"),
]
