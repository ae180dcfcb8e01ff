from django.urls import path
from rest_framework_simplejwt.views import TokenRefreshView

from apps.accounts.api import auth, views

# Mounted at /api/v1/: the same tokens as /api/auth/, so a client needs one base URL.
urlpatterns = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="api-v1-token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="api-v1-token-refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="api-v1-logout"),
    path("me/", views.MyPageView.as_view(), name="api-v1-me"),
    path("me/addresses/", views.AddressListView.as_view(), name="api-v1-addresses"),
    path("me/addresses/<int:pk>/", views.AddressDetailView.as_view(), name="api-v1-address"),
]
