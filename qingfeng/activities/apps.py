from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "qingfeng.activities"

    def ready(self):
        from . import access  # noqa: F401 — declares its records' attachment access
