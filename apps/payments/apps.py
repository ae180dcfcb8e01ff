from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "apps.payments"
    verbose_name = "결제"

    def ready(self) -> None:
        # Connects the receiver that rebuilds the PortOne gateway when a PORTONE_* setting changes (tests).
        from apps.orders import hooks
        from apps.payments import gateway, selectors  # noqa: F401

        # Orders' checkout and cancel ask payments which methods exist and whether a refund needs an account.
        hooks.payment_methods_register(selectors.checkout_methods)
        hooks.refund_account_required_register(selectors.order_paid_by_vbank)
