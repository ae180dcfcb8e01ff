from django import template

from apps.catalog.share import product_preview

register = template.Library()


@register.simple_tag
def product_share(product):
    """``{% product_share product as preview %}{% share_meta preview %}`` in a product page's head."""
    return product_preview(product)
