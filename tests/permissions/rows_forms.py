"""Rows for 一表通 (qingfeng/forms) and its API routes. A saved form owned by branch A ("own") is seen by
everyone whose subtree holds branch A or lies under it; one owned by branch O ("sibling") likewise. A checked
upload waiting to be published is private to the person who uploaded it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.forms.records import district_draft, saved_forms, simple_template
from tests.permissions import READ, WRITE, Row
from tests.permissions.rows_api import token_header, url

PERIOD = "from=2026-01-01&to=2026-03-31"
API = {"headers": token_header, "anonymous": 401}
# A draft: the district officer's alone; roles that may not publish are refused before it is looked up.
NOT_THE_UPLOADER = {"admin": 404, "city": 404, "clerk": 404, "outsider": 404, "leader": 403, "discipline": 404}


def writers() -> set[str]:
    from qingfeng.forms.access import WRITERS

    return set(WRITERS)


def _form(name, *suffix, query=""):
    def build(side):
        def url_of(w):
            code = saved_forms(w)[side].code
            return reverse(name, args=[code, *suffix]) + (f"?{query(w, side)}" if query else "")
        return url_of
    return {"own": build("own"), "sibling": build("sibling"), "setup": saved_forms}


def _org(w, side):
    return f"org={(w.branch_a if side == 'own' else w.branch_o).code}&{PERIOD}"


def _api_fill(side):
    def build(w):
        code = saved_forms(w)[side].code
        return url("fill_form", code, query=_org(w, side))
    return build


def _upload(w, target):
    return {"file": SimpleUploadedFile("报表.xlsx", simple_template())}


def _publish(w, target):
    return {"org": w.branch_a.code, "code": "YBT-NEW", "name": "新报表"}


def _draft_url(w):
    return reverse("forms:draft", args=[district_draft(w).pk])


ROWS = [
    Row("forms:index", READ, page=lambda w: reverse("forms:index")),
    Row("forms:upload", WRITE, writers=writers(), page=lambda w: reverse("forms:upload")),
    Row("forms:upload", WRITE, writers=writers(), method="POST", page=lambda w: reverse("forms:upload"), data=_upload),
    Row("forms:draft", READ, own=_draft_url, expect=NOT_THE_UPLOADER),
    Row("forms:draft", WRITE, writers=writers(), method="POST", own=_draft_url, data=_publish, expect=NOT_THE_UPLOADER),
    Row("forms:detail", READ, **_form("forms:detail")),
    Row("forms:fill", READ, **_form("forms:fill", query=_org)),
    Row("forms:template", READ, **_form("forms:template", 1)),
    Row("forms:retire", WRITE, writers=writers(), method="POST", **_form("forms:retire")),
    Row("api_v1:list_forms", READ, page=lambda w: url("list_forms"), **API),
    Row("api_v1:fill_form", READ, own=_api_fill("own"), sibling=_api_fill("sibling"), setup=saved_forms, **API),
]
