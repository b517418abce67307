from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "qingfeng.imports"
