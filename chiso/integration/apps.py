from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "chiso.integration"
    verbose_name = "Tích hợp (LGSP): đăng ký nhận tin, nhật ký gửi, luồng thay đổi"
