from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "chiso.opendata"
    verbose_name = "Dữ liệu mở"
