from django.utils.functional import SimpleLazyObject

from apps.catalog import selectors


def catalog_nav(request) -> dict:
    """The frame's category navigation: the root categories, read from the cached tree when drawn."""
    return {"nav_categories": SimpleLazyObject(lambda: selectors.category_tree().roots)}
