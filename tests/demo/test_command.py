"""`qingfeng demo`: the users it creates, what it prints, running it twice, and refusing a real database."""

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from qingfeng.accounts.models import Role, User
from qingfeng.activities.models import Activity, Attendance
from qingfeng.core.idnumbers import id_birth_date, id_gender, id_problem
from qingfeng.demo.models import DemoRun
from qingfeng.demo.progress import Progress
from qingfeng.orgs.actions import save_organization
from qingfeng.orgs.models import BRANCH_KINDS, Organization
from qingfeng.people.models import Category, Person
from tests.demo.conftest import DEMO_PASSWORD, SCALE

EXPECTED_USERS = {
    "admin": (Role.ADMIN, None),
    "city": (Role.ORGANIZATION, "140100"),
    "xiaodian": (Role.ORGANIZATION, "140105"),
    "jijian": (Role.DISCIPLINE, "140100"),
    "leader": (Role.LEADER, "140100"),
}


def test_demo_users_exist_with_their_roles_and_scopes(demo_city, db):
    for username, (role, code) in EXPECTED_USERS.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.org.code if user.org else None) == code
        assert authenticate(username=username, password=DEMO_PASSWORD) == user
    assert User.objects.get(username="admin").is_superuser
    clerk = User.objects.get(username="branch")
    assert clerk.role == Role.CLERK
    assert clerk.org.kind in BRANCH_KINDS
    assert clerk.org.path.startswith("/140100/140105/140105004/")  # 平阳路街道, 小店区
    assert clerk.org.members.exists()


def test_the_command_prints_every_user_and_the_password(demo_city):
    for username in ["admin", "city", "xiaodian", "jijian", "branch", "leader"]:
        assert f"  {username} " in demo_city
    assert DEMO_PASSWORD in demo_city
    assert f"演示城市已生成（规模 {SCALE}）" in demo_city


def test_district_user_sees_own_district_and_not_a_sibling(demo_city, db, client):
    assert client.login(username="xiaodian", password=DEMO_PASSWORD)
    assert client.get(reverse("orgs:detail", args=["140105004"])).status_code == 200
    assert client.get(reverse("orgs:detail", args=["140106"])).status_code == 404
    assert client.login(username="branch", password=DEMO_PASSWORD)
    street = client.get(reverse("orgs:detail", args=["140105004"]))
    assert street.status_code == 404


def test_the_demo_builds_the_indicator_facts(demo_city, db):
    """The cockpit of a fresh demo reads facts, not the raw records: the build announces its bulk load."""
    from qingfeng.indicators.facts import state
    from qingfeng.indicators.models import Fact

    assert state() is not None and Fact.objects.filter(metric="mem").exists()


def test_running_demo_again_does_not_duplicate(demo_city, db):
    counts = (Organization.objects.count(), Person.objects.count(), Activity.objects.count(),
              Attendance.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("demo", scale="tiny", no_serve=True, stdout=out, stderr=io.StringIO())
    assert "已有演示数据" in out.getvalue()
    assert (Organization.objects.count(), Person.objects.count(), Activity.objects.count(),
            Attendance.objects.count(), User.objects.count()) == counts
    assert authenticate(username="city", password=DEMO_PASSWORD) is not None


def test_places_are_real_and_people_valid(demo_city, db):
    assert Organization.objects.get(code="140100").name == "中共太原市委"
    assert Organization.objects.get(code="140181").name == "中共古交市委"
    assert Organization.objects.get(code="140105004").name == "平阳路街道党工委"
    assert Organization.objects.filter(level="县(市、区)").count() == 10
    assert Organization.objects.filter(level="乡镇(街道)").count() == 100
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {"党委", "党工委", "党总支", "党支部", "联合党支部"} <= kinds
    sectors = set(Organization.objects.values_list("sector", flat=True))
    assert {"党政机关", "事业单位", "国有企业", "非公有制企业", "社会组织", "农村", "社区", "学校", "医院"} <= sectors
    people = list(Person.objects.members().select_related("org")[:3000])
    for person in people:
        assert id_problem(person.id_number) is None
        assert id_birth_date(person.id_number) == person.birth_date
        assert id_gender(person.id_number) == person.gender
        if not person.org.code.startswith("140100"):  # below a county: born in that county's region
            assert person.id_number[:6] == person.org.path.split("/")[2]
        age = (dt.date(2021, 5, 11) - person.birth_date).days // 365
        assert 18 <= age <= 90
    assert Person.objects.filter(category=Category.PROBATIONARY).exists()
    assert Person.objects.filter(admitted_on__isnull=True).exists()  # lecturers who are not members


def test_background_shows_missed_meetings_open_findings_and_all_four_forms(demo_city, db):
    from tests.demo.test_figures import indicator

    compliance = indicator("140100", "orglife.compliance", "2021-01-01", "2021-06-30")
    assert 50 < compliance < 100
    assert indicator("140100", "orglife.missing", "2021-01-01", "2021-06-30") > 0
    assert indicator("140100", "rectify.overdue", "2021-06-30", "2021-06-30") > 0
    for form in "1234":
        assert indicator("140100", f"discipline.four_forms[form={form}]", "2020-01-01", "2021-06-30") > 0
    for code in ["140105", "140106", "140107", "140108", "140109", "140110", "140121", "140122", "140123", "140181"]:
        assert indicator(code, "service.items", "2021-01-01", "2021-06-30") > 0
    names = " ".join(Organization.objects.get(code="140122").service_items.values_list("name", flat=True))
    assert "春风送农技送农资" in names


def test_demo_refuses_a_database_that_holds_real_organizations(db):
    # Whether or not the demo city of the other tests is loaded: a database with organizations and
    # no record of a demo build is someone's real data.
    DemoRun.objects.all().delete()
    save_organization(Organization(code="999001", name="某市委", kind="党委", sector="党政机关"))
    before = Organization.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("demo", scale="tiny", no_serve=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 1
    assert "非演示" in str(error.value)
    assert Organization.objects.count() == before


def test_progress_bar_redraws_on_a_terminal_and_prints_lines_otherwise():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(100, stream=stream)
        bar.step("组织架构")
        for _ in range(10):
            bar.advance(10)
        bar.finish("完成")
    assert tty.getvalue().count("\r") >= 10 and "100.0%" in tty.getvalue()
    lines = pipe.getvalue().splitlines()
    assert "\r" not in pipe.getvalue() and 3 <= len(lines) <= 15
    assert lines[-1].startswith("[" + "#" * 30 + "] 100.0%")


def test_the_demo_opens_on_the_articles_year(demo_city, db, client, settings):
    """The demo's records tell of 2020–21: its cockpit and warnings open on that year, not on today."""
    from qingfeng.core import dates

    settings.QINGFENG_TODAY = ""  # unpinned: the day the demo stored in its database
    dates.forget_stored_today()
    assert client.login(username="city", password=DEMO_PASSWORD)
    cockpit = client.get(reverse("cockpit:cockpit")).content.decode()
    assert 'value="2020-05-12"' in cockpit and 'value="2021-05-11"' in cockpit
    warnings = client.get(reverse("indicators:warnings")).content.decode()
    assert "2021-05-11" in warnings
