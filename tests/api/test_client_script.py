"""docs/api-client.py, run as a user would run it, against a live server."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.world import PASSWORD

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api-client.py"


@pytest.mark.django_db(transaction=True)
def test_the_example_client_prints_indicators_tree_and_open_findings(world, live_server):
    from qingfeng.supervision.models import Finding

    Finding.objects.create(code="WT-DEMO-1", source="督导检查", found_on=dt.date(2026, 1, 5), org=world.branch_a,
                           description="记录不全", deadline=dt.date(2026, 2, 5))
    Finding.objects.create(code="WT-SIBLING", source="督导检查", found_on=dt.date(2026, 1, 5), org=world.branch_o,
                           description="记录不全", deadline=dt.date(2026, 2, 5))
    env = {**os.environ, "QINGFENG_PASSWORD": PASSWORD}
    env.pop("QINGFENG_TOKEN", None)
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--base", live_server.url, "--user", "district", "--org", "140105",
         "--from", "2026-01-01", "--to", "2026-01-31", "--only", "orgs.total,members.total"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "用户 district" in out
    assert "orgs.total     6" in out and "members.total  11" in out
    assert "140105001  平阳路街道党工委" in out
    assert "WT-DEMO-1" in out and "WT-SIBLING" not in out and "共 1 条" in out

    refused = subprocess.run(
        [sys.executable, str(SCRIPT), "--base", live_server.url, "--user", "district", "--org", "140106",
         "--from", "2026-01-01", "--to", "2026-01-31"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert refused.returncode == 1 and "404 not_found" in refused.stderr
