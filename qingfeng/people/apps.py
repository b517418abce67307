from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qingfeng.people"

    def ready(self) -> None:
        from . import sheets  # noqa: F401 — declares its import sheets
