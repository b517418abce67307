"""The web flow through HTTP: upload → preview (errors or counts) → confirm (progress stream) → result; templates."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.core import sheets as S
from qingfeng.imports.models import ImportJob
from qingfeng.people.models import Person
from tests.imports.data import every_sheet
from tests.imports.helpers import new_id, table_counts, workbook


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def upload(client, path: Path, name: str | None = None):
    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("imports:start"), {"file": data})


def members(number):
    return {"党员": [{"姓名": "网页", "公民身份号码": number, "性别": "男", "党员类别": "预备党员", "入党日期": "2024-05-01",
                    "所在党组织编码": "14010500101A"}]}


def test_an_upload_with_errors_lists_every_error_and_writes_nothing(world, client_for, tmp_path, settings):
    client = client_for(world.clerk)
    sheets = members(new_id())
    sheets["党员"].append(dict(sheets["党员"][0], 公民身份号码="140105199001011234", 性别="女"))
    before = table_counts()
    response = upload(client, workbook(tmp_path / "bad.xlsx", sheets))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert Path(job.stored_path).is_relative_to(settings.VAR_DIR / "uploads")
    body = client.get(response["Location"]).content.decode()
    assert "data-import-rejected" in body
    assert "公民身份号码校验位错误" in body and "<td class=\"qf-num\">3</td>" in body
    assert "data-import-confirm" not in body
    assert table_counts() == before
    # Confirming a rejected upload writes nothing either.
    assert client.post(reverse("imports:run", args=[job.pk])).status_code == 302
    assert table_counts() == before


def test_a_clean_upload_previews_counts_then_imports_with_progress(world, client_for, tmp_path):
    client = client_for(world.clerk)
    number = new_id()
    path = workbook(tmp_path / "good.xlsx", members(number))
    response = upload(client, path)
    body = client.get(response["Location"]).content.decode()
    assert "data-import-checked" in body
    assert 'data-sheet="党员"' in body and 'data-count="create">1<' in body
    assert not Person.objects.filter(id_number=number).exists()  # the preview writes nothing
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:run", args=[job.pk]))
    assert response.streaming
    page = b"".join(response.streaming_content).decode()
    assert "<progress" in page and "导入完成" in page
    assert Person.objects.get(id_number=number).org == world.branch_a
    job.refresh_from_db()
    assert job.status == "done" and job.summary["党员"]["create"] == 1
    assert "data-import-done" in client.get(reverse("imports:result", args=[job.pk])).content.decode()
    # Confirming twice does not import twice.
    assert client.post(reverse("imports:run", args=[job.pk])).status_code == 302
    # The same file again: nothing to do, and the page says so.
    response = upload(client, path)
    body = client.get(response["Location"]).content.decode()
    assert "data-import-nothing" in body and "data-import-confirm" not in body


def test_csv_and_zip_uploads(world, client_for, tmp_path):
    import zipfile

    client = client_for(world.district_user)
    text = "报表编号,报表名称,主管组织编码,启用日期\nBB-W,网页报表,140105,2020-01-01\n"
    response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile("报表目录.csv", ("\ufeff" + text).encode())})
    assert "data-import-checked" in client.get(response["Location"]).content.decode()
    archive = tmp_path / "ledgers.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("报表目录.csv", text.encode())
    response = upload(client, archive)
    assert "data-import-checked" in client.get(response["Location"]).content.decode()


def test_wrong_kind_of_file_is_refused_on_the_page(world, client_for):
    client = client_for(world.clerk)
    response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff")})
    assert response.status_code == 400
    assert "只接受" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_is_private_to_its_uploader(world, client_for, tmp_path):
    response = upload(client_for(world.clerk), workbook(tmp_path / "a.xlsx", members(new_id())))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    from django.test import Client

    other = Client()
    other.force_login(world.district_user)
    assert other.get(reverse("imports:preview", args=[job.pk])).status_code == 404
    assert other.post(reverse("imports:run", args=[job.pk])).status_code == 404


def test_the_leader_cannot_import(world, client_for):
    assert client_for(world.leader).get(reverse("imports:start")).status_code == 403


def test_template_for_one_sheet_has_headers_example_dropdowns_and_notes(world, client_for):
    response = client_for(world.clerk).get(reverse("imports:template", args=["党组织"]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["党组织"]
    headers = [c.value for c in ws[1]]
    assert headers == S.get("党组织").headers
    assert ws["A2"].value == "14010500199"  # the example row
    notes = {c.value: c.comment.text for c in ws[1]}
    assert "第一天不再成立" in notes["撤销日期"]
    assert "党支部" in notes["组织类别"]
    validated = {str(r).split(":")[0][0] for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    kind_col = "D"  # 组织类别
    assert kind_col in validated
    assert wb["可选值"].sheet_state == "hidden"


def test_the_all_sheets_template_holds_every_sheet_the_user_may_import(world, client_for):
    wb = load_workbook(io.BytesIO(client_for(world.discipline_user).get(reverse("imports:template_all")).content))
    assert set(S.by_name()) <= set(wb.sheetnames)
    wb = load_workbook(io.BytesIO(client_for(world.city_user).get(reverse("imports:template_all")).content))
    assert "案件" not in wb.sheetnames and "党员" in wb.sheetnames
    assert client_for(world.city_user).get(reverse("imports:template", args=["案件"])).status_code == 404


def test_the_all_sheets_template_filled_in_imports(world, client_for, tmp_path):
    """The template's own layout (instructions, hidden lists, notes) goes straight back in."""
    response = client_for(world.admin).get(reverse("imports:template_all"))
    wb = load_workbook(io.BytesIO(response.content))
    data = every_sheet(world)
    for name in wb.sheetnames:
        if name in S.by_name():
            ws = wb[name]
            ws.delete_rows(2)
            headers = [c.value for c in ws[1]]
            for row in data.get(name, []):
                ws.append([row.get(h) for h in headers])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    from tests.imports.test_command import run

    code, out, err = run(path)
    assert code == 0, err


def test_an_import_the_database_is_too_busy_to_take_says_so_in_words_and_writes_nothing(world, client_for, tmp_path,
                                                                                          monkeypatch):
    """SQLite's one writer held past the busy timeout by others' writes: the import's page ends with the message every
    busy write gets — nothing saved, try again in a few seconds — not the database's own words."""
    from django.db import OperationalError

    from qingfeng.imports import views

    client = client_for(world.clerk)
    number = new_id()
    upload(client, workbook(tmp_path / "good.xlsx", members(number)))
    job = ImportJob.objects.get()

    def locked(importer):
        raise OperationalError("database is locked")
        yield  # a generator, as the write steps are

    monkeypatch.setattr(views, "write_steps", locked)
    page = b"".join(client.post(reverse("imports:run", args=[job.pk])).streaming_content).decode()
    assert "系统正忙" in page and "database is locked" not in page
    assert not Person.objects.filter(id_number=number).exists()
    job.refresh_from_db()
    assert job.status == "failed" and "系统正忙" in job.message
