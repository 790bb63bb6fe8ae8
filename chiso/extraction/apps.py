from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "chiso.extraction"
    verbose_name = "Đọc số liệu từ báo cáo"
