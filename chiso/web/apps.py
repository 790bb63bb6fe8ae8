from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chiso.web"
    verbose_name = "Yêu cầu và nhật ký"

    def ready(self) -> None:
        from chiso.web.lookups import register

        register()
