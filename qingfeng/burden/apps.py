from django.apps import AppConfig


class BurdenConfig(AppConfig):
    name = "qingfeng.burden"

    def ready(self):
        from . import access  # noqa: F401 — declares its records' attachment access
