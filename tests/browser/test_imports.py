"""A branch clerk, in real Chromium: uploads a workbook with errors, sees them, uploads the corrected one, imports it."""

from __future__ import annotations

import datetime as dt

from qingfeng.people.models import Person
from tests.imports.helpers import new_id, workbook


def test_clerk_fixes_a_workbook_and_imports_it(world, new_page, login, live_server, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    good_id = new_id(dt.date(1993, 4, 5), male=False)
    row = {"姓名": "浏览器", "公民身份号码": good_id, "性别": "女", "党员类别": "预备党员", "入党日期": "2024-05-01",
           "所在党组织编码": "14010500101A", "手机号码": "13800001111"}
    bad = workbook(tmp_path / "党员台账.xlsx", {"党员": [dict(row, 性别="男", 入党日期="2024/05/01")]})
    good = workbook(tmp_path / "党员台账-改.xlsx", {"党员": [row]})

    page = new_page(viewport={"width": 390, "height": 844})  # on a phone
    login(page, "clerk")
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="上传并校验").click()
    problems = page.locator("[data-import-problems]")
    problems.wait_for()
    text = problems.inner_text()
    assert "与公民身份号码不一致" in text and "格式不对" in text
    assert "发现 2 个错误" in page.locator("[data-import-rejected]").inner_text()
    assert not Person.objects.filter(id_number=good_id).exists()

    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="上传并校验").click()
    page.locator("[data-import-checked]").wait_for()
    assert page.locator('[data-sheet="党员"] [data-count="create"]').inner_text() == "1"
    page.locator("[data-import-confirm]").click()
    page.locator('[data-import-outcome="done"]').wait_for()
    assert page.locator("progress").last.get_attribute("value") == "100"
    page.get_by_role("link", name="查看结果").click()
    page.locator("[data-import-done]").wait_for()
    person = Person.objects.get(id_number=good_id)
    assert person.org == world.branch_a and person.name == "浏览器"


def test_clerk_imports_the_branch_roster_as_kept_through_the_mapping_page(world, new_page, login, live_server, tmp_path,
                                                                          settings):
    """Issue 23: the roster with a title row, a unit line and its own headers; the bad ID check character refused
    at the user's row and header; the corrected file proposed, checked and imported, the branch found by name."""
    from tests.imports.rosters import members, roster

    settings.VAR_DIR = tmp_path / "var"
    rows = members()
    good_id = rows[3][5]
    rows[3][5] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    bad = roster(tmp_path / "第一网格花名册.xlsx", rows)
    good = roster(tmp_path / "第一网格花名册-改.xlsx")

    page = new_page()
    login(page, "clerk")
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="上传并校验").click()
    sheet = page.locator('[data-mapping-sheet="Sheet1"]')
    sheet.wait_for()
    assert page.locator("[data-mapping-ledger]").input_value() == "党员"
    assert page.locator("[data-mapping-header-row]").input_value() == "3"
    assert page.locator('[data-mapping-column="所在党支部"]').input_value() == "所在党组织编码（按名称）"
    assert "14010500101A" in sheet.inner_text()  # the branch's name read as its code
    page.locator("[data-mapping-check]").click()
    problems = page.locator("[data-import-problems]")
    problems.wait_for()
    assert "身份证号码" in problems.inner_text() and "Sheet1" in problems.inner_text()
    assert not Person.objects.filter(id_number=good_id).exists()

    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="上传并校验").click()
    page.locator('[data-mapping-sheet="Sheet1"]').wait_for()
    page.locator("[data-mapping-check]").click()
    page.locator("[data-import-checked]").wait_for()
    assert page.locator('[data-sheet="党员"] [data-count="create"]').inner_text() == "7"
    page.locator("[data-import-confirm]").click()
    page.locator('[data-import-outcome="done"]').wait_for()
    assert Person.objects.get(id_number=good_id).org == world.branch_a
