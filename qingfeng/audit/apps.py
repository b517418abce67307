from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qingfeng.audit"

    def ready(self) -> None:
        from qingfeng.audit import signals

        signals.connect()
