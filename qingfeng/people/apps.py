from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qingfeng.people"

    def ready(self) -> None:
        # declare its fact rows, its indicators and its import sheets
        from . import facts, indicators, sheets  # noqa: F401
