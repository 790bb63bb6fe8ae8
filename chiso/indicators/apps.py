from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "chiso.indicators"
    verbose_name = "Khung chỉ tiêu"
