from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "qingfeng.activities"

    def ready(self):
        # declare its records' attachment access, its fact rows, its indicators and its import sheets
        from . import access, facts, indicators, sheets  # noqa: F401
