"""The own fact rows of the two-new register (qingfeng.core.metrics): what qingfeng.entities.indicators reads back.

* "cov" (snapshot): an entity while registered, d1 its type, d2 its coverage mode — cut where its coverage history
  (CoverageChange) changes the mode; before the first dated change (and no undated one) 未覆盖; without any
  history, the mode written on the entity.
"""

from __future__ import annotations

from collections import defaultdict

from qingfeng.core import metrics
from qingfeng.core.metrics import Rows, level_pieces
from qingfeng.entities.models import CoverageChange, CoverageMode, Entity

COV = "cov"

metrics.declare(metrics.SNAPSHOT, COV)


def _dated_pieces(history):
    """Coverage pieces from history rows; before the first dated row (and no undated one): 未覆盖."""
    pieces = level_pieces(history, "")
    if pieces[0][1] == "":
        pieces[0] = (None, CoverageMode.NONE.value)
    return pieces


@metrics.row_source(reads=(Entity, CoverageChange), emits=(COV,))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    entities = Entity.objects.all()
    changes = CoverageChange.objects.all()
    if org_id is not None:
        entities = entities.filter(org_id=org_id)
        changes = changes.filter(entity__org_id=org_id)
    history: dict[int, list] = defaultdict(list)
    for eid, since, pk, mode in changes.values_list("entity_id", "since", "id", "mode"):
        history[eid].append((since, pk, mode))
    for eid, org, type_, current, gone in entities.order_by().values_list("id", "org_id", "type", "coverage",
                                                                          "deregistered_on"):
        h = history.get(eid, [])
        pieces = _dated_pieces(h) if h else [(None, current)]
        for i, (since, mode) in enumerate(pieces):
            nxt = pieces[i + 1][0] if i + 1 < len(pieces) else None
            end = gone if nxt is None else (nxt if gone is None else min(nxt, gone))
            rows.segment(org, since, end, COV, type_, mode)
