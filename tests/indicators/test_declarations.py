"""The catalogue is what the apps declare (qingfeng.core.indicators): every declaring module is loaded."""

import sys
from pathlib import Path

from django.apps import apps

from qingfeng.core.indicators import REGISTRY, SECTIONS


def test_every_app_declaring_indicators_is_loaded_at_start_up():
    declaring = [config.name for config in apps.get_app_configs()
                 if (Path(config.path) / "indicators.py").exists()
                 and "qingfeng.core.indicators import" in (Path(config.path) / "indicators.py").read_text()]
    assert len(declaring) >= 10
    missing = [name for name in declaring if f"{name}.indicators" not in sys.modules]
    assert not missing, f"import these in their AppConfig.ready(): {missing}"


def test_the_catalogue_lists_sections_in_order():
    sections = [ind.section for ind in REGISTRY.values()]
    assert sections == sorted(sections, key=SECTIONS.index)
    assert len(REGISTRY) >= 56


def test_every_metric_an_indicator_reads_from_the_facts_is_declared():
    from qingfeng.core import metrics

    declared = metrics.flows() | metrics.snapshots() | {metrics.WINDOWS}
    undeclared = {ind.id: sorted((ind.reads | ind.reads_before) - declared) for ind in REGISTRY.values()
                  if ind.facts is not None and (ind.reads | ind.reads_before) - declared}
    assert not undeclared, f"declare these metrics with qingfeng.core.metrics.declare: {undeclared}"
    before_not_snapshots = [ind.id for ind in REGISTRY.values() if ind.reads_before - metrics.snapshots()]
    assert not before_not_snapshots, f"reads_before names snapshot metrics only: {before_not_snapshots}"


def test_an_indicator_declared_with_facts_also_declares_its_records():
    """Its records are the reference the property test checks the facts against, and its drill-through."""
    without = [ind.id for ind in REGISTRY.values() if ind.facts is not None and ind.records is None]
    assert not without, without
