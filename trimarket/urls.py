from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.catalog.sitemaps import CategorySitemap, ProductSitemap
from apps.live.sitemaps import BroadcastSitemap

admin.site.site_header = "TriMarket 관리자"
admin.site.site_title = "TriMarket 관리자"
admin.site.index_title = "쇼핑몰 운영"

# Each module says which of its pages a crawler should know; the project lists them in one /sitemap.xml.
SITEMAPS = {"products": ProductSitemap, "categories": CategorySitemap, "broadcasts": BroadcastSitemap}
handler404 = "apps.core.views.page_not_found"
# 503 with Retry-After while Redis is cut off (apps/core/outage.py), else Django's 500.
handler500 = "apps.core.outage.server_error"

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("apps.core.urls")),
    path("", include("apps.sellers.urls")),
    path("", include("apps.catalog.urls")),
    path("", include("apps.orders.urls")),
    path("payments/", include("apps.payments.urls")),
    path("", include("apps.live.urls")),
    path("", include("apps.reports.urls")),
    path("seller/", include("apps.sellercenter.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("trimarket.api_v1")),
    path("api/", include("apps.accounts.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
