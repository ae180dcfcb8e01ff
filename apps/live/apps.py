from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "apps.live"
    verbose_name = "라이브"

    def ready(self) -> None:
        # Catalog draws "지금 라이브", a product's and a shop's broadcasts through its hooks; it never imports live.
        from apps.catalog import hooks
        from apps.live import selectors

        hooks.live_now_register(selectors.live_now_cards)
        hooks.product_broadcasts_register(selectors.product_broadcast_cards)
        hooks.seller_broadcasts_register(selectors.seller_broadcast_cards)
