"""Access helpers of the activity pages, on top of accounts.access (same 404/403 semantics)."""

from __future__ import annotations

from qingfeng.accounts import access
from qingfeng.activities.models import LectureTeam

WRITERS_ACTIVITIES = access.WRITERS_STUDY | access.WRITERS_SUPERVISION


def visible_lecture_teams(user):
    return access.visible(LectureTeam.objects.select_related("org"), user)


def get_lecturer_for_user(user, team_code: str, pk, write: bool = False):
    from django.http import Http404

    team = access.get_lecture_team_for_user(user, team_code, write=write)
    try:
        return team, team.roster.select_related("person").get(pk=pk)
    except (team.roster.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
