from django.apps import AppConfig


class BurdenConfig(AppConfig):
    name = "qingfeng.burden"
