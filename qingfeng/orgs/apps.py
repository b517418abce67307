from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "qingfeng.orgs"

    def ready(self) -> None:
        # declare its fact rows, its indicators and its import sheets
        from . import facts, indicators, sheets  # noqa: F401
