"""The one place live tells the catalog that its cached pages changed.

The catalog's "지금 라이브" strip and a product page's "이 상품을 소개한 라이브" show live's cards: whenever a
broadcast starts, ends, gets a replay or changes its products, those cards and the shared pages that hold them
are read again.
"""

import time

from django.core.cache import cache
from django.db import transaction

from apps.catalog import services as catalog_services
from apps.live.keys import CARDS_VERSION_KEY
from apps.live.models import BroadcastProduct


def cards_changed(broadcast_id: int, *, product_ids: tuple[int, ...] = ()) -> None:
    """After commit, make the catalog's "지금 라이브" and product-page cards be read again, and have the
    catalog drop the shared pages that show this broadcast's card (its products' pages, the main page)."""
    transaction.on_commit(lambda: cache.set(CARDS_VERSION_KEY, time.time_ns(), None), robust=True)
    on_air = BroadcastProduct.objects.filter(broadcast_id=broadcast_id).values_list("product_id", flat=True)
    catalog_services.product_pages_changed(product_ids={*on_air, *product_ids})
