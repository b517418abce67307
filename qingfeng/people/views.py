"""The member list, a person's page and the transfer of a member (组织关系转接)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qingfeng.accounts.access import (
    WRITERS_PARTY_WORK,
    can_unmask,
    can_write,
    get_person_for_user,
    org_in_scope,
    scope_filter,
)
from qingfeng.core import jobs, masking
from qingfeng.core.exports import export_response
from qingfeng.core.http import AuthedRequest
from qingfeng.core.lists import paginate
from qingfeng.core.models import Source
from qingfeng.people.actions import transfer_member
from qingfeng.people.forms import EXPORT_FORMATS, MemberFilterForm, TransferForm
from qingfeng.people.models import Person, PersonQuerySet


@login_required
@require_GET
def member_list(request: AuthedRequest) -> HttpResponse:
    """Party members whose current relation is in the user's subtree, filtered; `?export=xlsx|csv`
    downloads exactly the filtered rows in the 党员 import format."""
    form = MemberFilterForm(request.GET, user=request.user)
    members: PersonQuerySet = Person.objects.members().filter(org__isnull=False).filter(scope_filter(request.user))
    members = form.filter(members) if form.is_valid() else members.none()
    # Grouped by organization, then by name: the (org, name) index serves it without sorting the subtree
    # (ordering by the organization's path instead costs 6x on a deep page at demo scale).
    members = members.select_related("org").order_by("org_id", "name", "id")
    export = request.GET.get("export")
    if export:
        if export not in EXPORT_FORMATS:
            raise Http404
        full = masking.wants_full_numbers(request)  # 403 for a role that may not unmask
        if not jobs.in_job(request) and members.count() > jobs.EXPORT_JOB_ROWS:
            members_word = _("党员")  # outside the f-string, where makemessages finds it
            return jobs.download_later(request, f"{members_word} {export}")  # a city's members: made by a job
        masking.audit_export(request, "people.Person", f"党员 {export}", full)
        return export_response(members, "党员", export, full_numbers=full)
    page, query = paginate(request, members)
    context = {"form": form, "page": page, "query": query, "can_export": True,
               "can_unmask": can_unmask(request.user)}
    template = "people/_results.html" if request.htmx else "people/list.html"
    return render(request, template, context)


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    user = request.user
    org_visible = person.org is not None and org_in_scope(user, person.org)
    context = {
        "person": person,
        "org_visible": org_visible,
        "relations": person.relations.select_related("org", "from_org").order_by("start_on", "id"),
        "cadre_levels": person.cadre_levels.order_by("since", "id"),
        "assignments": person.assignments.select_related("org").order_by("-start_on", "id"),
        "lecturer_roles": person.lecturer_roles.select_related("team", "team__org").order_by("-joined_on", "id"),
        "can_transfer": org_visible and can_write(user, WRITERS_PARTY_WORK),
        "can_unmask": can_unmask(user),
    }
    return render(request, "people/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, write=True)
    form = TransferForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer_member(person, data["to_org"], data["on"], note=data["note"], user=request.user,
                            channel=Source.PAGE)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已将 %(name)s 的组织关系转接至 %(org)s。")
                             % {"name": person.name, "org": data["to_org"].name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/transfer.html", {"person": person, "form": form})
