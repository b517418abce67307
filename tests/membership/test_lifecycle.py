"""The member lifecycle through HTTP: application to full membership, transfers with acceptance, dues."""

import datetime as dt

import pytest
from django.urls import reverse

from qingfeng.core.idnumbers import make_id_number
from qingfeng.membership.models import Candidate, DuesPayment, Stage, TransferRequest, TransferStatus
from qingfeng.membership.warnings import development_warnings, lapse_warnings
from qingfeng.people.models import Person, Relation

D = dt.date
APPLICANT_ID = make_id_number("140105", D(1998, 4, 2), 123)


def step(client, candidate, name, **data):
    return client.post(reverse("membership:step", args=[candidate.pk, name]), data, follow=True)


def apply(client, world, applied_on="2022-01-10", id_number=APPLICANT_ID):
    return client.post(reverse("membership:apply"), {
        "org": world.branch_a.code, "name": "张申请", "id_number": id_number, "applied_on": applied_on})


def test_a_candidate_walks_from_application_to_full_membership(world, client_for):
    client = client_for(world.clerk)
    response = apply(client, world)
    candidate = Candidate.objects.get(person__id_number=APPLICANT_ID)
    assert response.status_code == 302 and candidate.stage == Stage.APPLICANT
    a, b = world.members_a[0], world.members_a[1]
    step(client, candidate, "talk", on="2022-02-08")
    step(client, candidate, "activist", on="2022-03-01", people=a.id_number)
    step(client, candidate, "candidate", on="2023-03-01", people=f"{a.id_number},{b.id_number}")
    step(client, candidate, "review", on="2023-04-01", days=3)
    step(client, candidate, "vote", on="2023-05-06", due=8, present=7, yes=7)
    step(client, candidate, "approve", on="2023-06-01")
    person = Person.objects.get(id_number=APPLICANT_ID)
    assert person.category == "预备党员" and person.admitted_on == D(2023, 5, 6) and person.org == world.branch_a
    assert Relation.objects.filter(person=person, org=world.branch_a, start_on=D(2023, 5, 6)).exists()
    step(client, candidate, "full_vote", on="2024-05-06")
    step(client, candidate, "full", on="2024-06-01")
    person.refresh_from_db()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.FULL
    assert person.category == "正式党员" and person.full_on == D(2024, 5, 6)
    page = client.get(reverse("membership:candidate", args=[candidate.pk])).content.decode()
    assert "2024-05-06" in page and candidate.events.count() == 9


def test_a_step_that_breaks_a_rule_is_refused_with_the_reason_and_changes_nothing(world, client_for):
    client = client_for(world.clerk)
    apply(client, world)
    candidate = Candidate.objects.get(person__id_number=APPLICANT_ID)
    step(client, candidate, "talk", on="2022-02-01")
    step(client, candidate, "activist", on="2022-03-01", people=world.members_a[0].id_number)
    body = step(client, candidate, "candidate", on="2023-02-28",
                people=f"{world.members_a[0].id_number},{world.members_a[1].id_number}").content.decode()
    candidate.refresh_from_db()
    assert "一年以上" in body and candidate.stage == Stage.ACTIVIST and candidate.candidate_on is None
    # an introducer who is not a full member
    body = step(client, candidate, "candidate", on="2023-03-01",
                people=f"{world.members_a[0].id_number},{APPLICANT_ID}").content.decode()
    candidate.refresh_from_db()
    assert "介绍人" in body and candidate.stage == Stage.ACTIVIST


def test_an_under_age_applicant_is_refused(world, client_for):
    young = make_id_number("140105", D(2006, 6, 1), 11)
    response = apply(client_for(world.clerk), world, applied_on="2024-05-31", id_number=young)
    assert "未满18周岁" in response.content.decode()
    assert not Candidate.objects.exists() and not Person.objects.filter(id_number=young).exists()


def test_late_steps_raise_warnings(world, client_for):
    client = client_for(world.clerk)
    apply(client, world, applied_on="2022-01-10")
    candidate = Candidate.objects.get()
    assert [w.kind for w in development_warnings(world.city, D(2022, 2, 10))] == []
    assert [w.kind for w in development_warnings(world.city, D(2022, 2, 11))] == ["talk_late"]
    assert development_warnings(world.yingze, D(2022, 2, 11)) == []  # not in the sibling district
    page = client.get(reverse("membership:candidates")).content.decode()
    assert "仍未谈话" in page and candidate.person.name in page


def test_transfer_needs_the_receivers_acceptance(world, client_for):
    member = world.members_a[2]
    sender = client_for(world.clerk)
    response = sender.post(reverse("membership:transfer_request", args=[member.pk]),
                           {"to_org": world.branch_o.code, "on": "2024-03-01"})
    assert response.status_code == 302
    request = TransferRequest.objects.get()
    member.refresh_from_db()
    assert member.org == world.branch_a  # nothing moves before acceptance
    # the sender cannot accept on the receiver's behalf
    assert sender.post(reverse("membership:transfer_decide", args=[request.pk, "accept"])).status_code == 404
    receiver = client_for(world.outsider)
    receiver.post(reverse("membership:transfer_decide", args=[request.pk, "accept"]))
    member.refresh_from_db()
    request.refresh_from_db()
    assert request.status == TransferStatus.ACCEPTED and member.org == world.branch_o
    history = list(member.relations.order_by("start_on").values_list("org__code", "end_on", "end_reason"))
    assert history == [(world.branch_a.code, D(2024, 3, 1), "转接"), (world.branch_o.code, None, "")]


def test_a_returned_transfer_needs_a_reason(world, client_for):
    member = world.members_a[2]
    client_for(world.clerk).post(reverse("membership:transfer_request", args=[member.pk]),
                                 {"to_org": world.branch_o.code, "on": "2024-03-01"})
    request = TransferRequest.objects.get()
    receiver = client_for(world.outsider)
    body = receiver.post(reverse("membership:transfer_decide", args=[request.pk, "reject"]), follow=True).content.decode()
    request.refresh_from_db()
    assert "原因" in body and request.status == TransferStatus.PENDING
    receiver.post(reverse("membership:transfer_decide", args=[request.pk, "reject"]), {"reason": "材料不全"})
    request.refresh_from_db()
    assert request.status == TransferStatus.REJECTED and request.reason == "材料不全"


def test_leaving_the_platform_ends_the_relation_and_prints_a_letter(world, client_for):
    member = world.members_a[3]
    client = client_for(world.district_user)
    response = client.post(reverse("membership:letter_new", args=[member.pk]),
                           {"destination": "中共北京市海淀区委组织部", "on": "2024-07-01"})
    assert response.status_code == 302
    letter_page = client.get(response["Location"]).content.decode()
    assert "中共北京市海淀区委组织部" in letter_page and member.name in letter_page
    member.refresh_from_db()
    assert member.org is None
    assert member.relations.get(org=world.branch_a).end_reason == "转出"


@pytest.mark.parametrize("income, fen, shown", [(3000, 1500, "15.00"), (8000, 12000, "120.00")])
def test_dues_from_declared_income_and_payments(world, client_for, income, fen, shown):
    client = client_for(world.clerk)
    member = world.members_a[0]
    client.post(reverse("membership:dues_declare", args=[member.pk]),
                {"kind": "salary", "income": income, "since": "2024-01-01", "month": "2024-03", "org": world.branch_a.code})
    client.post(reverse("membership:dues_pay", args=[member.pk]), {"paid_on": "2024-03-05", "month": "2024-03"})
    payment = DuesPayment.objects.get()
    assert payment.amount_fen == fen
    page = client.get(reverse("membership:dues", args=[world.branch_a.code]) + "?month=2024-03").content.decode()
    assert shown in page
    city_page = client_for(world.city_user).get(reverse("membership:dues", args=[world.xiaodian.code]) + "?month=2024-03")
    assert shown in city_page.content.decode()  # the subtree total
    # paying the same month twice is refused
    body = client.post(reverse("membership:dues_pay", args=[member.pk]), {"paid_on": "2024-03-06", "month": "2024-03"},
                       follow=True).content.decode()
    assert "已登记" in body and DuesPayment.objects.count() == 1


def test_six_months_without_dues_or_organizational_life_is_flagged(world):
    from qingfeng.membership.actions import declare_income, record_payment

    paying = world.members_a[0]
    declare_income(paying, D(2024, 1, 1), "salary", 3000)
    for month in range(1, 7):
        record_payment(paying, D(2024, month, 1), D(2024, month, 10))
    flagged = {w.message.split(" ")[0] for w in lapse_warnings(world.branch_a, D(2024, 7, 15))}
    # everyone lacks organizational life (no activities recorded); only the payer has paid
    assert any(world.members_a[1].name in m for m in flagged)
    messages = {w.message for w in lapse_warnings(world.branch_a, D(2024, 7, 15))}
    payer_messages = [m for m in messages if m.startswith(paying.name)]
    assert payer_messages and "未交党费" not in payer_messages[0]


def test_a_late_talk_is_recorded_and_shown_late_on_the_timeline(world, client_for):
    client = client_for(world.clerk)
    apply(client, world, applied_on="2022-01-10")
    candidate = Candidate.objects.get()
    body = step(client, candidate, "talk", on="2022-03-01").content.decode()
    candidate.refresh_from_db()
    assert candidate.talked_on == D(2022, 3, 1)
    assert "bg-red-lt" in body and "逾期" in body
    # a talk before the application itself is impossible
    other = step(client, candidate, "talk", on="2022-01-01").content.decode()
    candidate.refresh_from_db()
    assert "早于递交申请日期" in other and candidate.talked_on == D(2022, 3, 1)
