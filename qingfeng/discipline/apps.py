from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "qingfeng.discipline"

    def ready(self) -> None:
        from . import sheets  # noqa: F401 — declares its import sheets
