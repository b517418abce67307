from django.apps import AppConfig


class BurdenConfig(AppConfig):
    name = "qingfeng.burden"

    def ready(self):
        from . import access, sheets  # noqa: F401 — declare its records' attachment access and its import sheets
