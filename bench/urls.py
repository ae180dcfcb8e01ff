"""The site's URLs plus /bench/bare: the floor a page is measured against (same server, same middleware)."""

from django.http import HttpResponse
from django.urls import path

from trimarket.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *site_urlpatterns]
