from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "qingfeng.orgs"

    def ready(self) -> None:
        from . import sheets  # noqa: F401 — declares its import sheets
