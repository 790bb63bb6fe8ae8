from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "chiso.exchange"
    verbose_name = "Trao đổi dữ liệu (DHIS2)"
