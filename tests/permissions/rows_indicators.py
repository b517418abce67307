"""Rows for the indicator pages: values, drill-through, warnings, requirements."""

from django.urls import reverse

from tests.permissions import ADMIN, READ, RESTRICTED, Row


def at(name, code, extra=""):
    return f"{reverse(name)}?org={code}{extra}"


def requirement_post(w, target):
    from qingfeng.activities.models import Requirement

    r = Requirement.objects.get(activity_type__name="主题党日")
    return {"requirement": r.pk, "cadence": r.cadence, "min_full_members": str(r.min_full_members),
            "is_active": "on" if r.is_active else ""}


PERIOD = "&start=2021-01-01&end=2021-12-31"

ROWS = [
    Row("indicators:index", READ, page=lambda w: reverse("indicators:index"),
        own=lambda w: at("indicators:index", w.branch_a.code, PERIOD),
        sibling=lambda w: at("indicators:index", w.branch_o.code, PERIOD)),
    Row("indicators:drill", READ, page=lambda w: reverse("indicators:drill"),
        own=lambda w: at("indicators:drill", w.branch_a.code, "&key=members.total" + PERIOD),
        sibling=lambda w: at("indicators:drill", w.branch_o.code, "&key=orglife.compliance" + PERIOD)),
    # Discipline values drill into restricted records.
    Row("indicators:drill", RESTRICTED,
        own=lambda w: at("indicators:drill", w.branch_a.code, "&key=discipline.cases_filed" + PERIOD),
        sibling=lambda w: at("indicators:drill", w.branch_o.code, "&key=discipline.four_forms[form=1]" + PERIOD)),
    Row("indicators:warnings", READ, page=lambda w: reverse("indicators:warnings"),
        own=lambda w: at("indicators:warnings", w.branch_a.code),
        sibling=lambda w: at("indicators:warnings", w.branch_o.code)),
    Row("indicators:requirements", READ, page=lambda w: reverse("indicators:requirements")),
    Row("indicators:requirements", ADMIN, method="POST", page=lambda w: reverse("indicators:requirements"),
        data=requirement_post),
]
