from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "qingfeng.federation"
    verbose_name = "联邦上报"

    def ready(self):
        from qingfeng.core import changes
        from qingfeng.core.api import mount
        from qingfeng.federation import checks, publish, source  # noqa: F401 — checks registers itself
        from qingfeng.federation.api import router

        mount(router)  # /api/v1/province/…

        # A publishing city keeps its published rows inside every writing transaction: the facts by the cells the
        # store changed, the distinct-count items by what the write announced.
        source.listen(publish.on_cells)
        changes.subscribe(publish.on_change)
