from django.urls import path

from apps.live.api import views

# Mounted at /api/v1/.
urlpatterns = [
    path("broadcasts/", views.BroadcastListView.as_view(), name="api-v1-broadcasts"),
    path("broadcasts/<int:pk>/", views.BroadcastDetailView.as_view(), name="api-v1-broadcast"),
    path("broadcasts/<int:pk>/holds/", views.BroadcastHoldView.as_view(), name="api-v1-broadcast-holds"),
]
