from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "chiso.registers"
    verbose_name = "Sổ theo dõi (chợ, trường, sản phẩm OCOP, …)"
