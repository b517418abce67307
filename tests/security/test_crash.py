"""kill -9 during writes (bench/crash.py, one short round): every acknowledged write survives, none is half-written."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench(name):
    import sys

    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"qingfeng_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs on its own temporary SQLite database; the PostgreSQL figures are in docs/reliability.md")
def test_killing_the_server_mid_write_loses_no_acknowledged_write():
    result = _bench("crash").run(rounds=1, writers=3)
    assert result["acknowledged"] > 0
    assert result["acknowledged_missing"] == 0
    assert result["half_written"] == 0
    assert result["integrity"] == "ok"
    assert result["after_restart_status"] == 200
