from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "chiso.analytics"
    verbose_name = "Phân tích"
