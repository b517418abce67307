from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "qingfeng.entities"

    def ready(self):
        # declare its records' attachment access, its indicators and its import sheets
        from . import access, indicators, sheets  # noqa: F401
