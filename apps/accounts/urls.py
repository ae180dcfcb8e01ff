from django.urls import path
from django.views.generic import RedirectView

from apps.accounts import views

app_name = "accounts"

# Mounted at /accounts/ before allauth's own URLs, so these paths (login, signup, logout) win over allauth's
# and allauth's remaining views (password reset, Kakao/Naver callbacks) keep their names.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/check-username/", views.signup_check_username, name="signup_check_username"),
    path("verify/", views.verify, name="verify"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("find-id/", views.find_id, name="find_id"),
    # allauth's reset view behind TriMarket's rate limit (same path, so allauth's URL name resolves here too).
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("social/connect/", views.social_connect, name="social_connect"),
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile_edit, name="profile"),
    path("me/password/", views.password_change, name="password_change"),
    path("me/email/", views.email_change, name="email_change"),
    path("me/addresses/", views.address_list, name="addresses"),
    path("me/addresses/new/", views.address_create, name="address_create"),
    path("me/addresses/<int:address_id>/edit/", views.address_edit, name="address_edit"),
    path("me/addresses/<int:address_id>/delete/", views.address_delete, name="address_delete"),
    path("me/addresses/<int:address_id>/default/", views.address_make_default, name="address_default"),
    path("me/withdraw/", views.withdraw, name="withdraw"),
    path("staff/2fa/", views.staff_two_factor, name="staff_two_factor"),
    # allauth pages TriMarket does its own way: send shoppers to the my-page equivalents.
    path("email/", RedirectView.as_view(pattern_name="accounts:me")),
    path("password/change/", RedirectView.as_view(pattern_name="accounts:password_change")),
    path("password/set/", RedirectView.as_view(pattern_name="accounts:password_change")),
    path("3rdparty/", RedirectView.as_view(pattern_name="accounts:me")),
]
