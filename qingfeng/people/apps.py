from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qingfeng.people"

    def ready(self) -> None:
        # declare its indicators and its import sheets
        from . import indicators, sheets  # noqa: F401
