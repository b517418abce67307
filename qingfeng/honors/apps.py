from django.apps import AppConfig


class HonorsConfig(AppConfig):
    name = "qingfeng.honors"
