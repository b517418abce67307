from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "qingfeng.reminders"

    def ready(self) -> None:
        from . import home  # noqa: F401 — registers the home page's to-do panel
