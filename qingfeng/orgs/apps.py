from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "qingfeng.orgs"

    def ready(self) -> None:
        # declare its indicators and its import sheets
        from . import indicators, sheets  # noqa: F401
