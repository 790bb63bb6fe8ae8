from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "chiso.collection"
    verbose_name = "Thu thập số liệu"
