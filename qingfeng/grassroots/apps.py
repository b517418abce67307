from django.apps import AppConfig


class GrassrootsConfig(AppConfig):
    name = "qingfeng.grassroots"

    def ready(self):
        from . import access  # noqa: F401 — declares its records' attachment access
