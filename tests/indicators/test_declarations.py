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
