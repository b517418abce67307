"""The write half of an import: applies a validated plan inside the caller's transaction.

Everything is written with bulk_create / bulk_update in batches; no query per row. History rows
(organizational relations, cadre levels, coverage, finding events, elections) are appended the
way the apps' own actions append them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from qingfeng.core import changes
from qingfeng.core import sheets as S
from qingfeng.core.entries import log_entries
from qingfeng.core.idnumbers import id_birth_date, id_gender
from qingfeng.imports.bulk import Table
from qingfeng.imports.engine import BATCH, Importer, _chunks, record_for

IMPORT = "import"
# Foreign keys written as codes in the sheets: lookup prefix → map kind.
FK_MAPS = {"org": "org", "person": "person", "type": "type", "lecture_team": "team", "activity": "activity",
           "team": "team", "finding": "finding", "case": "case", "contact_1": "person", "introducer_1": "person",
           "introducer_2": "person"}
CODE_MAPS = {"activities.Activity": "activity", "activities.LectureTeam": "team", "supervision.Finding": "finding",
             "discipline.Case": "case"}


class _Remaining:
    """A plan whose creates are already written; its updates still to do."""

    def __init__(self, plan):
        self.sheet, self.present, self.update, self.create = plan.sheet, plan.present, plan.update, []


def entries_table(now) -> Table:
    """core.Entry rows written as tuples for the large sheets; the same fields core.entries.log_entries
    writes (that function builds model instances, too slow for hundreds of thousands of rows)."""
    from qingfeng.core.models import Entry

    return Table(Entry, ["org_id", "at", "model", "object_id", "channel", "user_id"], now=now)


class Writer:
    def __init__(self, importer: Importer):
        self.imp = importer
        self.user = importer.user
        self.today = importer.today
        self.now = timezone.now()
        self.total = sum(len(p.create) + len(p.update) for p in importer.plans.values()) or 1
        self.done = 0
        self.maps = importer.maps
        self.maps["org"] = {code: ref.pk for code, ref in importer.orgs.items() if ref.pk}
        self.maps["person"] = {number: ref.pk for number, ref in importer.people.items()}
        # What the import changed, announced in finish() so the facts refresh only these (issue 15).
        self.touched_orgs: set[int] = set()
        self.touched_people: set[int] = set()
        self.attended_activities: set[int] = set()
        self.touched_teams: set[int] = set()
        self.user_id = self.user.pk if getattr(self.user, "is_authenticated", False) else None

    def step(self, label: str, n: int) -> tuple[str, int, int]:
        self.done += n
        return label, min(self.done, self.total), self.total

    def steps(self):
        """Write everything, yielding (sheet, rows done, rows in total) after each batch."""
        plans = self.imp.plans
        if "党组织" in plans:
            yield from self.write_orgs(plans["党组织"])
        yield from self.write_elections()
        if "党员" in plans:
            yield from self.write_members(plans["党员"])
        self.write_new_people()
        for sheet in S.all_sheets():
            if sheet.name in plans and record_for(sheet) is not None:
                yield from self.write_records(plans[sheet.name])
        self.finish()

    # ---- organizations ---------------------------------------------------------------

    def write_orgs(self, plan) -> None:
        from qingfeng.orgs.actions import save_organization
        from qingfeng.orgs.models import Organization

        ix = plan.sheet.index
        fields = {"组织名称": "name", "组织类别": "kind", "单位类型": "sector", "层级": "level", "行政区划代码": "division_code",
                  "成立日期": "established_on", "撤销日期": "dissolved_on"}
        by_depth = defaultdict(list)
        for v in plan.create:
            ref = self.imp.orgs[v[ix["组织编码"]]]
            by_depth[ref.path.count("/")].append(v)
        created = []
        for depth in sorted(by_depth):
            objs = []
            for v in by_depth[depth]:
                code = v[ix["组织编码"]]
                path = self.imp.orgs[code].path
                parent_code = v[ix["上级组织编码"]] if "上级组织编码" in plan.present else None
                org = Organization(code=code, path=path, depth=path.count("/") - 2,
                                   parent_id=self.maps["org"][parent_code] if parent_code else None)
                for header, attr in fields.items():
                    if header in plan.present:
                        setattr(org, attr, v[ix[header]])
                objs.append(org)
            Organization.objects.bulk_create(objs, batch_size=BATCH)
            for org in objs:
                self.maps["org"][org.code] = org.pk
                self.imp.orgs[org.code].pk = org.pk
            created += objs
            self.touched_orgs.update(org.pk for org in objs)
            yield self.step("党组织", len(objs))
        log_entries(created, IMPORT, self.user, org_attr="pk", at=self.now)
        if plan.update:
            pks = [pk for _v, pk, _c in plan.update]
            self.touched_orgs.update(pks)
            current = Organization.objects.in_bulk(pks)
            plain = []
            for v, pk, changed in plan.update:
                org = current[pk]
                for header, attr in fields.items():
                    if header in changed:
                        setattr(org, attr, v[ix[header]])
                if "上级组织编码" in changed:
                    org.parent_id = self.maps["org"][v[ix["上级组织编码"]]]
                    org.parent = Organization.objects.get(pk=org.parent_id)
                    save_organization(org)  # moving rewrites the subtree's paths, rare enough to do one by one
                else:
                    plain.append(org)
            Organization.objects.bulk_update(plain, list(fields.values()), batch_size=BATCH)
            yield self.step("党组织", len(plan.update))

    def write_elections(self) -> None:
        """换届 rows and the 党组织 sheet's 本届选举日期 (record_election semantics: the latest is the current term)."""
        from qingfeng.orgs.models import Election, Organization

        wanted: dict[tuple[str, dt.date], int] = {}
        for code, day, years in getattr(self.imp, "term_rows", []):
            wanted[(code, day)] = years
        plan = self.imp.plans.get("换届")
        if plan:
            ix = plan.sheet.index
            for v in plan.create + [u[0] for u in plan.update]:
                wanted[(v[ix["组织编码"]], v[ix["选举日期"]])] = v[ix["任期年限"]]
        if not wanted:
            return
            yield
        org_ids = {self.maps["org"][code] for code, _d in wanted}
        self.touched_orgs.update(org_ids)
        existing = {}
        for chunk in _chunks(sorted(org_ids)):
            for e in Election.objects.filter(org_id__in=chunk):
                existing[(e.org_id, e.held_on)] = e
        new, changed = [], []
        for (code, day), years in wanted.items():
            org_id = self.maps["org"][code]
            e = existing.get((org_id, day))
            if e is None:
                e = Election(org_id=org_id, held_on=day, term_years=years)
                new.append(e)
                existing[(org_id, day)] = e
            elif e.term_years != years:
                e.term_years = years
                changed.append(e)
        Election.objects.bulk_create(new, batch_size=BATCH)
        Election.objects.bulk_update(changed, ["term_years"], batch_size=BATCH)
        log_entries(new, IMPORT, self.user, at=self.now)
        latest: dict[int, Election] = {}
        for e in existing.values():
            if e.org_id not in latest or e.held_on > latest[e.org_id].held_on:
                latest[e.org_id] = e
        orgs = Organization.objects.in_bulk(list(org_ids))
        stale = []
        for org_id, e in latest.items():
            org = orgs[org_id]
            if (org.term_started_on, org.term_years) != (e.held_on, e.term_years):
                org.term_started_on, org.term_years = e.held_on, e.term_years
                stale.append(org)
        Organization.objects.bulk_update(stale, ["term_started_on", "term_years"], batch_size=BATCH)
        if plan:
            yield self.step("换届", len(plan.create) + len(plan.update))

    # ---- people ------------------------------------------------------------------------

    def write_members(self, plan) -> None:
        from qingfeng.people.models import CadreLevelRecord, EndReason, Person, Relation, RelationVia

        ix = plan.sheet.index
        attrs = {"姓名": "name", "性别": "gender", "出生日期": "birth_date", "民族": "ethnicity", "学历": "education",
                 "党员类别": "category", "入党日期": "admitted_on", "转正日期": "full_on", "干部管理层级": "cadre_level",
                 "职务": "post", "手机号码": "phone"}
        present = [(ix[h], a) for h, a in attrs.items() if h in plan.present or h == "出生日期"]
        i_number, i_org, i_admitted = ix["公民身份号码"], ix["所在党组织编码"], ix["入党日期"]
        orgs = self.imp.orgs
        # New members: the person, the initial relation (via 导入, from 入党日期 or the organization's 成立日期
        # if later), the cadre level (held since before any period) and the burden entry — as tuples.
        given = [a for _i, a in present]
        people_table = Table(Person, ["id_number", "org_id", "admitting_org_id", "created_at", "updated_at", *given])
        relation_table = Table(Relation, ["person_id", "org_id", "start_on", "via", "created_at"])
        level_table = Table(CadreLevelRecord, ["person_id", "level", "since", "created_at"])
        entry_table = entries_table(self.now)
        i_level = present.index((ix["干部管理层级"], "cadre_level")) if (ix["干部管理层级"], "cadre_level") in present else None
        now, user_id, label = self.now, self.user_id, Person._meta.label_lower
        org_map = self.maps["org"]
        person_map = self.maps["person"]
        starts = {code: ref.established_on for code, ref in orgs.items()}
        for chunk in _chunks(plan.create):
            rows, links = [], []
            for v in chunk:
                org_id = org_map[v[i_org]]
                values = [v[i] for i, _a in present]
                if i_level is not None and not values[i_level]:
                    values[i_level] = "无"
                rows.append((v[i_number], org_id, org_id, now, now, *values))
                established = starts[v[i_org]]
                admitted = v[i_admitted]
                links.append((org_id, admitted if established is None or admitted >= established else established,
                              values[i_level] if i_level is not None else "无"))
            pks = people_table.insert(rows)
            relation_table.insert([(pk, org_id, start, RelationVia.IMPORT, now) for pk, (org_id, start, _l) in zip(pks, links, strict=True)])
            level_table.insert([(pk, level, None, now) for pk, (_o, _s, level) in zip(pks, links, strict=True)])
            entry_table.insert([(org_id, now, label, pk, IMPORT, user_id) for pk, (org_id, _s, _l) in zip(pks, links, strict=True)])
            for pk, row in zip(pks, rows, strict=True):
                person_map[row[0]] = pk
            self.touched_people.update(pks)
            self.touched_orgs.update(link[0] for link in links)
            yield self.step("党员", len(chunk))
        for chunk in _chunks(plan.update):
            current = Person.objects.in_bulk([pk for _v, pk, _c in chunk])
            open_relations = {}
            for r in Relation.objects.filter(person_id__in=list(current), end_on__isnull=True).order_by("start_on", "id"):
                open_relations[r.person_id] = r
            people, closed, relations, levels = [], [], [], []
            self.touched_people.update(current)
            for v, pk, _changed in chunk:
                p = current[pk]
                old_level = p.cadre_level
                for i, attr in present:
                    setattr(p, attr, v[i])
                p.cadre_level = p.cadre_level or "无"
                p.updated_at = self.now
                org_id = self.maps["org"][v[i_org]]
                if p.org_id != org_id:
                    # A change of organization is a transfer (组织关系转接) dated the day of the import.
                    current_rel = open_relations.get(pk)
                    if current_rel is None:
                        established = orgs[v[i_org]].established_on
                        start = max(v[i_admitted], established) if established else v[i_admitted]
                        relations.append(Relation(person_id=pk, org_id=org_id, start_on=start, via=RelationVia.IMPORT,
                                                  created_at=self.now))
                    else:
                        current_rel.end_on, current_rel.end_reason = self.today, EndReason.TRANSFER
                        closed.append(current_rel)
                        relations.append(Relation(person_id=pk, org_id=org_id, start_on=self.today, via=RelationVia.TRANSFER,
                                                  from_org_id=current_rel.org_id, note="导入", created_at=self.now))
                    self.touched_orgs.update(x for x in (p.org_id, org_id) if x)
                    p.org_id = org_id
                if p.admitting_org_id is None:
                    p.admitting_org_id = org_id
                if p.cadre_level != old_level:
                    levels.append(CadreLevelRecord(person_id=pk, level=p.cadre_level, since=self.today, created_at=self.now))
                people.append(p)
                self.touched_orgs.add(org_id)
            Person.objects.bulk_update(people, [a for _i, a in present] + ["org", "admitting_org", "updated_at"],
                                       batch_size=BATCH)
            Relation.objects.bulk_update(closed, ["end_on", "end_reason"], batch_size=BATCH)
            Relation.objects.bulk_create(relations, batch_size=BATCH)
            CadreLevelRecord.objects.bulk_create(levels, batch_size=BATCH)
            yield self.step("党员", len(chunk))

    def write_new_people(self) -> None:
        """Lecturers, dispatched cadres and parties to decisions who are not (yet) known: persons without membership."""
        from qingfeng.people.models import Person

        people = [Person(id_number=number, name=name, gender=id_gender(number), birth_date=id_birth_date(number),
                         created_at=self.now, updated_at=self.now)
                  for number, (name, _sheet) in self.imp.new_people.items() if number not in self.maps["person"]]
        Person.objects.bulk_create(people, batch_size=BATCH)
        for p in people:
            self.maps["person"][p.id_number] = p.pk

    # ---- the other sheets --------------------------------------------------------------

    def resolve(self, lookup: str, value):
        """(model attribute, stored value) for one logical lookup."""
        if "__" not in lookup:
            return lookup, value
        fk = lookup.split("__", 1)[0]
        if value is None or value == "":
            return fk + "_id", None
        return fk + "_id", self.maps[FK_MAPS[fk]][value]

    def write_records(self, plan) -> None:
        spec = record_for(plan.sheet)
        model = spec.model()
        ix = plan.sheet.index
        names = {f.name for f in model._meta.get_fields()}
        columns = [(ix[h], lookup) for h, lookup in spec.lookups.items() if h in plan.present]
        code_map = CODE_MAPS.get(spec.label)
        if spec.label == "activities.Attendance":
            # Attendance is the largest ledger (millions of rows a year in a city): tuples, not instances.
            table = Table(model, [self.resolve(lookup, None)[0] for _i, lookup in columns])
            resolvers = [(i, lookup.split("__", 1)[0], FK_MAPS.get(lookup.split("__", 1)[0])) for i, lookup in columns]
            maps = self.maps
            for chunk in _chunks(plan.create):
                values = [tuple(maps[kind][v[i]] if kind else v[i] for i, _fk, kind in resolvers) for v in chunk]
                table.insert(values)
                self.touch_refs(resolvers, values)
                yield self.step(plan.sheet.name, len(chunk))
            plan = _Remaining(plan)
        for chunk in _chunks(plan.create):
            objs = []
            for v in chunk:
                obj = model()
                for i, lookup in columns:
                    attr, value = self.resolve(lookup, v[i])
                    setattr(obj, attr, value)
                if "entered_via" in names:
                    obj.entered_via = IMPORT
                if "created_by" in names:
                    obj.created_by_id = self.user.pk
                self.before_create(plan, obj, v)
                objs.append(obj)
            model.objects.bulk_create(objs, batch_size=BATCH)
            if code_map:
                for obj in objs:
                    self.maps[code_map][obj.code] = obj.pk
            self.after_create(plan, objs, chunk)
            self.touch_objects(objs)
            if "org" in names:
                log_entries(objs, IMPORT, self.user, at=self.now)
                self.touched_orgs.update(o.org_id for o in objs)
            yield self.step(plan.sheet.name, len(chunk))
        if not plan.update:
            return
        attrs = sorted({self.resolve(lookup, None)[0] for h, lookup in spec.lookups.items()
                        if h in plan.present and h not in plan.sheet.key})
        for chunk in _chunks(plan.update):
            current = model.objects.in_bulk([pk for _v, pk, _c in chunk])
            objs = []
            for v, pk, _changed in chunk:
                obj = current[pk]
                for i, lookup in columns:
                    attr, value = self.resolve(lookup, v[i])
                    setattr(obj, attr, value)
                if "updated_at" in names:
                    obj.updated_at = self.now
                objs.append(obj)
            self.before_update(plan, current, chunk)
            extra = [a for a in ("updated_at", "status", "stage") if a in names]
            model.objects.bulk_update(objs, attrs + extra, batch_size=BATCH)
            self.touch_objects(objs)
            if "org" in names:
                self.touched_orgs.update(o.org_id for o in objs)
            yield self.step(plan.sheet.name, len(chunk))

    def touch_refs(self, resolvers, values) -> None:
        """Attendance written as tuples: its persons, and its activities (their organizations, in touch_attended)."""
        for col, (_i, fk, _kind) in enumerate(resolvers):
            if fk == "person":
                self.touched_people.update(v[col] for v in values)
            elif fk == "activity":
                self.attended_activities.update(v[col] for v in values)

    def touch_objects(self, objs) -> None:
        """Persons named by records (their organizations' member-derived facts), and owners reached through a
        team or an activity."""
        for o in objs:
            for attr in ("person_id", "contact_1_id", "introducer_1_id", "introducer_2_id"):
                pk = getattr(o, attr, None)
                if pk:
                    self.touched_people.add(pk)
            if getattr(o, "activity_id", None):
                self.attended_activities.add(o.activity_id)
            if getattr(o, "team_id", None):
                self.touched_teams.add(o.team_id)

    def touch_attended(self) -> None:
        from qingfeng.activities.models import Activity, LectureTeam

        for chunk in _chunks(sorted(self.attended_activities)):
            self.touched_orgs.update(Activity.objects.filter(pk__in=chunk).values_list("org_id", flat=True))
        for chunk in _chunks(sorted(self.touched_teams)):
            self.touched_orgs.update(LectureTeam.objects.filter(pk__in=chunk).values_list("org_id", flat=True))

    def before_create(self, plan, obj, v) -> None:
        if plan.sheet.name == "发展党员":
            from qingfeng.membership.models import stage_from_dates

            obj.stage = stage_from_dates(obj)
        elif plan.sheet.name == "问题整改":
            from qingfeng.supervision.models import FindingStatus

            obj.status = FindingStatus.CLOSED if obj.closed_on else FindingStatus.RECTIFYING
        elif plan.sheet.name == "两新组织" and not obj.coverage:
            obj.coverage = "未覆盖"

    def after_create(self, plan, objs, chunk) -> None:
        name = plan.sheet.name
        if name == "问题整改":
            from qingfeng.supervision.models import FindingEvent

            FindingEvent.objects.bulk_create([FindingEvent(finding_id=o.pk, actor_id=self.user.pk, to_status=o.status,
                                                           note="导入") for o in objs], batch_size=BATCH)
        elif name == "两新组织":
            from qingfeng.entities.models import CoverageChange

            ix = plan.sheet.index
            i_since = ix["覆盖日期"]
            CoverageChange.objects.bulk_create([
                CoverageChange(entity_id=o.pk, mode=o.coverage, since=v[i_since]) for o, v in zip(objs, chunk, strict=True)
                if o.coverage != "未覆盖"], batch_size=BATCH)

    def before_update(self, plan, current, chunk) -> None:
        name = plan.sheet.name
        if name == "发展党员":
            from qingfeng.membership.models import stage_from_dates

            for obj in current.values():
                obj.stage = stage_from_dates(obj)
        if name == "问题整改":
            from qingfeng.supervision.models import Finding, FindingEvent, FindingStatus

            old = dict(Finding.objects.filter(pk__in=list(current)).values_list("id", "status"))
            events = []
            for obj in current.values():
                status = old[obj.pk]
                if obj.closed_on and status != FindingStatus.CLOSED:
                    obj.status = FindingStatus.CLOSED
                elif not obj.closed_on and status == FindingStatus.CLOSED:
                    obj.status = FindingStatus.RECTIFYING
                if obj.status != status:
                    events.append(FindingEvent(finding_id=obj.pk, actor_id=self.user.pk, from_status=status,
                                               to_status=obj.status, note="导入"))
            FindingEvent.objects.bulk_create(events, batch_size=BATCH)
        elif name == "两新组织":
            from qingfeng.entities.models import CoverageChange, Entity

            ix = plan.sheet.index
            old = dict(Entity.objects.filter(pk__in=list(current)).values_list("id", "coverage"))
            since = self.imp.coverage_since(list(current))
            history = []
            for v, pk, changed in chunk:
                mode = v[ix["覆盖方式"]] if "覆盖方式" in plan.present else old[pk]
                day = v[ix["覆盖日期"]] if "覆盖日期" in plan.present else since.get(pk)
                if "覆盖方式" in changed or "覆盖日期" in changed:
                    # Coverage history is appended: the new mode holds from its date (today when not given).
                    history.append(CoverageChange(entity_id=pk, mode=mode, since=day or (
                        None if pk not in since and mode != "未覆盖" else self.today)))
            CoverageChange.objects.bulk_create(history, batch_size=BATCH)

    # ---- the end ------------------------------------------------------------------------

    def finish(self) -> None:
        from qingfeng.audit.models import AuditAction, record

        self.touch_attended()
        # Only what the file changed: the same incremental refresh a page write takes, in this transaction.
        changes.record(orgs=self.touched_orgs, people=self.touched_people)
        summary = "；".join(f"{name} 新增{c['create']} 更新{c['update']} 未变{c['unchanged']}"
                           for name, c in self.imp.summary().items())
        record(self.user, AuditAction.IMPORT, model="imports", summary=summary[:300],
               after={name: c for name, c in self.imp.summary().items()})
