from django.apps import AppConfig


class ValuesConfig(AppConfig):
    name = "chiso.values"
    verbose_name = "Số liệu"
