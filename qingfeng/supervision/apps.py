from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "qingfeng.supervision"

    def ready(self):
        from . import access, sheets  # noqa: F401 — declare its records' attachment access and its import sheets
