from django.urls import path

from apps.live.media import callbacks
from apps.live.views import health, moderation, pages, questions, room, studio

app_name = "live"

urlpatterns = [
    path("live/", pages.broadcast_list, name="list"),
    path("live/<int:pk>/", pages.broadcast_detail, name="broadcast"),
    path("live/<int:pk>/status/", pages.broadcast_status, name="status"),
    path("live/<int:pk>/alarm/", pages.alarm_set, name="alarm"),
    path("live/<int:pk>/buy/", room.onair_hold, name="onair-hold"),
    path("live/<int:pk>/coupons/<int:coupon_id>/claim/", room.coupon_claim, name="coupon-claim"),
    path("live/<int:pk>/report/", moderation.report_create, name="report"),
    path("live/studio/", studio.studio_index, name="studio-index"),
    path("live/<int:pk>/studio/", studio.studio, name="studio"),
    path("live/<int:pk>/studio/console/", studio.studio_console, name="studio-console"),
    path("live/<int:pk>/studio/key/", studio.studio_key_regenerate, name="studio-key"),
    path("live/<int:pk>/studio/end/", studio.studio_end, name="studio-end"),
    path("live/<int:pk>/studio/products/", studio.studio_product_add, name="studio-product-add"),
    path(
        "live/<int:pk>/studio/products/<int:item_id>/<slug:action>/", studio.studio_item, name="studio-item"
    ),
    path("live/<int:pk>/studio/moderators/<slug:action>/", studio.studio_moderator, name="studio-moderator"),
    path("live/<int:pk>/studio/report/", studio.studio_report, name="studio-report"),
    path("live/<int:pk>/studio/questions/", questions.studio_questions, name="studio-questions"),
    path(
        "live/<int:pk>/studio/questions/<int:question_id>/answer/",
        questions.studio_question_answer,
        name="studio-question-answer",
    ),
    path(
        "live/<int:pk>/studio/questions/<int:question_id>/done/",
        questions.studio_question_done,
        name="studio-question-done",
    ),
    path("live/<int:pk>/studio/health/", health.studio_health, name="studio-health"),
    # Staff: the report queue and its actions.
    path("staff/moderation/", moderation.staff_reports, name="staff-reports"),
    path(
        "staff/moderation/<int:pk>/<slug:action>/", moderation.staff_report_action, name="staff-report-action"
    ),
    path("staff/moderation/bans/<int:user_id>/lift/", moderation.staff_ban_lift, name="staff-ban-lift"),
    # The media server's callbacks (nginx-rtmp notify, form POST); the secret in the path is theirs only.
    path("live/media-server/<str:secret>/publish/", callbacks.media_publish, name="media-publish"),
    path(
        "live/media-server/<str:secret>/publish-done/",
        callbacks.media_publish_done,
        name="media-publish-done",
    ),
    path(
        "live/media-server/<str:secret>/record-done/", callbacks.media_record_done, name="media-record-done"
    ),
]
