from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "qingfeng.cockpit"
    verbose_name = _("驾驶舱与政治生态评估")

    def ready(self) -> None:
        from qingfeng.core import startup

        from . import home  # noqa: F401 — registers the home page's figures
        from .warm import warm

        startup.register(_("驾驶舱"), warm)  # the figures leaders open first, prepared before the first request
