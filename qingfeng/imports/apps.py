from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "qingfeng.imports"

    def ready(self) -> None:
        from qingfeng.imports import jobs  # noqa: F401 — registers the background import
