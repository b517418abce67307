"""集体经济扶持 through its pages and the API: payments by village and source, the sums per county."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from qingfeng.core.models import Entry
from qingfeng.economy.models import SupportItem
from tests.clock import TODAY


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def payment(world, **extra):
    return {"code": "JJ-2019-001", "org": world.community.code, "source": "市级", "amount": "500000",
            "paid_on": "2019-06-01", "purpose": "光伏发电项目", **extra}


def test_a_payment_recorded_listed_and_summed_per_county(world):
    district = signed_in(world.district_user)
    assert district.post(reverse("economy:create"), payment(world)).status_code == 302
    district.post(reverse("economy:create"), payment(world, code="JJ-2019-002", source="省级", amount="1200000"))
    district.post(reverse("economy:create"), payment(world, code="JJ-2020-001", org=world.branch_a.code, source="社会",
                                                     amount="30000", paid_on="2020-03-01"))
    outsider = signed_in(world.outsider)
    outsider.post(reverse("economy:create"), payment(world, code="JJ-YZ-1", org=world.branch_o.code, amount="70000"))
    assert SupportItem.objects.count() == 4 and Entry.objects.filter(model="economy.supportitem").count() == 4
    listed = district.get(reverse("economy:list"), {"source": "省级"}).content.decode().split("data-ledger-table")[1]
    assert "1,200,000" in listed and "JJ-2019-001" not in listed
    city = signed_in(world.city_user).get(reverse("economy:by_county")).content.decode().split("data-by-county")[1]
    xiaodian = city.split(world.xiaodian.name)[1].split("</tr>")[0]
    assert "1,730,000" in xiaodian  # 500,000 + 1,200,000 + 30,000
    yingze = city.split(world.yingze.name)[1].split("</tr>")[0]
    assert "70,000" in yingze
    assert "1,800,000" in city.split("<tfoot>")[1]
    in_2020 = signed_in(world.city_user).get(reverse("economy:by_county"), {"year": "2020"}).content.decode()
    assert "30,000" in in_2020.split(world.xiaodian.name)[1].split("</tr>")[0]
    # A clerk sees their branch's payment, and sums over their own subtree.
    clerk = signed_in(world.clerk)
    assert "JJ-2019-001" not in clerk.get(reverse("economy:list")).content.decode()
    assert "30,000" in clerk.get(reverse("economy:by_county")).content.decode()
    assert clerk.get(reverse("economy:detail", args=["JJ-YZ-1"])).status_code == 404


def test_bad_input_is_named_and_changes_nothing(world):
    district = signed_in(world.district_user)
    url = reverse("economy:create")
    cases = [
        (payment(world, amount="-5"), "金额应为大于 0 的整数"),
        (payment(world, amount="0"), "金额应为大于 0 的整数"),
        (payment(world, org="999999"), "不存在或不在您的管理范围内"),
        (payment(world, org=world.branch_o.code), "不存在或不在您的管理范围内"),
        (payment(world, paid_on=(TODAY + dt.timedelta(days=3)).isoformat()), "拨付日期不能晚于今天"),
        (payment(world, source="外资"), "外资"),
    ]
    for data, reason in cases:
        response = district.post(url, data)
        assert response.status_code == 400 and reason in response.content.decode(), reason
    assert not SupportItem.objects.exists()
    district.post(url, payment(world))
    again = district.post(url, payment(world, amount="1"))
    assert again.status_code == 400 and "已登记" in again.content.decode()
    assert SupportItem.objects.get().amount == 500000
    assert signed_in(world.leader).post(url, payment(world, code="X")).status_code == 403


def test_api_lists_payments_by_source(world, api):
    district = signed_in(world.district_user)
    district.post(reverse("economy:create"), payment(world))
    district.post(reverse("economy:create"), payment(world, code="JJ-2", source="中央", amount="900000"))
    district.post(reverse("economy:create"), payment(world, code="JJ-3", source="县级", amount="100"))
    body = api(world.city_user).get("support-items", source=["中央", "市级"]).json()
    assert body["count"] == 2 and sum(r["amount"] for r in body["results"]) == 1400000
    assert api(world.city_user).get("support-items", start="2019-06-02").json()["count"] == 0
    assert api(world.outsider).get("support-items").json()["count"] == 0
    assert api(world.outsider).get("support-items/JJ-2").status_code == 404
    assert api(world.district_user).get("support-items/JJ-2").json()["source"] == "中央"
    assert api(world.city_user).get("support-items", source="外资").status_code == 400
