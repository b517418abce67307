from django.apps import AppConfig


class GrassrootsConfig(AppConfig):
    name = "qingfeng.grassroots"

    def ready(self):
        # declare its records' attachment access, its indicators and its import sheets
        from . import access, indicators, sheets  # noqa: F401
