from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apps.orders"
    verbose_name = "주문"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.catalog import hooks
        from apps.orders import personal, selectors

        personal.register()

        # Catalog asks orders who may review (a line delivered or confirmed) without importing orders.
        hooks.reviewable_order_lines_register(selectors.reviewable_order_line_ids)
        # A seller may delete an option only if no order line names it (else it is retired).
        hooks.ordered_options_register(selectors.ordered_option_ids)
        user_logged_in.connect(_guest_cart_merge, dispatch_uid="orders.guest_cart_merge")


def _guest_cart_merge(sender, request, user, **kwargs) -> None:
    """A guest's cart joins the member's cart at any login (ID/password, Kakao, Naver)."""
    from apps.orders.services.carts import guest_cart_merge_at_login

    if request is not None and getattr(request, "session", None) is not None:
        guest_cart_merge_at_login(session=request.session, user=user)
