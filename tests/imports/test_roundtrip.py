"""Export → import changes nothing, for every sheet, as .xlsx and as .csv; exports read back with openpyxl."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qingfeng.core import sheets as S
from qingfeng.core.exports import export_response
from tests.imports.data import every_sheet
from tests.imports.helpers import table_counts, workbook
from tests.imports.test_command import run


def queryset_for(sheet: str):
    return S.get(sheet).get_model().objects.all()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing_for_every_sheet(world, tmp_path, fmt):
    assert run(workbook(tmp_path / "all.xlsx", every_sheet(world)))[0] == 0
    before = table_counts()
    for sheet in S.all_sheets():
        response = export_response(queryset_for(sheet.name), sheet.name, fmt, full_numbers=True)
        assert response.status_code == 200
        path = tmp_path / fmt / (f"{sheet.name}.csv" if fmt == "csv" else f"export-{sheet.name}.xlsx")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(response.content)
        code, out, err = run(path)
        assert code == 0, f"{sheet.name}: {err}"
        assert "没有需要更改的数据" in out, f"{sheet.name}: {out}"
    assert table_counts() == before


def test_exported_workbook_holds_the_rows_in_import_columns(world, tmp_path):
    assert run(workbook(tmp_path / "all.xlsx", every_sheet(world)))[0] == 0
    from qingfeng.people.models import Person

    response = export_response(Person.objects.filter(org__code="14010500101A"), "党员", "xlsx", full_numbers=True)
    sheet = load_workbook(io.BytesIO(response.content))["党员"]
    rows = list(sheet.values)
    assert list(rows[0]) == S.get("党员").headers
    assert len(rows) == 1 + 8  # branch A's eight members, nothing else
    numbers = {r[1] for r in rows[1:]}
    assert numbers == set(Person.objects.filter(org__code="14010500101A").values_list("id_number", flat=True))
    assert all(isinstance(r[1], str) and len(r[1]) == 18 for r in rows[1:])  # ID numbers stay text
    assert "attachment" in response["Content-Disposition"]


def test_csv_export_has_a_bom_and_iso_dates(world):
    from qingfeng.orgs.models import Organization

    response = export_response(Organization.objects.filter(code="14010500101A"), "党组织", "csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff组织编码,")
    assert "14010500101A,第一党支部,14010500101,党支部,社区,,,2015-01-01," in text
