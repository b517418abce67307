from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "qingfeng.service"

    def ready(self):
        from . import access, sheets  # noqa: F401 — declare its records' attachment access and its import sheets
