from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "chiso.ranking"
    verbose_name = "Đánh giá, xếp hạng và công nhận"
