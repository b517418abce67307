"""The import page's 列对应 for a workbook of one's own, through HTTP: upload the roster → the proposed ledger,
header row and columns with the first rows as they will be read → the whole-file check → confirm → written; the
confirmed mapping is proposed again for the next file with the same headers; bad input changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingfeng.imports.models import ImportJob, SavedMapping
from qingfeng.people.models import Person
from tests.imports.helpers import table_counts
from tests.imports.rosters import HEADERS, members, roster


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def upload(client, path: Path):
    return client.post(reverse("imports:start"), {"file": SimpleUploadedFile(path.name, path.read_bytes())})


def form_of(job: ImportJob, **changes) -> dict:
    """The mapping page's form as the user leaves it: the proposal, with some selects changed."""
    data = {}
    for k, entry in enumerate(job.mapping):
        data[f"s{k}-ledger"] = entry["ledger"]
        data[f"s{k}-header_row"] = entry["header_row"]
        for i, header in enumerate(entry["headers"]):
            data[f"s{k}-c{i}"] = entry["columns"].get(header, "")
    data.update(changes)
    return data


def test_the_roster_goes_through_the_mapping_page_and_imports(world, client_for, tmp_path):
    client = client_for(world.clerk)
    response = upload(client, roster(tmp_path / "花名册.xlsx"))
    job = ImportJob.objects.get()
    assert job.status == "mapping"
    page = client.get(response["Location"], follow=True)
    body = page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("imports:mapping", args=[job.pk])
    assert 'data-mapping-sheet="Sheet1"' in body
    assert '<option value="党员" selected>' in body and 'value="3" data-mapping-header-row' in body
    assert '<option value="所在党组织编码（按名称）" selected>' in body
    # the first rows as they will be read: a date written 2006/7/1, the branch name as its code, 男性 as 男
    assert "2006-07-01" in body and "14010500101A" in body and "<td>男</td>" in body
    assert "data-mapping-problem" not in body
    response = client.post(reverse("imports:mapping", args=[job.pk]), {**form_of(job), "action": "check"})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "data-import-checked" in body and 'data-count="create">7<' in body
    assert not Person.objects.filter(name="花名0").exists()
    page = b"".join(client.post(reverse("imports:run", args=[job.pk])).streaming_content).decode()
    assert "导入完成" in page
    assert Person.objects.get(name="花名0").org == world.branch_a
    assert SavedMapping.objects.get(org=world.branch_a).ledger == "党员"


def test_a_bad_check_character_is_shown_at_the_users_row_and_header_and_nothing_is_written(world, client_for,
                                                                                            tmp_path):
    client = client_for(world.clerk)
    rows = members()
    rows[3][5] = rows[3][5][:-1] + ("0" if rows[3][5][-1] != "0" else "1")
    upload(client, roster(tmp_path / "花名册.xlsx", rows))
    job = ImportJob.objects.get()
    before = table_counts()
    response = client.post(reverse("imports:mapping", args=[job.pk]), {**form_of(job), "action": "check"})
    body = client.get(response["Location"]).content.decode()
    assert "data-import-rejected" in body and "data-import-confirm" not in body
    assert "<td>Sheet1</td>" in body and "<td>身份证号码</td>" in body and 'qf-num">7<' in body
    assert "data-import-remap" in body
    assert table_counts() == before


def test_a_changed_mapping_is_previewed_then_remembered_for_the_same_headers(world, client_for, tmp_path):
    client = client_for(world.clerk)
    upload(client, roster(tmp_path / "a.xlsx"))
    job = ImportJob.objects.get()
    phone = HEADERS.index("联系电话")
    # 联系电话 put on 职务: the preview shows it read as text
    body = client.post(reverse("imports:mapping", args=[job.pk]),
                       {**form_of(job, **{f"s0-c{phone}": "职务"}), "action": "preview"}).content.decode()
    assert '<option value="职务" selected>' in body and "138 0000 0000" in body
    job.refresh_from_db()
    response = client.post(reverse("imports:mapping", args=[job.pk]), {**form_of(job), "action": "check"})
    b"".join(client.post(reverse("imports:run", args=[job.pk])).streaming_content)
    assert Person.objects.get(name="花名0").post == "138 0000 0000"
    # the next file with the same headers is proposed the same way
    upload(client, roster(tmp_path / "b.xlsx"))
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.mapping[0]["columns"]["联系电话"] == "职务"
    assert response.status_code == 302


def test_a_missing_required_column_is_asked_for_and_refused_whole(world, client_for, tmp_path):
    client = client_for(world.clerk)
    headers = [h if h != "身份证号码" else "号码" for h in HEADERS]
    upload(client, roster(tmp_path / "a.xlsx", headers=headers))
    job = ImportJob.objects.get()
    body = client.get(reverse("imports:mapping", args=[job.pk])).content.decode()
    assert "data-mapping-missing" in body and "公民身份号码" in body
    before = table_counts()
    response = client.post(reverse("imports:mapping", args=[job.pk]), {**form_of(job), "action": "check"})
    body = client.get(response["Location"]).content.decode()
    assert "data-import-rejected" in body and "缺少必填列" in body
    assert table_counts() == before
    # the user places the column themselves: the file imports
    number = headers.index("号码")
    response = client.post(reverse("imports:mapping", args=[job.pk]),
                           {**form_of(job, **{f"s0-c{number}": "公民身份号码"}), "action": "check"})
    assert "data-import-checked" in client.get(response["Location"]).content.decode()


def test_a_template_shaped_file_takes_the_template_path(world, client_for, tmp_path):
    from tests.imports.helpers import new_id, workbook

    client = client_for(world.clerk)
    path = workbook(tmp_path / "t.xlsx", {"党员": [{
        "姓名": "模板", "公民身份号码": new_id(), "性别": "男", "党员类别": "预备党员", "入党日期": "2020-01-05",
        "所在党组织编码": "14010500101A"}]})
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "checked" and job.mapping == []
