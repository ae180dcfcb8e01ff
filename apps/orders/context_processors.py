from apps.orders.selectors import cart_count


def cart(request) -> dict:
    """The header's cart badge (``cart_count``): cached for members, the session's size for guests."""
    return {
        "cart_count": cart_count(
            user=getattr(request, "user", None), session=getattr(request, "session", None)
        )
    }
