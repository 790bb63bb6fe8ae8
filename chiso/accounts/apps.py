from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chiso.accounts"
    verbose_name = "Người dùng và vai trò"
