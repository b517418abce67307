"""Builds the demo city in one transaction: tree → people → the article's records → background → facts."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.activities.models import Attendance
from qingfeng.core import changes
from qingfeng.core.dates import store_today
from qingfeng.demo.background import Background
from qingfeng.demo.bulk import DeferredIndexes, Table, tune_connection
from qingfeng.demo.figures import CITY_CADRES, Figures, Y, dispatch_need
from qingfeng.demo.forms import build_forms
from qingfeng.demo.models import DemoRun
from qingfeng.demo.people import CADRE_COLUMNS, GOV_TAGS, PERSON_COLUMNS, RELATION_COLUMNS, PeopleBuilder
from qingfeng.demo.places import CITIES, TAIYUAN
from qingfeng.demo.progress import Progress
from qingfeng.demo.records import Recorder
from qingfeng.demo.registers import Registers
from qingfeng.demo.scales import SCALES
from qingfeng.demo.tree import ORG_COLUMNS, TreeBuilder
from qingfeng.orgs.models import Organization
from qingfeng.people.models import CadreLevel, CadreLevelRecord, Category, Person, Relation

SEED = 20200512


@dataclass
class Result:
    scale: str
    seconds: float
    organizations: int
    persons: int
    rows: dict[str, int]


class DemoExists(Exception):
    """The database already holds organizations that no demo build made."""


def build_demo(scale_name: str = "small", progress: Progress | None = None, seed: int = SEED,
               city: str = TAIYUAN.code) -> Result:
    """The demo city (Taiyuan, or `city`: another of places.CITIES, for a province of several) at a scale."""
    scale = SCALES[scale_name]
    place = CITIES[city]
    progress = progress or Progress(100, enabled=False)
    started = time.monotonic()
    if Organization.objects.exists():
        raise DemoExists
    rng = random.Random(seed + place.seed_offset)
    now = timezone.now()
    with transaction.atomic():
        tune_connection()
        progress.step(_("组织架构"))
        org_table = Table(Organization, ORG_COLUMNS)
        tree = TreeBuilder(scale, rng, org_table, place)
        orgs = tree.build()
        progress.advance(3)

        progress.step(_("党员"))
        people = PeopleBuilder(scale, rng, Table(Person, PERSON_COLUMNS), Table(Relation, RELATION_COLUMNS),
                               Table(CadreLevelRecord, CADRE_COLUMNS), now, [c.code for c in place.counties])
        people.populate(orgs)
        city_cadres = people.assign_cadres(orgs, CITY_CADRES)

        def dispatchable(p) -> bool:
            return (p.member and p.tag in GOV_TAGS and p.cadre == CadreLevel.NONE and p.category == Category.FULL
                    and 1962 <= p.birth.year <= 1996)

        missing = dispatch_need() - sum(1 for p in people.people if dispatchable(p))
        people.top_up(orgs, ("city_gov", "county_gov"), missing, dispatchable)
        people.transfers(orgs)
        figures = Figures(rng, Recorder(now), tree, people, city_cadres)
        figures.prepare_people()
        registers = Registers(figures)  # the second round's registers (表彰, 学历提升, 集体经济扶持 …)
        registers.prepare_people()
        progress.advance(4)

        # Parents before children: organizations and people first, then the records that refer to them.
        progress.step(_("写入"))
        org_table.extend(tree.rows())
        org_table.close()
        people.write()
        for table in (people.persons, people.relations, people.cadres):
            table.close()
        progress.advance(3)

        progress.step(_("文章数据"))
        by_person = DeferredIndexes(Attendance, "person_id")
        by_person.drop()
        rec = figures.rec
        figures.build()
        registers.build()
        progress.advance(10)

        progress.step(_("日常记录"))
        branches = sum(1 for o in orgs if o.is_branch)
        bg_progress = _Scaled(progress, 60, branches)
        Background(rng, rec, tree, people, bg_progress).build()
        bg_progress.complete()

        progress.step(_("写入"))
        rows = rec.close()
        by_person.restore()
        write_terms(tree.orgs)
        rows.update(build_forms(Y[1]))  # 一表通: three forms answered by the platform since 2020
        progress.advance(10)

        progress.step(_("指标事实"))
        changes.record(everything=True)  # the demo writes tables in bulk: every derived row is built again
        seconds = time.monotonic() - started
        # The demo city tells of 2020–21: its "today" is the last day of the year it reproduces (core.dates.today).
        store_today(Y[1])
        DemoRun.objects.create(scale=scale_name, seed=seed, seconds=round(seconds, 1), organizations=len(orgs),
                               persons=len(people.people))
    progress.finish(_("完成"))
    rows.update({"orgs.organization": len(orgs), "people.person": len(people.people)})
    return Result(scale_name, seconds, len(orgs), len(people.people), rows)


def write_terms(orgs) -> None:
    """The current term of every organization: its latest election, planned with the records."""
    rows = [(o.term[0], o.term[1], o.id) for o in orgs if o.term]
    Organization.objects.bulk_update(
        [Organization(id=pk, term_started_on=day, term_years=years) for day, years, pk in rows],
        ["term_started_on", "term_years"], batch_size=2000)


class _Scaled:
    """Maps `total` units of a stage onto `share` percent of the overall bar."""

    def __init__(self, progress: Progress, share: float, total: int):
        self.progress = progress
        self.share = share
        self.total = max(total, 1)
        self.given = 0.0

    def advance(self, units: int) -> None:
        amount = min(self.share - self.given, self.share * units / self.total)
        self.given += amount
        self.progress.advance(amount)

    def complete(self) -> None:
        self.progress.advance(self.share - self.given)
        self.given = self.share
