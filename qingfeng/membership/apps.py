from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "qingfeng.membership"

    def ready(self) -> None:
        # declare its indicators and its import sheets
        from . import indicators, sheets  # noqa: F401
