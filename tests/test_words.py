"""Words, not keys: a filtered indicator reads as its name and the values it is narrowed to; activity types read in
the page's language."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.indicators import figures
from tests.clock import TODAY


@pytest.mark.parametrize("key, zh, en", [
    ("grassroots.dispatched[role=突击队员]", "选派(下派)干部人数（突击队员）", "Cadres dispatched (Assault team member)"),
    ("supervision.rounds[type=督战]", "督导(督战)轮次（督战）", "Supervision rounds (Battle supervision)"),
    ("rectify.closed[source=督战|巡察]", "整改销号数（督战、巡察）", None),
    ("members.total[category=正式党员,cadre_level=市管]", "党员总数（正式党员；市管）", None),
])
def test_a_filtered_indicator_reads_as_words(db, key, zh, en):
    with translation.override("zh-hans"):
        assert figures.label(key) == zh
    with translation.override("en"):
        english = figures.label(key)
    assert "=" not in english and "（" not in english and "[" not in english
    if en:
        assert english == en


def test_activity_types_read_in_the_pages_language(world, client_for):
    committee = ActivityType.objects.get(name="支部委员会")
    record_activity(user=world.clerk, org=world.branch_a, type=committee, date=TODAY - dt.timedelta(days=1),
                    topic="研究工作")
    client = client_for(world.clerk)
    client.cookies["django_language"] = "en"
    listing = client.get(reverse("activities:list")).content.decode()
    assert "Branch committee meeting" in listing and "支部委员会" not in listing.split('class="page-body"')[1]
    form = client.get(reverse("activities:create")).content.decode()
    assert f'<option value="{committee.pk}">Branch committee meeting</option>' in form
    calendar = client.get(reverse("activities:calendar", args=[world.branch_a.code])).content.decode()
    assert "Branch committee meeting" in calendar
    # a type a deployment adds reads as its Chinese name until it is given an English one
    added = ActivityType.objects.create(name="青年理论学习小组", sort=200)
    assert str(added) == "青年理论学习小组"
    with translation.override("en"):
        assert str(added) == "青年理论学习小组"
        added.name_en = "Youth theory study group"
        added.save()
        assert str(added) == "Youth theory study group"
        assert ActivityType.display_name("青年理论学习小组") == "Youth theory study group"


def test_a_candidates_history_names_its_steps(world, client_for):
    from qingfeng.core.idnumbers import make_id_number
    from qingfeng.membership.actions import register_application

    candidate = register_application(org=world.branch_a, name="申请人", applied_on=dt.date(2026, 1, 5),
                                     id_number=make_id_number("140105", dt.date(1998, 1, 1), 901), user=world.clerk)
    client = client_for(world.clerk)
    client.post(reverse("membership:step", args=[candidate.pk, "talk"]), {"on": "2026-01-20", "note": "谈话"})
    page = client.get(reverse("membership:candidate", args=[candidate.pk])).content.decode()
    history = page.split("data-event=")[1:]
    assert any("递交入党申请" in e for e in history) and any("派人谈话" in e for e in history)
    assert "apply 2026" not in page and "talk 2026" not in page


def test_organizations_with_the_same_name_are_told_apart(world, client_for):
    from tests.world import member, org

    grid_a = org("14010500101G1", "第一网格党支部", world.community, kind="党支部", sector="社区")
    grid_o = org("140106001G1", "第一网格党支部", world.other_street, kind="党支部", sector="社区")
    member("网格甲", grid_a)
    member("网格丙", grid_o, region="140106")
    body = client_for(world.city_user).get(reverse("people:list"), {"q": "网格"}).content.decode()
    assert "第一网格党支部（平阳景苑社区党委）" in body and "第一网格党支部（柳巷街道党工委）" in body
    # a name nobody else has stays as it is
    assert "第一党支部（" not in client_for(world.city_user).get(reverse("people:list")).content.decode()


def test_warnings_are_grouped_by_kind_and_organization_and_name_it(world, client_for):
    from qingfeng.orgs.actions import record_election

    record_election(world.branch_a, dt.date(2020, 1, 2), 3)  # its term ran out in 2023
    client = client_for(world.city_user)
    card = client.get(reverse("cockpit:warnings"), {"org": "140100", "from": "2026-01-01", "to": TODAY.isoformat()},
                      headers={"HX-Request": "true"}).content.decode()
    kinds = card.split("data-warning-kinds")[1].split("data-warnings>")[0]
    assert 'data-kind="elections"' in kinds and "应换届未换届" in kinds
    named = card.split("data-warnings>")[1]
    assert "第一党支部" in named.split("2023-01-02")[0].rsplit("data-warning-org", 1)[1]
    page = client.get(reverse("indicators:warnings"), {"org": "140100"}).content.decode()
    below = page.split("data-warnings-below")[1].split("</table>")[0]
    assert 'data-org="140105"' in below and "中共小店区委" in below
    assert "kind=elections" in page.split("data-warnings-below")[0]


def test_the_lapses_list_says_how_many_and_pages_through_them(world, client_for):
    from tests.world import member

    for n in range(50):
        member(f"丁{n:02d}", world.branch_a)
    client = client_for(world.clerk)
    first = client.get(reverse("membership:lapses")).content.decode()
    assert "58 人" in first and first.count('class="list-group-item"><a href="/people/') == 50
    second = client.get(reverse("membership:lapses"), {"page": 2}).content.decode()
    assert second.count('class="list-group-item"><a href="/people/') == 8


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_english_pages_say_days_and_cadre_levels_in_words_and_name_import_sheets(world, client_for):
    client = english(client_for(world.city_user))
    tokens = client.get(reverse("api:tokens")).content.decode()
    assert ">7 days</option>" in tokens and "7 天" not in tokens
    person = world.members_a[0]
    assert person.cadre_level == "无"
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Not a city- or county-managed cadre" in page and ">None<" not in page
    imports = client.get(reverse("imports:start")).content.decode()
    assert "党员 · Members" in imports and "问题整改 · Findings" in imports
    # in Chinese the sheets are named as their tabs, nothing added
    client.cookies["django_language"] = "zh-hans"
    assert "党员 · " not in client.get(reverse("imports:start")).content.decode()


@pytest.mark.parametrize("text, short", [
    ("On the front line of major struggles", "On the front line of major"),
    ("Organizational life and its compliance checks", "Organizational life"),
    ("重大斗争一线", "重大斗争一线"),
    ("监督与整改" * 8, ("监督与整改" * 8)[:31]),
    ("Findings: open/closed [2021]", "Findings openclosed 2021"),
])
def test_sheet_names_fit_excel_and_end_at_a_word(text, short):
    from qingfeng.core.exports import short_sheet_name

    assert short_sheet_name(text) == short and len(short) <= 31


def test_the_english_reviews_sheets_end_at_words(world, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    path = tmp_path / "review.xlsx"
    call_command("report", "--org", "140100", "--from", "2021-01-01", "--to", "2021-06-30", "--format", "xlsx",
                 "--language", "en", "-o", str(path), stdout=io.StringIO())
    names = load_workbook(path).sheetnames
    with translation.override("en"):
        from qingfeng.reports.review import SECTIONS

        titles = [translation.gettext(s.title) for s in SECTIONS]
    assert len(names) == len(set(names)) and all(len(n) <= 31 for n in names)
    for name in names[1:]:
        title = next(t for t in titles if t.startswith(name))
        assert name == title or title[len(name)] == " ", (name, title)
    assert any(len(t) > 31 for t in titles)  # the case the rule is for


def test_a_day_is_written_one_way_in_each_language(world, client_for):
    from django.template import Context, Template

    day = dt.date(2017, 1, 8)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert Template("{{ d }}|{{ d|date }}").render(Context({"d": day})) == "2017-01-08|2017-01-08"


def test_pages_say_which_day_they_show_and_default_to_the_one_clock(world, client_for):
    """The home page, the cockpit, the warnings and the indicators say 数据截至 <day>, by default the platform's
    today (tests pin it: tests/clock.py), the day forms default to as well."""
    client = client_for(world.city_user)
    for name in ("core:home", "cockpit:cockpit", "indicators:warnings", "indicators:index"):
        page = client.get(reverse(name)).content.decode()
        assert f"数据截至 {TODAY.isoformat()}" in page, name
    english(client)
    assert f"as of {TODAY.isoformat()}" in client.get(reverse("cockpit:cockpit")).content.decode().lower()


def test_every_word_marked_for_translation_later_has_its_english():
    """Column headers and messages marked N("…") (gettext_noop) are translated where they are shown; each is in the
    English catalogue (tools/i18n extracts them with --keyword=N; a bare makemessages does not), so a drill's
    window columns read 'Window start', not 窗口开始."""
    import pathlib
    import re

    from django.utils import translation

    root = pathlib.Path(__file__).resolve().parent.parent / "qingfeng"
    marked = {text for path in root.rglob("*.py") if "gettext_noop as N" in (source := path.read_text())
              for text in re.findall(r'\bN\("([^"]+)"\)', source)}
    assert len(marked) > 100
    with translation.override("en"):
        untranslated = sorted(t for t in marked if translation.gettext(t) == t and re.search(r"[\u4e00-\u9fff]", t))
    assert not untranslated


def test_no_words_are_asked_for_inside_an_f_string():
    """makemessages (xgettext) does not look inside f-strings: a gettext call there never reaches the English catalogue,
    and the page stays Chinese in English (the busy page's title, the cockpit's “no data” were)."""
    import io
    import re
    import tokenize
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "qingfeng"
    call = re.compile(r"\{[^{}]*\b(_|gettext|gettext_lazy|pgettext|ngettext|N)\(\s*[\"']")
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if token.type == tokenize.STRING and re.match(r"(?i)r?fr?[\"']", token.string) and call.search(token.string):
                found.append(f"{path.relative_to(root)}:{token.start[0]}")
    assert found == []
