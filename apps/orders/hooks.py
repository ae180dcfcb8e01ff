"""Where payments plugs in what orders' pages must show or ask but cannot know (orders never imports payments).

Payments registers its providers from its ``AppConfig.ready``. Until one is registered the hook answers
"nothing": checkout offers no method choice (the payment step uses its default), no refund account is asked.
Providers only read and are cheap: a page calls each once.
"""

from collections.abc import Callable

# (user) -> the payment methods checkout offers, as dicts (code, label, note, mark), the shopper's last first.
PaymentMethodsProvider = Callable[..., list[dict]]
# (order) -> whether refunding this paid order needs the buyer's bank account (a 가상계좌 deposit).
RefundAccountRequiredProvider = Callable[..., bool]

_providers: dict[str, Callable | None] = {"payment_methods": None, "refund_account_required": None}


def payment_methods_register(provider: PaymentMethodsProvider | None) -> None:
    _providers["payment_methods"] = provider


def refund_account_required_register(provider: RefundAccountRequiredProvider | None) -> None:
    _providers["refund_account_required"] = provider


def payment_methods(*, user) -> list[dict]:
    provider = _providers["payment_methods"]
    return list(provider(user=user)) if provider else []


def refund_account_required(*, order) -> bool:
    provider = _providers["refund_account_required"]
    return bool(provider(order=order)) if provider else False
