"""Where modules above catalog plug in what catalog must show or decide but cannot know.

Catalog imports neither ``orders`` nor ``live`` (dependencies point one way). Instead those modules
register a provider here from their ``AppConfig.ready``::

    # apps/orders/apps.py
    from apps.catalog import hooks
    hooks.reviewable_order_lines_register(order_lines_reviewable_by)

Until a provider is registered the hook answers "nothing": nobody may review, no broadcast is shown.
A provider must only read (it runs during page views) and must be cheap: pages call it once per request.
"""

from collections.abc import Callable, Iterable

# (user, product_id) -> ids of that user's order lines of that product that are delivered or confirmed.
ReviewableOrderLinesProvider = Callable[..., Iterable[int]]
# (product_id) -> broadcasts that presented the product, as dicts the template reads (url, title, image_url,
# image_renditions, is_live, starts_at).
ProductBroadcastsProvider = Callable[..., list[dict]]
# (user_id) -> a seller's broadcasts on air, coming up and replays, as dicts (url, title, image_url,
# image_renditions, is_live, is_scheduled, starts_at).
SellerBroadcastsProvider = Callable[..., list[dict]]
# () -> broadcasts live now, as dicts (url, title, image_url, image_renditions, seller, viewer_count).
LiveNowProvider = Callable[[], list[dict]]
# (option_ids) -> those of the options that some order line names (they are retired, never deleted).
OrderedOptionsProvider = Callable[..., Iterable[int]]

_providers: dict[str, Callable | None] = {
    "reviewable_order_lines": None,
    "product_broadcasts": None,
    "live_now": None,
    "seller_broadcasts": None,
    "ordered_options": None,
}


def reviewable_order_lines_register(
    provider: ReviewableOrderLinesProvider | None,
) -> ReviewableOrderLinesProvider | None:
    """Set who may review: the orders module registers its rule (line delivered or confirmed).

    Returns the provider it replaces, so a test can put it back.
    """
    previous, _providers["reviewable_order_lines"] = _providers["reviewable_order_lines"], provider
    return previous


def product_broadcasts_register(provider: ProductBroadcastsProvider | None) -> None:
    """Set the broadcasts shown on a product page ("이 상품을 소개한 라이브"): the live module's."""
    _providers["product_broadcasts"] = provider


def live_now_register(provider: LiveNowProvider | None) -> None:
    """Set the broadcasts of the main page's "지금 라이브" strip: the live module's."""
    _providers["live_now"] = provider


def seller_broadcasts_register(provider: SellerBroadcastsProvider | None) -> None:
    """Set the broadcasts of a shop page: the live module's."""
    _providers["seller_broadcasts"] = provider


def ordered_options_register(provider: OrderedOptionsProvider | None) -> OrderedOptionsProvider | None:
    """Set which options were ever ordered: the orders module's answer. Returns the one it replaces."""
    previous, _providers["ordered_options"] = _providers["ordered_options"], provider
    return previous


def ordered_option_ids(*, option_ids: Iterable[int]) -> set[int]:
    """Without a provider every option counts as ordered, so nothing an order may name is ever deleted."""
    option_ids = list(option_ids)
    provider = _providers["ordered_options"]
    if provider is None:
        return set(option_ids)
    return {int(option_id) for option_id in provider(option_ids=option_ids)}


def reviewable_order_line_ids(*, user, product_id: int) -> set[int]:
    provider = _providers["reviewable_order_lines"]
    if provider is None or not getattr(user, "is_authenticated", False):
        return set()
    return {int(line_id) for line_id in provider(user=user, product_id=product_id)}


def product_broadcasts(*, product_id: int) -> list[dict]:
    provider = _providers["product_broadcasts"]
    return list(provider(product_id=product_id)) if provider else []


def live_now() -> list[dict]:
    provider = _providers["live_now"]
    return list(provider()) if provider else []


def seller_broadcasts(*, user_id: int | None) -> list[dict]:
    provider = _providers["seller_broadcasts"]
    return list(provider(user_id=user_id)) if provider and user_id else []
