from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "chiso.plans"
    verbose_name = "Kế hoạch và chỉ tiêu"
