"""Catalog's part of ``/sitemap.xml``: every product a shopper can open (not 숨김) and every category."""

from apps.catalog.models import Category, Product
from apps.core.sitemaps import SiteSitemap


class ProductSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Product.objects.exclude(status=Product.Status.HIDDEN).only("pk", "updated_at").order_by("pk")

    def lastmod(self, product: Product):
        return product.updated_at


class CategorySitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Category.objects.only("pk", "slug").order_by("path", "pk")
