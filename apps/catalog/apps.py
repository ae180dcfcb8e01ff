from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = "상품"

    def ready(self) -> None:
        from apps.catalog import personal

        personal.register()
