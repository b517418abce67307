from django.apps import AppConfig


class GrassrootsConfig(AppConfig):
    name = "qingfeng.grassroots"

    def ready(self):
        # declare its records' attachment access, its fact rows, its indicators and its import sheets
        from . import access, facts, indicators, sheets  # noqa: F401
