from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "chiso.bench"
    verbose_name = "Kiểm tra hiệu năng"
