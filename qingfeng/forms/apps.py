from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "qingfeng.forms"
    label = "forms"
    verbose_name = _("一表通")

    def ready(self):
        from . import facts, indicators  # noqa: F401 — declares its fact rows and its indicators (qingfeng.core.indicators)
