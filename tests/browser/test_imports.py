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
