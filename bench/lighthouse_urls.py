"""The bench's URLs plus /media/, served from MEDIA_ROOT as nginx does in production."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from bench.urls import urlpatterns as bench_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *bench_urlpatterns,
]
