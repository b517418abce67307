from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "qingfeng.entities"

    def ready(self):
        from . import access  # noqa: F401 — declares its records' attachment access
