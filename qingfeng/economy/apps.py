from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "qingfeng.economy"
    verbose_name = _("集体经济扶持")
    url_prefix = "economy/"
    navigation = [("工作台账", "economy:list", _("集体经济扶持"), None)]

    def ready(self):
        from qingfeng.core.api import mount

        from . import facts, indicators, sheets  # noqa: F401 — its fact rows, indicators and import sheet
        from .api import router

        mount(router)  # its routes under /api/v1/
