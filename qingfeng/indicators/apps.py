from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "qingfeng.indicators"

    def ready(self):
        from qingfeng.core import changes
        from qingfeng.indicators import facts, jobs, store  # noqa: F401 — facts registers its own-row sources, jobs the rebuild

        # Every write announces what it changed (qingfeng.core.changes); the facts follow in the same transaction.
        changes.subscribe(store.apply)
