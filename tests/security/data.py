"""Discipline records in the test city: one case (with a disposition) and one recommendation in
branch A's community line (own) and the same in the sibling district's branch O."""

from __future__ import annotations

import datetime as dt

from qingfeng.discipline.models import Case, Disposition, Recommendation


def discipline_records(world) -> None:
    if getattr(world, "case_own", None) is not None:
        return
    for label, org, person in (("own", world.branch_a, world.members_a[0]), ("sibling", world.branch_o, world.members_o[0])):
        case = Case.objects.create(code=f"AJ-{org.code}", person=person, org=org, filed_on=dt.date(2024, 3, 1))
        disposition = Disposition.objects.create(person=person, org=org, decided_on=dt.date(2024, 4, 1), form=2,
                                                 measure="诫勉谈话", case=case)
        rec = Recommendation.objects.create(code=f"JY-{org.code}", org=org, issued_on=dt.date(2024, 5, 1),
                                            recipient="某单位")
        setattr(world, f"case_{label}", case)
        setattr(world, f"disposition_{label}", disposition)
        setattr(world, f"rec_{label}", rec)
