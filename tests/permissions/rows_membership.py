"""Rows for the member lifecycle: development, transfers, letters, dues."""

import datetime as dt

from django.urls import reverse

from qingfeng.core.idnumbers import make_id_number
from qingfeng.membership.models import Candidate, TransferLetter, TransferRequest
from qingfeng.people.models import Person
from tests.permissions import READ, WRITE, Row


def _lifecycle(world):
    """A candidacy, a pending transfer and a letter on each side: branch A (own) and district 140106 (sibling)."""
    for side, branch, member, dest in (("own", world.branch_a, world.members_b[0], world.branch_a),
                                       ("sibling", world.branch_o, world.members_o[0], world.other_street)):
        person = Person.objects.create(name=f"申请人{side}", id_number=make_id_number("140105", dt.date(1995, 1, 1), 500 + len(side)))
        setattr(world, f"candidate_{side}", Candidate.objects.create(person=person, org=branch, applied_on=dt.date(2024, 1, 5)))
        setattr(world, f"transfer_{side}", TransferRequest.objects.create(
            person=member, from_org=member.org, to_org=dest, on=dt.date(2024, 3, 1)))
        leaver = world.members_a[7] if side == "own" else world.members_o[3]
        setattr(world, f"letter_{side}", TransferLetter.objects.create(
            number=f"L-{side}", person=leaver, from_org=leaver.org, destination="外省某党委", on=dt.date(2024, 5, 1)))


def _own(name, attr):
    return lambda w: reverse(name, args=[getattr(w, f"{attr}_own").pk])


def _sibling(name, attr):
    return lambda w: reverse(name, args=[getattr(w, f"{attr}_sibling").pk])


ROWS = [
    Row("membership:candidates", READ, page=lambda w: reverse("membership:candidates")),
    Row("membership:apply", WRITE, page=lambda w: reverse("membership:apply")),
    Row("membership:candidate", READ, setup=_lifecycle,
        own=_own("membership:candidate", "candidate"), sibling=_sibling("membership:candidate", "candidate")),
    Row("membership:step", WRITE, method="POST", setup=_lifecycle, data={"on": "2024-01-20"},
        own=lambda w: reverse("membership:step", args=[w.candidate_own.pk, "talk"]),
        sibling=lambda w: reverse("membership:step", args=[w.candidate_sibling.pk, "talk"])),
    Row("membership:transfers", READ, page=lambda w: reverse("membership:transfers")),
    Row("membership:transfer_request", WRITE,
        own=lambda w: reverse("membership:transfer_request", args=[w.members_a[0].pk]),
        sibling=lambda w: reverse("membership:transfer_request", args=[w.members_o[0].pk])),
    Row("membership:transfer_decide", WRITE, method="POST", setup=_lifecycle,
        own=lambda w: reverse("membership:transfer_decide", args=[w.transfer_own.pk, "accept"]),
        sibling=lambda w: reverse("membership:transfer_decide", args=[w.transfer_sibling.pk, "accept"])),
    Row("membership:letter_new", WRITE,
        own=lambda w: reverse("membership:letter_new", args=[w.members_a[0].pk]),
        sibling=lambda w: reverse("membership:letter_new", args=[w.members_o[0].pk])),
    Row("membership:letter", READ, setup=_lifecycle,
        own=_own("membership:letter", "letter"), sibling=_sibling("membership:letter", "letter")),
    # 党费 in the menu: a redirect to the user's own organization's dues page
    Row("membership:my_dues", READ, page=lambda w: reverse("membership:my_dues"), ok=302),
    Row("membership:dues", READ,
        own=lambda w: reverse("membership:dues", args=[w.branch_a.code]),
        sibling=lambda w: reverse("membership:dues", args=[w.branch_o.code])),
    Row("membership:dues_declare", WRITE, method="POST", data={"kind": "salary", "income": "4000", "since": "2024-01-01"},
        own=lambda w: reverse("membership:dues_declare", args=[w.members_a[0].pk]),
        sibling=lambda w: reverse("membership:dues_declare", args=[w.members_o[0].pk])),
    Row("membership:dues_pay", WRITE, method="POST", data={"paid_on": "2024-03-05", "month": "2024-03"},
        own=lambda w: reverse("membership:dues_pay", args=[w.members_a[0].pk]),
        sibling=lambda w: reverse("membership:dues_pay", args=[w.members_o[0].pk])),
    Row("membership:lapses", READ, page=lambda w: reverse("membership:lapses")),
]
