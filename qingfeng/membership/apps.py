from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "qingfeng.membership"

    def ready(self) -> None:
        from . import sheets  # noqa: F401 — declares its import sheets
