from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "qingfeng.imports"

    def ready(self):
        from . import sheets  # noqa: F401 — the sheets not yet declared by their own apps (issue 14 moves them)
