from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "chiso.teams"
    verbose_name = "Tổ công nghệ số cộng đồng"
