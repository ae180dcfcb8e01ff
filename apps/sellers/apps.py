from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "apps.sellers"
    verbose_name = "셀러"
