"""表彰 pages: decisions (each with the collectives and persons it commends in the user's subtree), a decision's
page, recording a decision with its honorees, adding one more."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import access
from qingfeng.core.dates import today
from qingfeng.core.ledger import (
    EXPORT_FORMATS,
    Cell,
    Column,
    Listing,
    add_errors,
    form_page,
    history_of,
    list_page,
    person_by_id,
    writable_org,
)
from qingfeng.honors import actions
from qingfeng.honors.access import WRITERS, get_commendation_for_user, visible_commendations, visible_honorees
from qingfeng.honors.forms import CommendationFilter, CommendationForm, HonoreeForm
from qingfeng.honors.models import HonoreeKind


def _scope_q(user, org=None) -> Q:
    """Honorees counted on the list: in the user's subtree (and the filter's organization, when given)."""
    root = org or access.scope_root(user)
    return Q(honorees__org__path__startswith=root.path) if root is not None else Q()


@login_required
def commendation_list(request):
    user = request.user
    qs = visible_commendations(user)
    form = CommendationFilter(request.GET or None)
    org = None
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"].strip())
        if data["grantor_level"]:
            qs = qs.filter(grantor_level=data["grantor_level"])
        if data["year"]:
            qs = qs.filter(date__year=data["year"])
        if data["org"]:
            try:
                org = access.get_org_for_user(user, data["org"].strip())
                qs = qs.filter(pk__in=visible_honorees(user).filter(org__path__startswith=org.path)
                               .values("commendation_id"))
            except Http404:  # an unknown or unseen code lists nothing
                qs = qs.none()
    scope = _scope_q(user, org)
    qs = qs.annotate(
        collectives=Count("honorees", filter=scope & Q(honorees__kind=HonoreeKind.COLLECTIVE)),
        persons=Count("honorees", filter=scope & Q(honorees__kind=HonoreeKind.PERSON)),
    ).order_by("-date", "-id")
    if request.GET.get("export") in EXPORT_FORMATS:
        # The export lists the commended collectives and persons of these decisions (the 表彰 sheet's rows).
        rows = visible_honorees(user).filter(commendation__in=qs.values("pk"))
        if org is not None:
            rows = rows.filter(org__path__startswith=org.path)
        return list_page(request, rows.order_by("commendation__date", "commendation__code", "kind", "id"),
                         Listing(title=_("表彰"), columns=[], row=list, sheet="表彰"))
    listing = Listing(
        title=_("表彰"),
        columns=[Column(_("日期")), Column(_("表彰名称")), Column(_("授予机关")), Column(_("授予级别")),
                 Column(_("集体"), "text-end"), Column(_("个人"), "text-end")],
        row=lambda c: [c.date.isoformat(), Cell(c.name, url=reverse("honors:detail", args=[c.code])), c.grantor,
                       c.get_grantor_level_display(), Cell(c.collectives, css="text-end qf-num"),
                       Cell(c.persons, css="text-end qf-num")],
        filters=form if form.is_bound else CommendationFilter(), sheet="表彰",
        create_url=reverse("honors:create") if access.can_write(user, WRITERS) else "", create_label=_("登记表彰"),
        empty=_("还没有表彰记录。"),
    )
    return list_page(request, qs, listing)


def _honorees_from(user, data) -> list[actions.NewHonoree]:
    """The form's lines as honorees: organizations the user may write for, persons named by ID number
    (core.ledger.person_by_id); every problem named by its line."""
    errors: dict[str, list[str]] = {}
    default_code = data["org"].strip()
    orgs: dict[str, object] = {}

    def org_for(code: str, field: str, number: int | None):
        code = code or default_code
        if code not in orgs:
            try:
                orgs[code] = writable_org(user, code, WRITERS)
            except ValidationError as exc:
                orgs[code] = None
                prefix = _("第 %(n)d 行：") % {"n": number} if number else ""
                errors.setdefault(field if number else "org", []).extend(prefix + m for m in exc.messages)
        return orgs[code]

    org_for(default_code, "org", None)
    honorees = []
    for number, name, code in data["collective_lines"]:
        org = org_for(code, "collectives", number)
        if org is not None:
            honorees.append(actions.NewHonoree(HonoreeKind.COLLECTIVE, org, collective_name=name))
    for number, id_number, name, code in data["person_lines"]:
        org = org_for(code, "persons", number)
        try:
            person = person_by_id(id_number, name, user=user)
        except ValidationError as exc:
            errors.setdefault("persons", []).extend(_("第 %(n)d 行：") % {"n": number} + m for m in exc.messages)
            continue
        if org is not None:
            honorees.append(actions.NewHonoree(HonoreeKind.PERSON, org, person=person))
    if errors:
        raise ValidationError(errors)
    return honorees


@login_required
def commendation_create(request):
    user = request.user
    access.require_write(user, WRITERS)
    form = CommendationForm(request.POST or None, initial={"org": user.org.code if user.org_id else "", "date": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                honorees = _honorees_from(user, data)
                decision, _created = actions.record_commendation(
                    user=user, code=data["code"], name=data["name"], grantor=data["grantor"],
                    grantor_level=data["grantor_level"], date=data["date"], honorees=honorees)
            return redirect("honors:detail", decision.code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记表彰"), back_url=reverse("honors:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def commendation_detail(request, code):
    user = request.user
    decision = get_commendation_for_user(user, code)
    honorees = list(visible_honorees(user).filter(commendation=decision).select_related("org", "person")
                    .order_by("kind", "org__path", "id"))
    can_write = access.can_write(user, WRITERS)
    return render(request, "honors/detail.html", {
        "title": decision.name, "decision": decision,
        "fields": [(_("表彰编号"), decision.code), (_("表彰名称"), decision.name), (_("授予机关"), decision.grantor),
                   (_("授予级别"), decision.get_grantor_level_display()), (_("日期"), decision.date)],
        "collectives": [h for h in honorees if h.kind == HonoreeKind.COLLECTIVE],
        "persons": [h for h in honorees if h.kind == HonoreeKind.PERSON],
        "honoree_form": HonoreeForm(initial={"org": user.org.code if user.org_id else ""}) if can_write else None,
        "history": history_of(decision), "back_url": reverse("honors:list"), "back_label": _("表彰"), "actions": [],
    })


@require_POST
@login_required
def honoree_add(request, code):
    user = request.user
    decision = get_commendation_for_user(user, code, write=True)
    form = HonoreeForm(request.POST)
    back = reverse("honors:detail", args=[decision.code])
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(back)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            org = writable_org(user, data["org"], WRITERS)
            if data["kind"] == HonoreeKind.PERSON:
                person = person_by_id(data["id_number"], data["name"], user=user)
                honoree = actions.NewHonoree(HonoreeKind.PERSON, org, person=person)
            else:
                honoree = actions.NewHonoree(HonoreeKind.COLLECTIVE, org, collective_name=data["collective_name"])
            _decision, created = actions.record_commendation(
                user=user, code=decision.code, name=decision.name, grantor=decision.grantor,
                grantor_level=decision.grantor_level, date=decision.date, honorees=[honoree])
        messages.success(request, _("已添加。") if created else _("该对象已在此表彰中，未作改动。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)
