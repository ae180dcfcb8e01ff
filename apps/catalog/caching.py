"""The catalog's caches: each page's one path, its keys, and the one place each is dropped.

Every page is drawn in at most two layers (``apps/core/pagecache.py`` is the mechanism of the first):

1. The rendered page, for first-time visitors only: the shared HTML (Redis with ``REDIS_URL``), read through
   the process's one-second mirror of it (same key, same drop). Main page ``HOME_PAGE_KEY``, a category's
   plain URL ``category_page_key``, a product page ``product_page_key``.
2. What a render is drawn from, where building it is dear: the main page's product sections, rendered
   (``HOME_SECTIONS_KEY``), and a product's detail (``product_detail_key``). Members, visitors with a
   session and renders of layer 1 read it; a category page has none (its listing is one indexed query).

Any other URL (sorted or filtered listings, search, all reviews, the wishlist) is rendered from the database.
Under every page lies the category tree (navigation, breadcrumbs), kept without a TTL.

The drops below run once the writer's transaction commits, so a request running beside the write cannot
cache the old rows again after the drop. Catalog's services call them; another module whose cards appear on
catalog pages goes through ``services.product_pages_changed``.
"""

from django.core.cache import cache
from django.db import transaction

from apps.core.pagecache import local_value, page_keys, pages_drop

CATEGORY_TREE_KEY = "catalog:category-tree:v1"
HOME_SECTIONS_KEY = "catalog:home-sections"
# The main page's sections may lag a stock move or a sale (neither drops them) by this much.
HOME_SECTIONS_SECONDS = 5 * 60
PRODUCT_DETAIL_SECONDS = 60 * 60

# The main page's live strip shows viewer counts, which nothing drops it for: PAGE_SECONDS is how stale
# they may be. A category page's cards change with every product
# edit, which drops it; the same TTL bounds what a missed drop could leave. A product page changes only with
# the product or its broadcasts' cards (both drop it), so its TTL is long: a busy shop is not re-rendering
# every product page twice a minute.
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


def product_page_key(product_id: int) -> str:
    return f"catalog:product-page:{local_value(NAV_VERSION_KEY, 0)}:{product_id}"


def product_detail_key(product_id: int) -> str:
    return f"catalog:product-detail:{product_id}"


def category_tree_changed() -> None:
    """A category was added, edited, moved or deleted: the tree goes, and with it every page (they all show
    the navigation)."""
    pages_drop(
        CATEGORY_TREE_KEY,
        HOME_SECTIONS_KEY,
        *page_keys(HOME_PAGE_KEY),
        versions=(LISTING_VERSION_KEY, NAV_VERSION_KEY),
    )


def product_pages_changed(*product_ids: int) -> None:
    """What another module shows on these products' pages changed: their pages and the main page go."""
    pages_drop(
        *[key for product_id in product_ids for key in page_keys(product_page_key(product_id))],
        *page_keys(HOME_PAGE_KEY),
    )


def product_changed(*product_ids: int, home: bool = False, listing: bool = True) -> None:
    """These products changed: their details and pages go; the main page's with ``home`` (it shows the
    product's card); every category page with ``listing`` (anything but a stock move, which no card shows)."""
    pages_drop(
        *[
            key
            for product_id in product_ids
            for key in (product_detail_key(product_id), *page_keys(product_page_key(product_id)))
        ],
        *([HOME_SECTIONS_KEY, *page_keys(HOME_PAGE_KEY)] if home else []),
        versions=(LISTING_VERSION_KEY,) if listing else (),
    )


# Options known to be sold out, so a live drop's late buyers are answered without the database. A marker is
# set when the stock is seen at 0 and dropped when stock comes back (a release or a staff edit); one racing a
# restock may outlive it by SOLD_OUT_SECONDS at most. The database stays the judge: a marker never sells.
# Not a page cache: no page reads it.
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
