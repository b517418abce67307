from qingfeng.cockpit.names import INDICATOR_NAMES
from qingfeng.indicators.engine import REGISTRY


def test_every_indicator_name_is_marked_for_translation():
    missing = sorted({ind.name for ind in REGISTRY.values()} - set(INDICATOR_NAMES))
    assert not missing, f"add these to qingfeng/cockpit/names.py and tools/en/cockpit.json: {missing}"
