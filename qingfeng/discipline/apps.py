from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "qingfeng.discipline"

    def ready(self) -> None:
        # declare its indicators and its import sheets
        from . import indicators, sheets  # noqa: F401
