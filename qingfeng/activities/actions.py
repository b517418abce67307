"""Writes of activities, attendance and lecture teams: validate, write, keep history, log the
burden entries and refresh the facts — all in one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from types import EllipsisType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.activities.models import (
    Activity,
    ActivityRole,
    ActivityType,
    Attendance,
    Channel,
    Lecturer,
    LectureTeam,
    Presence,
)
from qingfeng.audit.models import AuditAction
from qingfeng.core import changes, dates
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import audit, diff, ledger_action
from qingfeng.files.actions import attach_files
from qingfeng.files.models import FileKind
from qingfeng.orgs.models import Organization, PartyGroup
from qingfeng.people.models import Person, Relation


def candidate_ids(org: Organization, day: dt.date) -> set[int]:
    """The members who can be ticked for a meeting of `org` on `day`: those whose relation held there that day, and
    its current members (a member who joined yesterday still attends today). Two indexed reads, not one OR over
    both: PostgreSQL answers "org = … OR id IN (…)" by a scan of every person of the city (164 ms on the demo city,
    against under a millisecond; a meeting's page and its save both ask)."""
    ids = set(Relation.objects.filter(org=org).holding_on(day).values_list("person_id", flat=True))
    return ids | set(Person.objects.filter(org=org, admitted_on__isnull=False).values_list("pk", flat=True))


def attendance_candidates(org: Organization, day: dt.date):
    """candidate_ids as persons, by name."""
    return Person.objects.filter(pk__in=sorted(candidate_ids(org, day))).order_by("name", "id")


def new_code(prefix: str, day: dt.date, model) -> str:
    while True:
        code = f"{prefix}{day:%Y%m%d}-{secrets.token_hex(3).upper()}"
        if not model.objects.filter(code=code).exists():
            return code


def type_problems(user, type_: ActivityType, *, first_topic: bool, lecture_team: bool) -> dict[str, list[str]]:
    """What an activity's type decides, by its role (names are editable data): who may record it, whether it
    studies the 第一议题, whether a lecture team gave it. One rule for pages, the API and the 活动 import sheet."""
    errors: dict[str, list[str]] = {}
    if type_.is_restricted and not user.sees_discipline:
        errors["type"] = [_("您无权记录此类活动。")]
    if first_topic and type_.role != ActivityRole.FIRST_TOPIC:
        errors["first_topic"] = [_("“第一议题”只用于党委(党组)会议。")]
    if lecture_team and type_.role != ActivityRole.LECTURE:
        errors["lecture_team"] = [_("宣讲小分队只用于宣讲活动。")]
    return errors


def _check_fields(user, org: Organization, type_: ActivityType, day: dt.date, audience, first_topic: bool,
                  lecture_team: LectureTeam | None) -> None:
    errors = type_problems(user, type_, first_topic=first_topic, lecture_team=lecture_team is not None)
    if day > dates.today():
        errors.setdefault("date", []).append(_("活动日期不能晚于今天。"))
    elif not org.is_active_on(day):
        errors.setdefault("date", []).append(_("该组织在这一天尚未成立或已撤销。"))
    if lecture_team is not None and "lecture_team" not in errors:
        if (lecture_team.established_on and lecture_team.established_on > day) or (
                lecture_team.dissolved_on and lecture_team.dissolved_on <= day):
            errors.setdefault("lecture_team", []).append(_("该宣讲小分队在活动日期不在存续期内。"))
    if audience is not None:
        if not type_.needs_audience:
            errors.setdefault("audience", []).append(_("只有宣讲、警示教育等活动记录受众人数。"))
        elif audience < 0:
            errors.setdefault("audience", []).append(_("受众人数不能为负数。"))
    if errors:
        raise ValidationError(errors)


def foreign_group_message(org: Organization) -> str:
    return _("所选党小组不是%(org)s的党小组。") % {"org": org.name}


def group_problems(org: Organization, type_: ActivityType, group: PartyGroup | None, day: dt.date) -> dict[str, list[str]]:
    """A 党小组会 records the 党小组 that met: one of the organization's groups, existing on the meeting's day; no
    other type records a group."""
    if group is None:
        return {}
    if type_.role != ActivityRole.PARTY_GROUP:
        return {"party_group": [_("只有党小组会记录党小组。")]}
    if group.org_id != org.pk:
        return {"party_group": [foreign_group_message(org)]}
    if not group.existed_on(day):
        if group.established_on > day:
            return {"party_group": [_("%(name)s 成立于 %(date)s，晚于活动日期。") % {
                "name": group.name, "date": group.established_on.isoformat()}]}
        return {"party_group": [_("%(name)s 已于 %(date)s 撤销，早于活动日期。") % {
            "name": group.name, "date": group.dissolved_on.isoformat() if group.dissolved_on else ""}]}
    return {}


def _check_presence(org: Organization, day: dt.date, presence: dict[int, str], extra_ids=()) -> dict[int, str]:
    allowed = candidate_ids(org, day) | set(extra_ids)
    unknown = [pk for pk in presence if pk not in allowed]
    if unknown:
        raise ValidationError({"attendance": [_("参加人员中有 %(n)d 人不是该组织的党员。") % {"n": len(unknown)}]})
    bad = [v for v in presence.values() if v not in Presence.values]
    if bad:
        raise ValidationError({"attendance": [_("出席情况只能是出席、请假或缺席。")]})
    return presence


# What recording or changing an activity writes (the facts recompute only what reads these: metrics.scope).
WRITES = (Activity, Attendance, "files.attachment")


@ledger_action
def record_activity(*, user, org: Organization, type: ActivityType, date: dt.date, topic: str,  # noqa: A002
                    channel: str = Channel.OFFLINE, audience: int | None = None, first_topic: bool = False,
                    lecture_team: LectureTeam | None = None, minutes: str = "", presence: dict[int, str] | None = None,
                    files=(), file_kind: str = FileKind.MINUTES, via: str = "page", campaign: str = "",
                    party_group: PartyGroup | None = None) -> Activity:
    """Record one activity with its attendance (person id → 出席/请假/缺席); a 党小组会 with the group that met."""
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": [_("请填写活动主题。")]})
    campaign = clean_campaign(campaign)
    _check_fields(user, org, type, date, audience, first_topic, lecture_team)
    if problems := group_problems(org, type, party_group, date):
        raise ValidationError(problems)
    presence = _check_presence(org, date, presence or {})
    activity = Activity.objects.create(
        code=new_code("HD", date, Activity), type=type, org=org, date=date, topic=topic[:300], channel=channel,
        audience=audience, first_topic=first_topic, lecture_team=lecture_team, minutes=minutes or "",
        campaign=campaign, party_group=party_group, entered_via=via, created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    rows = Attendance.objects.bulk_create(
        [Attendance(activity=activity, person_id=pk, presence=value) for pk, value in presence.items()])
    # The activity's and its attendance's burden entries belong to the organizing organization.
    log_entries([activity, *rows], via, user=user, org_id=org.pk)
    attach_files(activity, files, user=user, kind=file_kind)
    if presence:
        _log_attendance(user, activity, before=None, after=_presence_counts(presence))
    changes.record(orgs=[org.pk], days=[date], ledgers=WRITES)
    # attendance counts for each member's own lapse facts (members.lapsed), owned by their organizations
    changes.record(people=[pk for pk, value in presence.items() if value == Presence.PRESENT], days=[date],
                   ledgers=WRITES)
    return activity


def clean_campaign(campaign: str | None) -> str:
    """A 专题 as stored: stripped, at most 50 characters, no "/" (it names the campaign's page)."""
    campaign = " ".join((campaign or "").split())
    if len(campaign) > 50:
        raise ValidationError({"campaign": [_("专题不能超过 50 个字符。")]})
    if "/" in campaign:
        raise ValidationError({"campaign": [_("专题不能含“/”。")]})
    return campaign


def _log_attendance(user, activity: Activity, before, after) -> None:
    """Attendance is written in bulk (no save signals): one audit row on the activity says what changed."""
    audit(user, AuditAction.UPDATE, activity, summary=_("参加人员：出席 %(p)d，请假 %(l)d，缺席 %(a)d") % {
        "p": after[Presence.PRESENT], "l": after[Presence.LEAVE], "a": after[Presence.ABSENT]},
        before=before, after={"attendance": after})


def _presence_counts(presence: dict[int, str]) -> dict[str, int]:
    counts = {value: 0 for value in Presence.values}
    for value in presence.values():
        counts[value] += 1
    return counts


@ledger_action
def update_activity(activity: Activity, *, user, date: dt.date, topic: str, channel: str, audience: int | None,
                    first_topic: bool, lecture_team: LectureTeam | None, minutes: str,
                    presence: dict[int, str] | None = None, type: ActivityType | None = None,  # noqa: A002
                    files=(), campaign: str | None = None,
                    party_group: PartyGroup | None | EllipsisType = ...) -> Activity:
    """Change an activity (and its attendance, when given); `campaign` None keeps its 专题, `party_group` ... keeps
    its 党小组 (dropped when the activity is no longer a 党小组会)."""
    activity = Activity.objects.select_for_update().select_related("org", "type").get(pk=activity.pk)
    type_ = type or activity.type
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": [_("请填写活动主题。")]})
    campaign = activity.campaign if campaign is None else clean_campaign(campaign)
    if party_group is ...:
        party_group = activity.party_group if type_.role == ActivityRole.PARTY_GROUP else None
    _check_fields(user, activity.org, type_, date, audience, first_topic, lecture_team)
    if problems := group_problems(activity.org, type_, party_group, date):
        raise ValidationError(problems)
    old_date = activity.date
    before, _after = diff(activity, {"type": type_, "date": date, "topic": topic[:300], "channel": channel,
                                     "audience": audience, "first_topic": first_topic, "lecture_team": lecture_team,
                                     "minutes": minutes or "", "campaign": campaign, "party_group": party_group})
    attendance_changed = False
    attended_changed: set[int] = set()  # members whose attended (出席) months may have changed
    if presence is not None:
        existing = {a.person_id: a for a in activity.attendance.all()}
        old = {pk: a.presence for pk, a in existing.items()}
        presence = _check_presence(activity.org, date, presence, extra_ids=existing.keys())
        changed, created = [], []
        for pk, value in presence.items():
            if old.get(pk) != value and Presence.PRESENT in (old.get(pk), value):
                attended_changed.add(pk)
            row = existing.get(pk)
            if row is None:
                created.append(Attendance(activity=activity, person_id=pk, presence=value))
            elif row.presence != value:
                row.presence = value
                changed.append(row)
        Attendance.objects.bulk_update(changed, ["presence"])
        created = Attendance.objects.bulk_create(created)
        log_entries(created, "page", user=user, org_id=activity.org_id)
        if changed or created:
            attendance_changed = True
            _log_attendance(user, activity, before={"attendance": _presence_counts(old)},
                            after=_presence_counts({**old, **presence}))
    attach_files(activity, files, user=user, kind=FileKind.MINUTES)
    if not before and not attendance_changed:
        return activity
    if before:
        activity.save()
    changes.record(orgs=[activity.org_id], days=[old_date, date], ledgers=WRITES)
    if (old_date.year, old_date.month) != (date.year, date.month):
        attended_changed |= set(activity.attendance.filter(presence=Presence.PRESENT).values_list("person_id", flat=True))
    changes.record(people=attended_changed, days=[old_date, date], ledgers=WRITES)
    return activity


# ---- lecture teams (宣讲小分队) ----------------------------------------------------------------

@ledger_action
def create_lecture_team(*, user, org: Organization, code: str, name: str, established_on: dt.date | None) -> LectureTeam:
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationError(_("请填写小分队编码和名称。"))
    if LectureTeam.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("小分队编码“%(code)s”已被使用。") % {"code": code}]})
    if established_on and established_on > dates.today():
        raise ValidationError({"established_on": [_("成立日期不能晚于今天。")]})
    team = LectureTeam.objects.create(code=code, name=name, org=org, established_on=established_on)
    log_entries([team], "page", user=user)
    changes.record(orgs=[org.pk], days=[established_on or dates.today()], ledgers=(LectureTeam,))
    return team


@ledger_action
def dissolve_lecture_team(team: LectureTeam, *, user, on: dt.date) -> LectureTeam:
    if team.dissolved_on:
        raise ValidationError(_("该小分队已于 %(date)s 撤销。") % {"date": team.dissolved_on})
    if team.established_on and on <= team.established_on:
        raise ValidationError({"on": [_("撤销日期必须晚于成立日期。")]})
    diff(team, {"dissolved_on": on})
    team.save(update_fields=["dissolved_on"])
    changes.record(orgs=[team.org_id], days=[on], ledgers=(LectureTeam,))
    return team


@ledger_action
def add_lecturer(team: LectureTeam, *, user, person: Person, joined_on: dt.date | None) -> Lecturer:
    if team.dissolved_on:
        raise ValidationError(_("该小分队已撤销，不能再加入宣讲员。"))
    existing = Lecturer.objects.filter(team=team, person=person).first()
    if existing and existing.left_on is None:
        raise ValidationError(_("%(name)s 已在该小分队的宣讲员名单中。") % {"name": person.name})
    if existing:
        # One roster row per person and team: rejoining reopens it, with the history in the audit log.
        diff(existing, {"joined_on": joined_on, "left_on": None})
        existing.save(update_fields=["joined_on", "left_on"])
        lecturer = existing
    else:
        lecturer = Lecturer.objects.create(team=team, person=person, joined_on=joined_on)
        log_entries([lecturer], "page", user=user, org_id=team.org_id)
    changes.record(orgs=[team.org_id], days=[joined_on or dates.today()], ledgers=(Lecturer,))
    return lecturer


@ledger_action
def remove_lecturer(lecturer: Lecturer, *, user, on: dt.date) -> Lecturer:
    if lecturer.left_on:
        raise ValidationError(_("该宣讲员已于 %(date)s 退出。") % {"date": lecturer.left_on})
    if lecturer.joined_on and on <= lecturer.joined_on:
        raise ValidationError(_("退出日期必须晚于加入日期。"))
    lecturer.left_on = on
    lecturer.save(update_fields=["left_on"])
    changes.record(orgs=[lecturer.team.org_id], days=[on], ledgers=(Lecturer,))
    return lecturer
