from django.apps import AppConfig


class BurdenConfig(AppConfig):
    name = "qingfeng.burden"

    def ready(self):
        # declare its records' attachment access, its indicators and its import sheets
        from . import access, indicators, sheets  # noqa: F401
