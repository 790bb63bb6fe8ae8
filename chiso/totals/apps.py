from django.apps import AppConfig


class TotalsConfig(AppConfig):
    name = "chiso.totals"
    verbose_name = "Tổng theo cấp"

    def ready(self) -> None:
        from chiso.totals import refresh
        from chiso.values import hooks

        hooks.on_figures_changed(refresh.figures_changed)
