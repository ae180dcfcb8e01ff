"""REST API v1 (``/api/v1/``): each module's ``api/urls.py``, mounted here in the module order."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.catalog.api.urls")),
    path("", include("apps.orders.api.urls")),
    path("", include("apps.payments.api.urls")),
    path("", include("apps.live.api.urls")),
]
