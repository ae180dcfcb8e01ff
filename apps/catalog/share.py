"""A product's share preview: OpenGraph product tags and schema.org ``Product`` data (apps.core.share)."""

from apps.catalog.models import Product
from apps.core.share import SharePreview, absolute_url, description_cut

SCHEMA_IN_STOCK = "https://schema.org/InStock"
SCHEMA_OUT_OF_STOCK = "https://schema.org/OutOfStock"


def product_preview(product: Product) -> SharePreview:
    """``product`` as the product page shows it (images prefetched, seller loaded)."""
    images = [absolute_url(image.image.url) for image in product.images.all()]
    seller_name = product.seller.business_name
    in_stock = product.status == Product.Status.ON_SALE
    price = f"{product.sale_price:,}원"
    lead = f"{price} · {product.brand or seller_name}"
    summary = description_cut(f"{lead} · {product.description_text}" if product.description_text else lead)
    url = absolute_url(product.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": str(product.pk),
        "url": url,
        "description": summary,
        # Brand: the product's own when the seller names one, else the shop that makes and sells it.
        "brand": {"@type": "Brand", "name": product.brand or seller_name},
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": product.sale_price,
            "priceCurrency": "KRW",
            "availability": SCHEMA_IN_STOCK if in_stock else SCHEMA_OUT_OF_STOCK,
            "seller": {"@type": "Organization", "name": seller_name},
        },
    }
    if images:
        data["image"] = images
    if product.review_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": float(product.rating_avg),
            "reviewCount": product.review_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return SharePreview(
        title=f"{product.name} {price}",
        description=summary,
        path=product.get_absolute_url(),
        image=images[0] if images else "",
        og_type="product",
        extra=[
            ("product:price:amount", str(product.sale_price)),
            ("product:price:currency", "KRW"),
            ("product:availability", "in stock" if in_stock else "out of stock"),
        ],
        jsonld=data,
    )
