"""Every read of the catalog, already shaped for the page that shows it.

What a page is drawn from is cached here where building it is dear (the category tree, a product's detail);
which page keeps what, and where each is dropped, is ``caching``'s to say.
Listings are one counted, indexed query. No read here ever writes.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.catalog import caching, hooks
from apps.catalog.models import (
    PATH_SEPARATOR,
    Category,
    Product,
    ProductImage,
    ProductOption,
    ProductSalesDay,
    Review,
    ReviewPhoto,
    Wishlist,
)
from apps.catalog.selectors import pictures
from apps.catalog.selectors.pictures import (  # noqa: F401
    product_image_ids_without_renditions,
    review_photo_ids_without_renditions,
)
from apps.catalog.selectors.shopper import (  # noqa: F401  (re-exported: the API reads them from here)
    option_get,
    restock_alerts_for_user,
    wishlist_entries,
)

SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "popular": ("인기", ("-sales_count", "-id")),
    "new": ("신상품", ("-created_at", "-id")),
    "price_asc": ("낮은 가격", ("sale_price", "id")),
    "price_desc": ("높은 가격", ("-sale_price", "-id")),
    "rating": ("평점", ("-rating_avg", "-review_count", "-id")),
}
DEFAULT_SORT = "popular"
SEARCH_TERMS_MAX = 5
REVIEWS_PER_PAGE = 10
# The main page's recommendation rule (docs/architecture.md, "Catalog"): best sellers of the last
# BEST_SELLER_DAYS days and the newest arrivals, alternating, HOME_PRODUCTS in all, each product once.
BEST_SELLER_DAYS = 7
HOME_PRODUCTS = 10
HOME_NEW_ARRIVALS = 10


# ---- Category tree ------------------------------------------------------------------------------------


@dataclasses.dataclass
class CategoryNode:
    """A category as the pages need it; the whole tree is cached as these (no row is read per page)."""

    pk: int
    name: str
    slug: str
    parent_id: int | None
    path: str
    depth: int
    children: list["CategoryNode"] = dataclasses.field(default_factory=list)

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)[:-1]]

    @property
    def root_id(self) -> int:
        return int(self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)[0])


@dataclasses.dataclass
class CategoryTree:
    roots: list[CategoryNode]
    by_pk: dict[int, CategoryNode]
    by_slug: dict[str, CategoryNode]

    def descendant_ids(self, node: CategoryNode) -> list[int]:
        """The category and every category under it."""
        return [pk for pk, other in self.by_pk.items() if other.path.startswith(node.path)]

    def breadcrumbs(self, node: CategoryNode) -> list[CategoryNode]:
        """From the root down to the category itself."""
        return [self.by_pk[pk] for pk in node.ancestor_ids if pk in self.by_pk] + [node]


def _category_tree_build() -> CategoryTree:
    rows = Category.objects.order_by("depth", "position", "name").values_list(
        "pk", "name", "slug", "parent_id", "path", "depth"
    )
    by_pk = {row[0]: CategoryNode(*row) for row in rows}
    roots = []
    for node in by_pk.values():
        parent = by_pk.get(node.parent_id)
        (parent.children if parent else roots).append(node)
    return CategoryTree(roots=roots, by_pk=by_pk, by_slug={node.slug: node for node in by_pk.values()})


def category_tree() -> CategoryTree:
    """The whole tree, from the cache (filled here, dropped by the category services)."""
    return cache.get_or_set(caching.CATEGORY_TREE_KEY, _category_tree_build, timeout=None)


def category_get_by_slug(*, slug: str) -> tuple[CategoryTree, CategoryNode]:
    tree = category_tree()
    node = tree.by_slug.get(slug)
    if node is None:
        raise Http404("category")
    return tree, node


# ---- Listings -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ProductCard:
    """What a product card shows (templates/components/product_card.html)."""

    pk: int
    url: str
    image_url: str
    brand: str
    name: str
    sale_price: int
    list_price: int
    sold_out: bool
    rating: float
    review_count: int
    # The main picture's WebP/AVIF renditions ({} until made): ``{% picture %}`` builds the srcset from them.
    image_renditions: dict = dataclasses.field(default_factory=dict)


def products_visible() -> QuerySet[Product]:
    """Products shoppers may see (판매중 and 품절, not 숨김), each with its main thumbnail's file name and the
    main picture's renditions."""
    return Product.objects.exclude(status=Product.Status.HIDDEN).annotate(
        main_thumbnail=pictures.main_thumbnail(), main_renditions=pictures.main_renditions()
    )


def product_cards(products: Iterable[Product]) -> list[ProductCard]:
    """Cards of products read through ``products_visible`` (no further query)."""
    return [
        ProductCard(
            pk=product.pk,
            url=reverse("catalog:product", kwargs={"pk": product.pk}),
            image_url=default_storage.url(product.main_thumbnail) if product.main_thumbnail else "",
            brand=product.brand,
            name=product.name,
            sale_price=product.sale_price,
            list_price=product.list_price,
            sold_out=product.status == Product.Status.SOLD_OUT,
            rating=float(product.rating_avg),
            review_count=product.review_count,
            image_renditions=getattr(product, "main_renditions", None) or {},
        )
        for product in products
    ]


def product_listing(
    *,
    category_ids: list[int] | None = None,
    seller_id: int | None = None,
    query: str = "",
    sort: str = DEFAULT_SORT,
    min_price: int | None = None,
    max_price: int | None = None,
    in_stock: bool = False,
) -> QuerySet[Product]:
    """Visible products of some categories, of one seller and/or matching a search, filtered by price (and to
    those not 품절 with ``in_stock``) and sorted.

    Search: every word of ``query`` must appear in the name, the brand or the description text
    (substring match, so Korean words match inside longer words: "원피스" finds "플로럴원피스").
    """
    # The sort fields are loaded too: the API's cursor reads the last row's sort value.
    products = products_visible().only(
        "pk",
        "name",
        "brand",
        "sale_price",
        "list_price",
        "status",
        "rating_avg",
        "review_count",
        "sales_count",
        "created_at",
    )
    if category_ids is not None:
        products = products.filter(category_id__in=category_ids)
    if seller_id is not None:
        products = products.filter(seller_id=seller_id)
    for term in query.split()[:SEARCH_TERMS_MAX]:
        products = products.filter(
            Q(name__icontains=term) | Q(brand__icontains=term) | Q(description_text__icontains=term)
        )
    if min_price is not None:
        products = products.filter(sale_price__gte=min_price)
    if max_price is not None:
        products = products.filter(sale_price__lte=max_price)
    if in_stock:
        products = products.filter(status=Product.Status.ON_SALE)
    return products.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


# ---- Main page ----------------------------------------------------------------------------------------


def _best_seller_ids(*, days: int, limit: int) -> list[int]:
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = (
        ProductSalesDay.objects.filter(day__gte=since, product__status=Product.Status.ON_SALE)
        .values("product_id")
        .annotate(sold=Sum("quantity"))
        .filter(sold__gt=0)
        .order_by("-sold", "-product_id")[:limit]
    )
    return [row["product_id"] for row in rows]


def _home_build() -> dict:
    best_ids = _best_seller_ids(days=BEST_SELLER_DAYS, limit=HOME_PRODUCTS)
    best = {product.pk: product for product in products_visible().filter(pk__in=best_ids)}
    newest = list(
        products_visible()
        .filter(status=Product.Status.ON_SALE)
        .order_by("-created_at", "-id")[: HOME_PRODUCTS + HOME_NEW_ARRIVALS]
    )
    recommended, seen = [], set()
    best_queue = [best[pk] for pk in best_ids if pk in best]
    new_queue = list(newest)
    while len(recommended) < HOME_PRODUCTS and (best_queue or new_queue):
        for queue in (best_queue, new_queue):
            while queue:
                product = queue.pop(0)
                if product.pk not in seen:
                    seen.add(product.pk)
                    recommended.append(product)
                    break
    new_arrivals = [product for product in newest if product.pk not in seen][:HOME_NEW_ARRIVALS]
    return {
        "recommended": product_cards(recommended[:HOME_PRODUCTS]),
        "new_arrivals": product_cards(new_arrivals),
    }


def home_sections() -> dict:
    """The main page's product sections (the main page keeps them rendered, see ``views.home``).

    ``recommended``: best sellers of the last 7 days (units sold, 판매중 only) alternating with the
    newest arrivals, without repeats; ``new_arrivals``: the next newest products not already shown.
    """
    return _home_build()


# ---- Product detail -----------------------------------------------------------------------------------


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related("user").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
    )


def _product_detail_build(product_id: int) -> dict | None:
    product = (
        Product.objects.select_related("category", "seller")
        .prefetch_related("images", Prefetch("options", queryset=options_on_sale()))
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        return None
    reviews = list(_reviews().filter(product_id=product_id)[:REVIEWS_PER_PAGE])
    rating_counts = dict(
        Review.objects.filter(product_id=product_id).values_list("rating").annotate(n=Count("id")).order_by()
    )
    total = sum(rating_counts.values())
    rating_bars = [
        (star, rating_counts.get(star, 0), round(rating_counts.get(star, 0) * 100 / total) if total else 0)
        for star in range(5, 0, -1)
    ]
    return {
        "product": product,
        "reviews": reviews,
        "rating_bars": rating_bars,
        "sold_out_options": [option for option in product.options.all() if option.is_sold_out],
    }


def product_detail(*, product_id: int, user=None) -> dict:
    """A product page's data: the product with category, seller, images and options, its first reviews, the
    count of each star rating (``rating_bars``) and its sold-out options. Cached per product; 숨김 products
    exist only for staff.
    """
    key = caching.product_detail_key(product_id)
    detail = cache.get(key)
    if detail is None:
        detail = _product_detail_build(product_id)
        if detail is None:
            raise Http404("product")
        cache.set(key, detail, timeout=caching.PRODUCT_DETAIL_SECONDS)
    if detail["product"].status == Product.Status.HIDDEN and not (user and user.is_staff):
        raise Http404("product")
    return detail


def product_ids_of_seller(*, seller_id: int) -> list[int]:
    """Every product of a seller, hidden ones too."""
    return list(Product.objects.filter(seller_id=seller_id).values_list("pk", flat=True))


def product_get(*, product_id: int) -> Product:
    """A visible product, for writes that start from a page (wishlist, reviews)."""
    product = Product.objects.exclude(status=Product.Status.HIDDEN).filter(pk=product_id).first()
    if product is None:
        raise Http404("product")
    return product


def product_get_any(*, product_id: int) -> Product | None:
    """A product whatever its status (hidden too), for sellers' and staff's tools; None when there is none."""
    return Product.objects.filter(pk=product_id).first()


def options_on_sale() -> QuerySet[ProductOption]:
    """Options shoppers see: every one but the retired (an ordered option its seller removed)."""
    return ProductOption.objects.filter(retired_at__isnull=True).order_by("position", "id")


def product_options(*, product_id: int) -> QuerySet[ProductOption]:
    """A product's options with their stock, in the order the product page lists them."""
    return options_on_sale().filter(product_id=product_id)


def product_stock(*, product_id: int) -> int:
    """Units left over all of a product's options."""
    return ProductOption.objects.filter(product_id=product_id).aggregate(total=Sum("stock"))["total"] or 0


def product_reviews(*, product_id: int) -> QuerySet[Review]:
    return _reviews().filter(product_id=product_id)


def review_get_for_user(*, review_id: int, user) -> Review:
    """One's own review; anyone else's is a 404."""
    review = Review.objects.select_related("product").filter(pk=review_id, user_id=user.pk).first()
    if review is None:
        raise Http404("review")
    return review


def reviewable_order_lines_for(*, user, product: Product) -> list[int]:
    """The user's order lines of this product that may be reviewed and are not reviewed yet.

    The rule (delivered or confirmed) is the orders module's, registered in ``hooks``; until it is
    registered nobody qualifies.
    """
    line_ids = hooks.reviewable_order_line_ids(user=user, product_id=product.pk)
    if not line_ids:
        return []
    reviewed = set(Review.objects.filter(order_line_id__in=line_ids).values_list("order_line_id", flat=True))
    return sorted(line_ids - reviewed)


# ---- Wishlist -----------------------------------------------------------------------------------------


def wishlist_has(*, user, product_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Wishlist.objects.filter(user=user, product_id=product_id).exists()


def wishlist_products(*, user) -> QuerySet[Product]:
    """The products a shopper hearted, newest heart first (숨김 products drop out)."""
    return (
        products_visible().filter(wished_by__user=user).order_by("-wished_by__created_at", "-wished_by__id")
    )


def products_by_id(*, product_ids: Iterable[int]) -> dict[int, Product]:
    """Visible products (with their thumbnails) of these ids, by id."""
    return {product.pk: product for product in products_visible().filter(pk__in=list(product_ids))}


def live_now() -> list[dict]:
    return hooks.live_now()


def options_sold_out(*, option_ids: Iterable[int]) -> dict[int, dict]:
    """Of these options, those known to be sold out (``caching.option_sold_out_mark``): {id: {label, url}},
    read from the cache alone. An option not named may still be sold out: only the database can say."""
    ids = list(option_ids)
    found = cache.get_many([caching.sold_out_key(option_id) for option_id in ids])
    return {
        option_id: found[caching.sold_out_key(option_id)]
        for option_id in ids
        if caching.sold_out_key(option_id) in found
    }


def product_broadcasts(*, product_id: int) -> list[dict]:
    return hooks.product_broadcasts(product_id=product_id)


def seller_broadcasts(*, user_id: int | None) -> list[dict]:
    return hooks.seller_broadcasts(user_id=user_id)


# ---- A seller's own products (the seller center) ------------------------------------------------------

SELLER_PRODUCT_STATES = ("on_sale", "hidden", "sold_out")


def product_get_for_seller(*, seller, product_id: int, lock: bool = False) -> Product:
    """One of this seller's products, whatever its status; another shop's (or none) is a 404."""
    products = Product.objects.select_for_update() if lock else Product.objects.select_related("category")
    product = products.filter(pk=product_id, seller=seller).first()
    if product is None:
        raise Http404("product")
    return product


def option_get_for_seller(*, seller, option_id: int) -> ProductOption:
    """A live (not retired) option of one of this seller's products; another shop's is a 404."""
    option = options_on_sale().filter(pk=option_id, product__seller=seller).first()
    if option is None:
        raise Http404("option")
    return option


def image_get_for_seller(*, seller, image_id: int) -> ProductImage:
    image = ProductImage.objects.filter(pk=image_id, product__seller=seller).first()
    if image is None:
        raise Http404("image")
    return image


def seller_products(*, seller, query: str = "", state: str = "") -> QuerySet[Product]:
    """The seller's products, newest first, with their main thumbnail and live options (stock at a glance).

    ``state`` narrows to 판매중, 숨김 or 품절 (``SELLER_PRODUCT_STATES``); ``query`` matches the name.
    """
    products = (
        Product.objects.filter(seller=seller)
        .select_related("category")
        .annotate(main_thumbnail=pictures.main_thumbnail(), main_renditions=pictures.main_renditions())
        .prefetch_related(Prefetch("options", queryset=options_on_sale()))
        .order_by("-created_at", "-id")
    )
    if state in SELLER_PRODUCT_STATES:
        products = products.filter(status=state)
    for term in query.split()[:SEARCH_TERMS_MAX]:
        products = products.filter(name__icontains=term)
    return products


def seller_product_counts(*, seller) -> dict[str, int]:
    """How many of the seller's products are in each status, and in all."""
    counts = dict(
        Product.objects.filter(seller=seller).values_list("status").annotate(n=Count("id")).order_by()
    )
    return {"all": sum(counts.values()), **{state: counts.get(state, 0) for state in SELLER_PRODUCT_STATES}}


def seller_product_edit(*, seller, product_id: int) -> Product:
    """A product of this seller with its images and live options, for its edit page."""
    product = (
        Product.objects.filter(pk=product_id, seller=seller)
        .select_related("category")
        .prefetch_related("images", Prefetch("options", queryset=options_on_sale()))
        .first()
    )
    if product is None:
        raise Http404("product")
    return product


def categories_for_choice() -> QuerySet[Category]:
    """Every category in tree order (``path``), for a seller's category picker."""
    return Category.objects.order_by("path")
