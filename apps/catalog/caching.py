"""The catalog's cache keys and their invalidation (Redis with REDIS_URL, local memory otherwise).

Readers fill the keys (``selectors``); writers drop them (``services``) once their transaction commits,
so a request running beside the write cannot cache the old rows again after the drop.
"""

import time

from django.core.cache import cache
from django.db import transaction

from apps.core.pagecache import local_clear, local_value, page_keys

CATEGORY_TREE_KEY = "catalog:category-tree:v1"
HOME_KEY = "catalog:home:v1"
# The main page's product sections may lag a change by this much (stock moves do not drop them).
HOME_SECONDS = 5 * 60
PRODUCT_SECONDS = 60 * 60


# Whole pages for first-time visitors (apps/core/pagecache.py), dropped with the data they show. The main
# page's live strip shows viewer counts, which nothing drops it for: it is at most PAGE_SECONDS old. A product
# page changes only with the product or its broadcasts' cards (the live module drops it for those), so the TTL
# only bounds what a missed drop could leave; long, so a busy shop is not re-rendering every page twice a
# minute.
HOME_PAGE_KEY = "catalog:home-page"
PAGE_SECONDS = 30
PRODUCT_PAGE_SECONDS = 10 * 60


# A listing (category page) shows many products, so no single product's key can name it: its key carries a
# version that any change to what a card shows (or to the categories) replaces; a stock move does not, as
# cards show no stock (selling out changes the product's status, which does). Every page shows the category
# navigation, so product pages carry the categories' own version.
LISTING_VERSION_KEY = "catalog:listing-version"
NAV_VERSION_KEY = "catalog:nav-version"


def category_page_key(slug: str) -> str:
    return f"catalog:category-page:{local_value(LISTING_VERSION_KEY, 0)}:{slug}"


def product_key(product_id: int) -> str:
    return f"catalog:product:v1:{product_id}"


def product_page_key(product_id: int) -> str:
    return f"catalog:product-page:{local_value(NAV_VERSION_KEY, 0)}:{product_id}"


def _drop_on_commit(*keys: str, versions: tuple[str, ...] = ()) -> None:
    """After commit: drop ``keys``, replace the ``versions`` (keys naming many pages), forget local copies."""

    def drop() -> None:
        cache.delete_many(list(keys))
        if versions:
            cache.set_many(dict.fromkeys(versions, time.time_ns()), None)
        local_clear()

    transaction.on_commit(drop)


def category_tree_changed() -> None:
    # The main page shows category shortcuts too; every page shows the category navigation.
    _drop_on_commit(
        CATEGORY_TREE_KEY,
        HOME_KEY,
        *page_keys(HOME_PAGE_KEY),
        versions=(LISTING_VERSION_KEY, NAV_VERSION_KEY),
    )


def product_pages_changed(*product_ids: int) -> None:
    """Drop the shared pages of these products and the main page (what another module shows on them)."""
    _drop_on_commit(
        *[key for product_id in product_ids for key in page_keys(product_page_key(product_id))],
        *page_keys(HOME_PAGE_KEY),
    )


def product_changed(*product_ids: int, home: bool = False, listing: bool = True) -> None:
    """Drop the cached detail and page of these products (and the main page's when ``home``); with
    ``listing`` (anything but a stock move), the category pages too."""
    keys = [
        key
        for product_id in product_ids
        for key in (product_key(product_id), *page_keys(product_page_key(product_id)))
    ]
    _drop_on_commit(
        *keys,
        *([HOME_KEY, *page_keys(HOME_PAGE_KEY)] if home else []),
        versions=(LISTING_VERSION_KEY,) if listing else (),
    )


# Options known to be sold out, so a live drop's late buyers are answered without the database. A marker is
# set when the stock is seen at 0 and dropped when stock comes back (a release or a staff edit); one racing a
# restock may outlive it by SOLD_OUT_SECONDS at most. The database stays the judge: a marker never sells.
SOLD_OUT_SECONDS = 10


def sold_out_key(option_id: int) -> str:
    return f"catalog:sold-out:{option_id}"


def option_sold_out_mark(option_id: int, *, label: str, product_url: str, after_commit: bool) -> None:
    def mark() -> None:
        cache.set(sold_out_key(option_id), {"label": label, "url": product_url}, SOLD_OUT_SECONDS)

    if after_commit:
        transaction.on_commit(mark)
    else:
        mark()


def option_sold_out_clear(option_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(sold_out_key(option_id)))
