from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "qingfeng.activities"

    def ready(self):
        from . import access, sheets  # noqa: F401 — declare its records' attachment access and its import sheets
