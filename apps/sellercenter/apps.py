from django.apps import AppConfig


class SellerCenterConfig(AppConfig):
    name = "apps.sellercenter"
    verbose_name = "셀러센터"
