from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "qingfeng.honors"
    verbose_name = _("表彰")
    url_prefix = "honors/"
    navigation = [("工作台账", "honors:list", _("表彰"), None)]

    def ready(self):
        from qingfeng.accounts.access import reach_people_through
        from qingfeng.core.api import mount

        from . import facts, indicators, sheets  # noqa: F401 — its fact rows, indicators and import sheet
        from .api import router

        mount(router)  # its routes under /api/v1/
        reach_people_through("honors__org")  # a commended non-member is seen where the record is owned
