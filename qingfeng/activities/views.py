"""Activity pages: the list, recording a meeting with attendance, its page, the branch calendar,
and the lecture teams. One function view per user action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qingfeng.accounts import access
from qingfeng.activities import actions
from qingfeng.activities.access import (
    WRITERS_ACTIVITIES,
    get_activity_for_user,
    get_lecture_team_for_user,
    get_lecturer_for_user,
    visible_activities,
    visible_lecture_teams,
)
from qingfeng.activities.compliance import branch_calendar, subtree_summary
from qingfeng.activities.forms import (
    ActivityFilter,
    ActivityForm,
    AttachForm,
    DateForm,
    LecturerForm,
    LectureTeamForm,
)
from qingfeng.activities.models import ActivityRole, ActivityType, Attendance, Presence
from qingfeng.core import dates
from qingfeng.core.ledger import (
    Cell,
    Column,
    Listing,
    add_errors,
    form_page,
    history_of,
    list_page,
    person_by_id,
    within_code,
    writable_org,
)
from qingfeng.files.actions import attach_files
from qingfeng.files.models import POLITICAL_DOCUMENTS, Attachment, FileKind


@login_required
def activity_list(request):
    qs = visible_activities(request.user).select_related("org", "type").order_by("-date", "-id")
    form = ActivityFilter(request.GET or None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(topic__icontains=data["q"].strip())
        if data["type"]:
            qs = qs.filter(type=data["type"])
        if data["start"]:
            qs = qs.filter(date__gte=data["start"])
        if data["end"]:
            qs = qs.filter(date__lte=data["end"])
        if data["channel"]:
            qs = qs.filter(channel=data["channel"])
        if data["campaign"]:
            qs = qs.filter(campaign=data["campaign"].strip())
        qs = within_code(qs, request.user, data["org"])
    can_write = access.can_write(request.user, WRITERS_ACTIVITIES)
    extra_actions = [(_("专题"), reverse("activities:campaigns")), (_("宣讲小分队"), reverse("activities:teams"))]
    if request.user.org_id:
        extra_actions.insert(0, (_("组织生活日历"), reverse("activities:calendar", args=[request.user.org.code])))
    listing = Listing(
        title=_("活动"),
        columns=[Column(_("日期")), Column(_("活动类型")), Column(_("主题"), phone="title"), Column(_("组织")),
                 Column(_("出席"), "text-end")],
        row=lambda a: [a.date.isoformat(), a.type.label,
                       Cell(a.topic, url=reverse("activities:detail", args=[a.code])),
                       a.org.label, Cell(f"{a.present}/{a.listed}" if a.listed else "", css="text-end qf-num")],
        filters=form if form.is_bound else ActivityFilter(user=request.user), sheet="活动",
        create_url=reverse("activities:create") if can_write else "", create_label=_("记录活动"),
        extra_actions=extra_actions, prepare=attendance_counts,
    )
    return list_page(request, qs, listing)


def attendance_counts(activities: list) -> None:
    """出席/名单 for the activities on one page, in one query (counting them for every activity of a city's
    subtree before paginating took seconds)."""
    counts = {pk: (present, listed) for pk, present, listed in Attendance.objects.filter(
        activity__in=activities).order_by().values("activity_id").annotate(
        present=Count("id", filter=Q(presence=Presence.PRESENT)), listed=Count("id")).values_list(
        "activity_id", "present", "listed")}
    for a in activities:
        a.present, a.listed = counts.get(a.pk, (0, 0))


def _presence_from_post(post) -> dict[int, str]:
    """Every listed member (`member`) is 出席 while ticked (`present`), 请假 when marked (`leave`),
    else 缺席."""
    def ids(name):
        out = set()
        for value in post.getlist(name):
            try:
                out.add(int(value))
            except ValueError as exc:
                raise ValidationError({"attendance": [_("参加人员数据有误。")]}) from exc
        return out

    listed, present, leave = ids("member"), ids("present"), ids("leave")
    return {pk: Presence.LEAVE if pk in leave else Presence.PRESENT if pk in present else Presence.ABSENT
            for pk in listed}


TAIL_FIELDS = ("minutes", "files")


def _field_groups(form) -> dict:
    """The fields above the attendance list, and those below it (minutes and files: optional, and
    on a phone they should not push the member list off the screen)."""
    return {"main_fields": [f for f in form.visible_fields() if f.name not in TAIL_FIELDS],
            "tail_fields": [f for f in form.visible_fields() if f.name in TAIL_FIELDS]}


def _member_rows(candidates, presence: dict[int, str] | None, listed: set[int] | None = None,
                 committee: set[int] | frozenset[int] = frozenset(), groups: dict[int, int] | None = None):
    """One row per member who may be ticked; rows not `listed` (None: all) are left out of the meeting (hidden,
    their inputs disabled), so a 支部委员会 records its committee and a 党小组会 its group, and nobody else as
    absent. `groups`: the 党小组 of each member (person → group), for the page script."""
    return [{"person": p, "presence": (presence or {}).get(p.pk, Presence.PRESENT),
             "listed": listed is None or p.pk in listed, "committee": p.pk in committee,
             "group": (groups or {}).get(p.pk)} for p in candidates]


def _committee_of(org, day) -> set[int]:
    """The persons on the organization's committee (支部委员会) on the day."""
    from qingfeng.orgs.models import CommitteeSeat

    if org is None:
        return set()
    return set(CommitteeSeat.objects.filter(org=org).on(day).values_list("person_id", flat=True))


def _types_of(role: str) -> list[int]:
    return list(ActivityType.objects.filter(role=role).values_list("pk", flat=True))


def _groups_of(org, day: dt.date) -> tuple[list, dict[int, int]]:
    """The branch's 党小组 on the meeting's day and the group each of their members was in that day (person →
    group): a member who moved since is offered with the group they met in, a group set up later is not offered."""
    from qingfeng.orgs.models import GroupMembership, PartyGroup

    if org is None:
        return [], {}
    groups = list(PartyGroup.objects.filter(org=org).on(day))
    members = dict(GroupMembership.objects.filter(group__in=groups).on(day).values_list("person_id", "group_id"))
    return groups, members


def _chosen_group(request, org):
    """The 党小组 chosen so far (`group` of the query or the posted form), if it is the organization's; whether it
    existed on the day is for `_attendance_card`."""
    from qingfeng.orgs.models import PartyGroup

    value = (request.POST.get("group") or request.GET.get("group") or "").strip()
    if org is None or not value.isdigit():
        return None
    return PartyGroup.objects.filter(pk=value, org=org).first()


def _posted_group(request, org):
    """The 党小组 a posted 党小组会 records (`group`): one of the organization's, else a reason and nothing written
    (whether a group of another organization exists is not told)."""
    from qingfeng.orgs.models import PartyGroup

    value = (request.POST.get("group") or "").strip()
    if not value:
        return None
    group = PartyGroup.objects.filter(pk=value, org=org).first() if value.isdigit() else None
    if group is None:
        raise ValidationError({"party_group": [actions.foreign_group_message(org)]})
    return group


def _reoffer_on_date(form) -> None:
    """A new meeting's date changes whom it is for (the members, the committee and the groups of that day): the
    attendance card is fetched again for the new date (htmx), with the type and group chosen so far."""
    form.fields["date"].widget.attrs.update({
        "hx-get": reverse("activities:create"), "hx-trigger": "change", "hx-target": "[data-attendance]",
        "hx-swap": "outerHTML", "hx-sync": "this:replace",
        "hx-include": "[data-activity-form] [name=org], [data-activity-form] [name=type], [data-activity-form] [name=group]",
    })


def _audience(type_, committee: set[int], group=None, groups: dict[int, int] | None = None) -> set[int] | None:
    """Who a meeting of this type is for: a 支部委员会 its committee (when one is recorded), a 党小组会 the chosen
    group's members (when it has any), anything else all."""
    if type_ is not None and type_.role == ActivityRole.BRANCH_COMMITTEE and committee:
        return committee
    if type_ is not None and type_.role == ActivityRole.PARTY_GROUP and group is not None:
        members = {pk for pk, g in (groups or {}).items() if g == group.pk}
        return members or None
    return None


def _attendance_card(org, day: dt.date, chosen, presence: dict[int, str] | None, group=None) -> dict:
    """What the attendance card of a new meeting shows for `org` on `day`: the members who may be ticked, and among
    them whom a meeting of the `chosen` type is for (the committee of that day, the members of the chosen 党小组 that
    day, else everyone); `presence` (a posted form) keeps what was ticked."""
    candidates = actions.attendance_candidates(org, day) if org else []
    committee = _committee_of(org, day)
    groups, grouped = _groups_of(org, day)
    group = next((g for g in groups if group is not None and g.pk == group.pk), None)
    listed = set(presence) if presence is not None else _audience(chosen, committee, group, grouped)
    role = getattr(chosen, "role", "")
    return {
        "members": _member_rows(candidates, presence, listed, committee, grouped),
        "committee_types": _types_of(ActivityRole.BRANCH_COMMITTEE), "group_types": _types_of(ActivityRole.PARTY_GROUP),
        "party_groups": groups, "chosen_group": group, "group_chosen": role == ActivityRole.PARTY_GROUP,
        "group_members": sum(1 for g in grouped.values() if group is not None and g == group.pk),
        "has_committee": bool(committee), "committee_chosen": role == ActivityRole.BRANCH_COMMITTEE,
    }


def _create_initial(request) -> dict[str, Any]:
    """A new record's type and date as the query gives them (a link, or the card fetched again)."""
    initial: dict[str, Any] = {"date": dates.today()}
    if request.GET.get("type"):
        initial["type"] = ActivityType.objects.filter(pk=request.GET["type"]).first() if request.GET["type"].isdigit() else None
    if request.GET.get("date"):
        try:
            initial["date"] = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            pass
    return initial


def _errors_of(exc: ValidationError, key: str) -> str:
    return " ".join(exc.message_dict[key]) if hasattr(exc, "error_dict") and key in exc.error_dict else ""


@login_required
def activity_create(request):
    user = request.user
    access.require_write(user, WRITERS_ACTIVITIES)
    code = request.POST.get("org") or request.GET.get("org") or (user.org.code if user.org_id else "")
    org, org_error, group_error = None, "", ""
    if code:
        try:
            org = writable_org(user, code, WRITERS_ACTIVITIES)
        except ValidationError as exc:
            org_error = exc.messages[0]
    initial = _create_initial(request)
    form = ActivityForm(request.POST or None, request.FILES or None, user=user, teams=visible_lecture_teams(user),
                        initial=initial)
    presence = None
    if request.method == "POST" and org is not None:
        try:
            presence = _presence_from_post(request.POST)
            group = _posted_group(request, org)
            if form.is_valid():
                data = form.cleaned_data
                activity = actions.record_activity(
                    user=user, org=org, type=data["type"], date=data["date"], topic=data["topic"],
                    channel=data["channel"], audience=data["audience"], first_topic=data["first_topic"],
                    lecture_team=data["lecture_team"], minutes=data["minutes"], presence=presence, files=data["files"],
                    campaign=data["campaign"], party_group=group,
                )
                messages.success(request, _("已记录：%(activity)s") % {"activity": activity})
                return redirect("activities:detail", activity.code)
        except ValidationError as exc:
            add_errors(form, exc)
            org_error, group_error = _errors_of(exc, "attendance") or org_error, _errors_of(exc, "party_group")
    bound = form.is_bound and hasattr(form, "cleaned_data")
    day = (form.cleaned_data.get("date") if bound else None) or initial["date"]
    chosen = form.cleaned_data.get("type") if bound else initial.get("type")
    context = {
        "form": form, "org": org, "org_code": code, "org_error": org_error, "group_error": group_error,
        "title": _("记录活动"), "submit": _("保存"), "back_url": reverse("activities:list"), "creating": True,
        **_attendance_card(org, day, chosen, presence, _chosen_group(request, org)), **_field_groups(form),
    }
    if request.htmx and request.method == "GET":
        return render(request, "activities/_attendance.html", context)
    _reoffer_on_date(form)
    return render(request, "activities/activity_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def activity_edit(request, code):
    user = request.user
    activity = get_activity_for_user(user, code, write=True)
    if not access.org_in_scope(user, activity.org):
        raise Http404
    existing = {a.person_id: a.presence for a in activity.attendance.all()}
    initial = {"type": activity.type, "date": activity.date, "topic": activity.topic, "channel": activity.channel,
               "first_topic": activity.first_topic, "lecture_team": activity.lecture_team,
               "audience": activity.audience, "minutes": activity.minutes, "campaign": activity.campaign}
    form = ActivityForm(request.POST or None, request.FILES or None, user=user, teams=visible_lecture_teams(user),
                        initial=initial)
    presence = existing
    org_error = group_error = ""
    group = activity.party_group
    if request.method == "POST":
        try:
            presence = _presence_from_post(request.POST)
            group = _posted_group(request, activity.org)
            if form.is_valid():
                data = form.cleaned_data
                actions.update_activity(
                    activity, user=user, type=data["type"], date=data["date"], topic=data["topic"],
                    channel=data["channel"], audience=data["audience"], first_topic=data["first_topic"],
                    lecture_team=data["lecture_team"], minutes=data["minutes"], presence=presence,
                    files=data["files"], campaign=data["campaign"], party_group=group)
                messages.success(request, _("已保存修改。"))
                return redirect("activities:detail", activity.code)
        except ValidationError as exc:
            add_errors(form, exc)
            org_error, group_error = _errors_of(exc, "attendance"), _errors_of(exc, "party_group")
    from qingfeng.people.models import Person

    candidates = list(actions.attendance_candidates(activity.org, activity.date))
    known = {p.pk for p in candidates}
    candidates += list(Person.objects.filter(pk__in=[pk for pk in existing if pk not in known]).order_by("name"))
    groups, grouped = _groups_of(activity.org, activity.date)
    if activity.party_group is not None and activity.party_group not in groups:
        groups.append(activity.party_group)
    return render(request, "activities/activity_form.html", {
        "form": form, "org": activity.org, "org_code": activity.org.code, "org_error": org_error,
        "group_error": group_error,
        # the members the meeting was recorded for; all of them when it was recorded with nobody
        "members": _member_rows(candidates, presence, set(presence) if presence else None,
                                _committee_of(activity.org, activity.date), grouped),
        "group_types": _types_of(ActivityRole.PARTY_GROUP), "party_groups": groups, "chosen_group": group,
        "group_chosen": getattr(form.cleaned_data.get("type") if form.is_bound and hasattr(form, "cleaned_data")
                                else activity.type, "role", "") == ActivityRole.PARTY_GROUP,
        "title": _("修改活动：%(topic)s") % {"topic": activity.topic},
        "submit": _("保存修改"), "back_url": reverse("activities:detail", args=[activity.code]), "creating": False,
        **_field_groups(form),
    }, status=400 if request.method == "POST" else 200)


@login_required
def activity_detail(request, code):
    user = request.user
    activity = get_activity_for_user(user, code)
    attendance = list(activity.attendance.select_related("person").order_by("person__name"))
    counts = {value: sum(1 for a in attendance if a.presence == value) for value in Presence.values}
    can_write = access.can_write(user, WRITERS_ACTIVITIES)
    files = list(Attachment.objects.of(activity))
    actions_ = []
    if can_write:
        actions_.append((_("修改"), reverse("activities:edit", args=[code]), ""))
    findings = []
    if activity.type.is_supervision:
        findings = list(access.visible(activity.findings.select_related("org"), user))
        if access.can_write(user, access.WRITERS_SUPERVISION):
            actions_.append((_("登记问题"), reverse("supervision:create") + f"?round={code}", "btn-primary"))
    documents = []
    if activity.type.role == ActivityRole.POLITICAL:
        have = {f.kind for f in files}
        documents = [(FileKind(kind).label, kind in have) for kind in POLITICAL_DOCUMENTS]
    fields: list[tuple[str, object]] = [(_("活动编号"), activity.code), (_("活动类型"), activity.type.label), (_("组织"), str(activity.org)),
              (_("日期"), activity.date.isoformat()), (_("主题"), activity.topic),
              (_("形式"), activity.get_channel_display())]
    if (group := activity.party_group) is not None:
        fields.append((pgettext("一个党小组", "党小组"), format_html('<a href="{}" data-party-group>{}</a>', reverse(
            "orgs:party_group", args=[activity.org.code, group.pk]), group.name)))
    if activity.campaign:
        fields.append((_("专题"), activity.campaign))
    if activity.type.role == ActivityRole.FIRST_TOPIC:
        fields.append((_("第一议题"), _("是") if activity.first_topic else _("否")))
    if activity.lecture_team:
        fields.append((_("宣讲小分队"), str(activity.lecture_team)))
    if activity.type.needs_audience:
        fields.append((_("受众人数"), activity.audience))
    if activity.minutes:
        fields.append((_("会议记录"), activity.minutes))
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "title": f"{activity.type.label} · {activity.topic}", "fields": fields,
        "attendance": attendance, "counts": counts, "files": files, "show_files": True,
        "attach_form": AttachForm(initial={"kind": FileKind.OPINION if documents else FileKind.MINUTES}) if can_write else None,
        "attach_url": reverse("activities:attach", args=[code]), "actions": actions_, "findings": findings,
        "documents": documents, "history": history_of(activity),
        "back_url": reverse("activities:list"), "back_label": _("活动"),
    })


@require_POST
@login_required
def activity_attach(request, code):
    activity = get_activity_for_user(request.user, code, write=True)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attach_files(activity, form.cleaned_data["files"], user=request.user, kind=form.cleaned_data["kind"])
            messages.success(request, _("附件已上传。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("activities:detail", code)


@login_required
def calendar(request, code):
    org = access.get_org_for_user(request.user, code)
    today = dates.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 1990), today.year + 1)
    rows = branch_calendar(org, year, today)
    can_write = access.can_write(request.user, WRITERS_ACTIVITIES)
    return render(request, "activities/calendar.html", {
        "org": org, "year": year, "rows": rows, "today": today, "can_write": can_write,
        "branches": [] if rows else subtree_summary(org, year, today),
        "missed": sum(r.missed for r in rows), "years": [year - 1, year + 1] if year < today.year + 1 else [year - 1],
    })


# ---- lecture teams ---------------------------------------------------------------------------

@login_required
def team_list(request):
    qs = visible_lecture_teams(request.user).annotate(
        lecturers=Count("roster", filter=Q(roster__left_on__isnull=True))).order_by("code")
    can_write = access.can_write(request.user, access.WRITERS_STUDY)
    listing = Listing(
        title=_("宣讲小分队"),
        columns=[Column(_("小分队编码"), phone="hide"), Column(_("名称"), phone="title"), Column(_("组织")), Column(_("成立日期")),
                 Column(_("在队宣讲员"), "text-end"), Column(_("状态"), phone="status")],
        row=lambda t: [t.code, Cell(t.name, url=reverse("activities:team_detail", args=[t.code])), t.org.label,
                       t.established_on or "", Cell(t.lecturers, css="text-end qf-num"),
                       Cell(_("已撤销"), badge="secondary") if t.dissolved_on else Cell(_("在册"), badge="green")],
        sheet="宣讲小分队", create_url=reverse("activities:team_create") if can_write else "",
        create_label=_("成立小分队"),
    )
    return list_page(request, qs, listing)


@login_required
def team_create(request):
    access.require_write(request.user, access.WRITERS_STUDY)
    form = LectureTeamForm(request.POST or None, initial={"org": request.user.org.code if request.user.org_id else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(request.user, data["org"], access.WRITERS_STUDY)
            team = actions.create_lecture_team(user=request.user, org=org, code=data["code"], name=data["name"],
                                               established_on=data["established_on"])
            return redirect("activities:team_detail", team.code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("成立宣讲小分队"), back_url=reverse("activities:teams"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def team_detail(request, code):
    team = get_lecture_team_for_user(request.user, code)
    can_write = access.can_write(request.user, access.WRITERS_STUDY)
    roster = list(team.roster.select_related("person").order_by("left_on", "person__name"))
    lectures = list(team.lectures.select_related("org").order_by("-date")[:20])
    return render(request, "activities/team_detail.html", {
        "team": team, "title": team.name, "roster": roster, "lectures": lectures, "can_write": can_write,
        "fields": [(_("小分队编码"), team.code), (_("组织"), str(team.org)), (_("成立日期"), team.established_on),
                   (_("撤销日期"), team.dissolved_on)],
        "lecturer_form": LecturerForm(initial={"joined_on": dates.today()}) if can_write and not team.dissolved_on else None,
        "date_form": DateForm(initial={"on": dates.today()}),
        "history": history_of(team), "back_url": reverse("activities:teams"), "back_label": _("宣讲小分队"),
        "actions": [],
    })


@require_POST
@login_required
def team_add_lecturer(request, code):
    team = get_lecture_team_for_user(request.user, code, write=True)
    form = LecturerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = person_by_id(data["id_number"], data["name"], user=request.user)
                actions.add_lecturer(team, user=request.user, person=person, joined_on=data["joined_on"])
            messages.success(request, _("已加入宣讲员：%(name)s") % {"name": person.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("activities:team_detail", code)


@require_POST
@login_required
def team_remove_lecturer(request, code, pk):
    team, lecturer = get_lecturer_for_user(request.user, code, pk, write=True)
    form = DateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写退出日期。"))
        actions.remove_lecturer(lecturer, user=request.user, on=form.cleaned_data["on"])
        messages.success(request, _("已登记退出：%(name)s") % {"name": lecturer.person.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("activities:team_detail", team.code)


@require_POST
@login_required
def team_dissolve(request, code):
    team = get_lecture_team_for_user(request.user, code, write=True)
    form = DateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写撤销日期。"))
        actions.dissolve_lecture_team(team, user=request.user, on=form.cleaned_data["on"])
        messages.success(request, _("小分队已撤销。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("activities:team_detail", code)
