from django.apps import AppConfig


class GrassrootsConfig(AppConfig):
    name = "qingfeng.grassroots"

    def ready(self):
        from . import access, sheets  # noqa: F401 — declare its records' attachment access and its import sheets
