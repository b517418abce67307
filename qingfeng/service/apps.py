from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "qingfeng.service"

    def ready(self):
        from . import access  # noqa: F401 — declares its records' attachment access
