"""Demo accounts for `make run`: the staff member who runs the shop, a seller who goes live, and a shopper."""

from apps.accounts import services

ORDER = 10


def load(*, progress) -> list[tuple[str, str, str]]:
    """Create the demo accounts if missing; return (role, login ID, password) for the start-up banner."""
    accounts = [
        ("관리자", "admin", "admin1234!", {"is_staff": True, "is_superuser": True, "name": "운영자"}),
        ("셀러", "seller", "sell1234!", {"is_seller": True, "name": "라이브셀러"}),
        ("쇼핑 고객", "shopper", "shop1234!", {"name": "김쇼핑"}),
    ]
    for _role, username, password, extra in progress(accounts, desc="데모 계정"):
        services.user_ensure_demo(username=username, password=password, **extra)
    return [(role, username, password) for role, username, password, _extra in accounts]
