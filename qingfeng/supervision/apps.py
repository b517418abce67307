from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "qingfeng.supervision"

    def ready(self):
        from . import access  # noqa: F401 — declares its records' attachment access
