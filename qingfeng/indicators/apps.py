from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "qingfeng.indicators"

    def ready(self) -> None:
        from qingfeng.core import changes
        from qingfeng.indicators import facts, jobs, sizes, store  # noqa: F401 — facts and sizes register own-row sources, jobs the rebuild

        # Every write announces what it changed (qingfeng.core.changes); the facts follow in the same transaction.
        # A large write's persons are looked up for their organizations only once the facts exist (changes.drain).
        changes.subscribe(store.apply, wants_orgs_of_people=lambda: store.state() is not None)
