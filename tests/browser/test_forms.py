"""一表通 in real Chromium: a district officer uploads the form they use (first with a mistake), sees the check
and the preview, publishes it; a branch clerk on a phone downloads it filled for their branch."""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect

from qingfeng.forms.models import Filling, Template
from tests.forms.helpers import township_form, workbook, xlsx


def test_upload_preview_publish_and_download(world, new_page, login, live_server, tmp_path):
    bad = tmp_path / "统计表-错.xlsx"
    bad.write_bytes(xlsx(workbook({"A1": "{{ org.name }}", "D4": "{{ members.totl }}"})))
    good = tmp_path / "党组织和党员基本情况统计表.xlsx"
    good.write_bytes(xlsx(township_form()))

    page = new_page()
    login(page, "district")
    page.goto(f"{live_server.url}/yibiaotong/")
    page.get_by_test_id("upload").click()
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="检查并预览").click()
    problems = page.locator("[data-problems]")
    problems.wait_for()
    assert "表1!D4: 未知指标 “members.totl”" in problems.inner_text()

    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="检查并预览").click()
    preview = page.locator("[data-preview]")
    preview.wait_for()
    text = preview.inner_text()
    assert "中共小店区委" in text and "平阳路街道党工委" in text and "小店区实验学校党支部" in text
    title = page.locator("[data-preview] td[colspan='6']").first
    assert title.inner_text() == "党组织和党员基本情况统计表"  # merged over six columns, bold and centred as drawn
    assert {"fw-bold", "text-center"} <= set(title.get_attribute("class").split())
    assert "表1!F4" in page.locator("[data-placeholders]").inner_text()
    page.fill("#id_org", "140105")
    page.fill("#id_code", "XD-2026-01")
    page.fill("#id_name", "党组织和党员基本情况统计表")
    page.get_by_test_id("publish").click()
    page.locator("[data-fill-form]").wait_for()
    assert Template.objects.filter(form__code="XD-2026-01").exists()

    phone = new_page(viewport={"width": 390, "height": 844})
    login(phone, "clerk")
    phone.goto(f"{live_server.url}/yibiaotong/")
    phone.locator('[data-form="XD-2026-01"]').click()
    phone.locator("[data-fill-form]").wait_for()
    assert phone.locator("#id_org").input_value() == "14010500101A"
    expect(phone.locator("[data-custom-period]")).to_be_hidden()  # shown only for a custom period (the script hides it)
    phone.select_option("select[name=period]", "custom")
    expect(phone.locator("[data-custom-period]")).to_be_visible()
    phone.fill("input[name=from]", "2026-01-01")
    phone.fill("input[name=to]", "2026-03-31")
    with phone.expect_download() as info:
        phone.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename == "党组织和党员基本情况统计表_第一党支部_20260101-20260331.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))["表1"]
    assert ws["B2"].value == "第一党支部" and ws["D6"].value == 8  # the branch's own row, below the empty repeat
    assert Filling.objects.get().org == world.branch_a
