from django.urls import path
from rest_framework_simplejwt.views import TokenRefreshView

from apps.accounts.api import auth as api

# Mounted at /api/.
urlpatterns = [
    path("auth/token/", api.TokenObtainView.as_view(), name="api-token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="api-token-refresh"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("auth/session-token/", api.SessionTokenView.as_view(), name="api-session-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
]
