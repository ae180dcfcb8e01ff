from django.urls import path

from apps.core import views
from apps.core.models import PolicyDocument

app_name = "core"

TERMS, PRIVACY = PolicyDocument.Kind.TERMS, PolicyDocument.Kind.PRIVACY

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("site.webmanifest", views.web_manifest, name="web-manifest"),
    path("terms/", views.policy_page, {"kind": TERMS}, name="terms"),
    path("terms/<int:version>/", views.policy_page, {"kind": TERMS}, name="terms-version"),
    path("privacy/", views.policy_page, {"kind": PRIVACY}, name="privacy"),
    path("privacy/<int:version>/", views.policy_page, {"kind": PRIVACY}, name="privacy-version"),
]
