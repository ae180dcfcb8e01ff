from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "apps.payments"
    verbose_name = "결제"

    def ready(self) -> None:
        # Connects the receiver that rebuilds the PortOne gateway when a PORTONE_* setting changes (tests).
        from apps.payments import gateway  # noqa: F401
