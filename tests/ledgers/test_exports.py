"""Every ledger list exports the queryset on screen, in the import format, as .xlsx and .csv."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.ledgers.records import ledger_records

# list URL name → (sheet's first header, how to find the own record's key in a row)
LISTS = {
    "activities:list": ("活动编号", lambda r: r["activity"].code),
    "activities:teams": ("小分队编码", lambda r: r["team"].code),
    "supervision:list": ("问题编号", lambda r: r["finding"].code),
    "service:list": ("事项编号", lambda r: r["item"].code),
    "grassroots:assignments": ("公民身份号码", lambda r: r["assignment"].person.masked_id),  # exports mask numbers
    "grassroots:weak_cases": ("组织编码", lambda r: r["org"].code),
    "grassroots:elections": ("组织编码", lambda r: r["org"].code),
    "entities:list": ("统一社会信用代码", lambda r: r["entity"].credit_code),
    "burden:list": ("报表编号", lambda r: r["form"].code),
}


@pytest.mark.parametrize("name", LISTS)
def test_export_holds_what_the_user_sees(world, client_for, name):
    records = ledger_records(world)
    first, key = LISTS[name]
    client = client_for(world.district_user)
    page = client.get(reverse(name)).content.decode()
    assert "export=xlsx" in page and "export=csv" in page
    response = client.get(reverse(name), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == first
    cells = {str(c) for row in rows[1:] for c in row if c is not None}
    assert key(records["own"]) in cells and key(records["sibling"]) not in cells  # the sibling district is not on screen
    response = client.get(reverse(name), {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0][0] == first and key(records["own"]) in text and key(records["sibling"]) not in text
