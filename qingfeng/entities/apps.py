from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "qingfeng.entities"

    def ready(self):
        from . import access, sheets  # noqa: F401 — declare its records' attachment access and its import sheets
