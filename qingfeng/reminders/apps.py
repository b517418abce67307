from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "qingfeng.reminders"
