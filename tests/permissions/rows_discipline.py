"""Rows for the restricted discipline pages: only 纪检监察 and 系统管理员 in scope; everyone else 404."""

from django.urls import reverse

from tests.permissions import RESTRICTED, Row
from tests.security.data import discipline_records


def _case_form(w, target):
    return {"code": "AJ-NEW-1", "id_number": w.members_a[1].id_number, "name": w.members_a[1].name,
            "org": w.branch_a.code, "filed_on": "2024-06-01", "cadre_level": ""}


ROWS = [
    Row("discipline:cases", RESTRICTED, page=lambda w: reverse("discipline:cases"), setup=discipline_records),
    Row("discipline:case", RESTRICTED, setup=discipline_records,
        own=lambda w: reverse("discipline:case", args=[w.case_own.code]),
        sibling=lambda w: reverse("discipline:case", args=[w.case_sibling.code])),
    Row("discipline:case_create", RESTRICTED, page=lambda w: reverse("discipline:case_create")),
    Row("discipline:case_create", RESTRICTED, method="POST", page=lambda w: reverse("discipline:case_create"),
        data=_case_form),
    Row("discipline:case_close", RESTRICTED, method="POST", setup=discipline_records, data={"day": "2024-07-01"},
        own=lambda w: reverse("discipline:case_close", args=[w.case_own.code]),
        sibling=lambda w: reverse("discipline:case_close", args=[w.case_sibling.code])),
    Row("discipline:dispositions", RESTRICTED, page=lambda w: reverse("discipline:dispositions"),
        setup=discipline_records),
    Row("discipline:disposition", RESTRICTED, setup=discipline_records,
        own=lambda w: reverse("discipline:disposition", args=[w.disposition_own.pk]),
        sibling=lambda w: reverse("discipline:disposition", args=[w.disposition_sibling.pk])),
    Row("discipline:disposition_create", RESTRICTED, page=lambda w: reverse("discipline:disposition_create")),
    Row("discipline:recommendations", RESTRICTED, page=lambda w: reverse("discipline:recommendations"),
        setup=discipline_records),
    Row("discipline:recommendation", RESTRICTED, setup=discipline_records,
        own=lambda w: reverse("discipline:recommendation", args=[w.rec_own.code]),
        sibling=lambda w: reverse("discipline:recommendation", args=[w.rec_sibling.code])),
    Row("discipline:recommendation_create", RESTRICTED, page=lambda w: reverse("discipline:recommendation_create")),
    Row("discipline:recommendation_reply", RESTRICTED, method="POST", setup=discipline_records,
        data={"day": "2024-06-01"},
        own=lambda w: reverse("discipline:recommendation_reply", args=[w.rec_own.code]),
        sibling=lambda w: reverse("discipline:recommendation_reply", args=[w.rec_sibling.code])),
]
