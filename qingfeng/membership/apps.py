from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "qingfeng.membership"

    def ready(self) -> None:
        # declare its fact rows, its indicators and its import sheets
        from . import facts, indicators, sheets  # noqa: F401
