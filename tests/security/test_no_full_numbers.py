"""No page, export, API answer or error message shows a persona a full ID or phone number it may not unmask (issue 16).

For every persona: every request of the permission matrix (tests/permissions, each URL × own and sibling
subtree), plus every list export — masked and, where the persona asks, with full numbers — the API's people, and
forms given someone else's ID number. Each answer is searched for 18-character ID numbers and 11-digit mobile
numbers (inside .xlsx and .docx too); any that belongs to a person the persona may not unmask fails the test. A
persona may unmask a person's numbers when its role may (accounts.access.can_unmask) and it sees the person
(accounts.access.visible_people); 领导, 宣传部门 and anonymous visitors may unmask nobody's."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from qingfeng.people.models import Person
from tests.api.conftest import bearer
from tests.clock import TODAY
from tests.permissions import PERSONAS, all_rows
from tests.security.data import discipline_records
from tests.test_permissions import _request

ROWS = all_rows()
ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
LISTS = ["people:list", "activities:list", "activities:teams", "supervision:list", "service:list",
         "grassroots:assignments", "grassroots:weak_cases", "grassroots:elections", "entities:list", "burden:list"]


def text_of(response) -> str:
    """Everything a person could read in the answer: the body, or the parts of an .xlsx/.docx."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                             if n.endswith((".xml", ".rels")))
    return body.decode("utf-8", "replace")


def numbers_in(text: str) -> set[str]:
    return {m.upper() for m in ID.findall(text)} | set(PHONE.findall(text))


def forbidden_for(user) -> dict[str, str]:
    """number → whose, for every person the user may not unmask."""
    from qingfeng.accounts.access import can_unmask, visible_people

    allowed: set[int] = set()
    if user is not None and can_unmask(user):
        allowed = set(visible_people(user).values_list("pk", flat=True))
    out = {}
    for pk, name, number, phone in Person.objects.values_list("pk", "name", "id_number", "phone"):
        if pk not in allowed:
            out[number] = name
            if phone:
                out[phone] = name
    return out


@pytest.fixture
def numbered(world):
    """Every person of the world with a mobile number, the discipline records and the ledgers' records made."""
    from tests.ledgers.records import ledger_records

    ledger_records(world)
    discipline_records(world)
    for i, person in enumerate(Person.objects.order_by("pk")):
        person.phone = f"139{i + 10:08d}"
        person.save(update_fields=["phone"])
    return world


def _extra_requests(world):
    """(method, url, body, headers) beyond the matrix: exports, the API's people, forms naming others' numbers."""
    sibling = world.members_o[0]
    out = []
    for name in LISTS:
        for query in ("export=csv", "export=xlsx", "export=csv&numbers=full", "export=xlsx&numbers=full"):
            out.append(("GET", f"{reverse(name)}?{query}", None, None))
    out.append(("GET", f"{reverse('audit:list')}?export=xlsx", None, None))
    drill = reverse("indicators:drill")
    for key in ("members.total", "grassroots.stationed", "study.lecturers"):
        out.append(("GET", f"{drill}?org=140100&key={key}&from=2020-01-01&to={TODAY}&export=csv", None, None))
    out.append(("API", "/api/v1/people?page_size=200", None, None))
    for person in (world.members_a[0], sibling):
        out.append(("API", f"/api/v1/people/{person.pk}", None, None))
    day = (TODAY - dt.timedelta(days=3)).isoformat()
    # Error messages of forms given a sibling's number and name.
    out.append(("POST", reverse("membership:apply"), {"org": world.branch_a.code, "name": sibling.name,
                                                      "id_number": sibling.id_number, "applied_on": day}, None))
    out.append(("POST", reverse("grassroots:assignment_create"), {
        "id_number": sibling.id_number, "name": sibling.name, "role": "第一书记", "org": world.branch_a.code,
        "start_on": day}, None))
    return out


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_answer_shows_a_number_the_persona_may_not_unmask(numbered, persona):
    world = numbered
    user = world.personas.get(persona)
    client = Client()
    leaks = []

    def check(label, response, forbidden, typed=()):
        text = text_of(response)
        for value in typed:  # a form shows back what the persona typed into it: that is not a leak
            text = text.replace(f'value="{value}"', "")
        found = numbers_in(text) & forbidden.keys()
        leaks.extend(f"{label}: {n} of {forbidden[n]}" for n in sorted(found))

    done = set()
    for row in ROWS:
        if row.setup and row.setup not in done:  # one world for every row: each setup once
            done.add(row.setup)
            try:
                with transaction.atomic():
                    row.setup(world)
            except IntegrityError:
                pass  # records another setup already made
        forbidden = forbidden_for(user)
        for target, build in row.targets():
            try:
                url = build(world)
            except (ObjectDoesNotExist, MultipleObjectsReturned):
                continue  # a URL naming "the" object of a row's own world (the clerk's one token), not this one's
            check(f"{row.method} {url} ({target})", _request(client, row, world, persona, target, url), forbidden)
    forbidden = forbidden_for(user)
    for method, url, body, _headers in _extra_requests(world):
        client.cookies.clear()
        if method == "API":
            response = client.get(url, headers=bearer(user))
        else:
            if user is not None:
                client.force_login(user)
            response = client.post(url, body) if method == "POST" else client.get(url)
        check(f"{method} {url}", response, forbidden, typed=(body or {}).values())
    assert not leaks, f"{persona} was shown numbers it may not unmask:\n" + "\n".join(leaks[:50])


def test_the_scan_finds_a_leak_when_there_is_one(numbered):
    """The test above is only as good as its search: a page that did show a full number is caught."""
    from django.http import HttpResponse

    sibling = Person.objects.get(pk=numbered.members_o[0].pk)
    forbidden = forbidden_for(numbered.leader)
    for text in (f"<td>{sibling.id_number}</td>", f"电话 {sibling.phone}。"):
        assert numbers_in(text_of(HttpResponse(text))) & forbidden.keys()
    mine = numbered.members_a[0]
    assert mine.id_number not in forbidden_for(numbered.clerk) and mine.id_number in forbidden_for(numbered.leader)
