from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "qingfeng.education"
    verbose_name = _("学历提升")
    url_prefix = "education/"
    navigation = [("工作台账", "education:list", _("学历提升"), None)]

    def ready(self):
        from qingfeng.accounts.access import reach_people_through
        from qingfeng.core.api import mount

        from . import facts, indicators, sheets  # noqa: F401 — its fact rows, indicators and import sheet
        from .api import router

        mount(router)  # its routes under /api/v1/
        reach_people_through("degree_studies__org")  # a cadre who is not a member is seen where they serve
