"""Access to activities, lecture teams and their rosters (the shared subtree rule of accounts.access: 404 outside
the user's subtree, 403 for a read-only role writing). Restricted activity types (警示教育 records kept by the
discipline commission) exist only for the roles that see discipline data."""

from __future__ import annotations

from django.http import Http404

from qingfeng.accounts.access import (
    WRITERS_STUDY,
    WRITERS_SUPERVISION,
    get_in_scope,
    require_write,
    visible,
)
from qingfeng.activities.models import Activity, LectureTeam
from qingfeng.files.access import attachable

WRITERS_ACTIVITIES = WRITERS_STUDY | WRITERS_SUPERVISION


def visible_activities(user):
    qs = visible(Activity.objects.all(), user)
    if not user.sees_discipline:
        qs = qs.exclude(type__is_restricted=True)
    return qs


def get_activity_for_user(user, code: str, write: bool = False) -> Activity:
    activity = get_in_scope(visible_activities(user).select_related("org", "type", "lecture_team", "party_group"), user,
                            "org", code=code)
    if write:
        require_write(user, WRITERS_ACTIVITIES)
    return activity


def visible_lecture_teams(user):
    return visible(LectureTeam.objects.select_related("org"), user)


def get_lecture_team_for_user(user, code: str, write: bool = False) -> LectureTeam:
    team = get_in_scope(LectureTeam.objects.select_related("org"), user, "org", code=code)
    if write:
        require_write(user, WRITERS_STUDY)
    return team


def get_lecturer_for_user(user, team_code: str, pk, write: bool = False):
    team = get_lecture_team_for_user(user, team_code, write=write)
    try:
        return team, team.roster.select_related("person").get(pk=pk)
    except (team.roster.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


attachable("activities.activity", lambda user, obj: get_activity_for_user(user, obj.code))
