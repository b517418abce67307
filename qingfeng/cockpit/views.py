"""Pages: the cockpit, one organization's assessment explanation, the assessment definition and its editing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qingfeng.accounts.access import org_in_scope, scope_root
from qingfeng.cockpit import assessment, caching, charts, dashboard
from qingfeng.cockpit.actions import save_assessment
from qingfeng.cockpit.forms import PeriodForm
from qingfeng.cockpit.models import AssessmentVersion
from qingfeng.core.http import AuthedRequest


def _breadcrumbs(user, org) -> list:
    """The organization's ancestors that lie within the user's scope, top first."""
    return [a for a in org.ancestors() if org_in_scope(user, a)]


def figures_markup(org, start, end, user, definition: int | None) -> str:
    """The cockpit's figures as markup (the tables, the charts drawn and their data). They depend on the question and
    on whether the viewer sees discipline data, not on who asks: made once, in the language asked, and shared (the
    shared key holds both). Prepared at start-up too (cockpit.warm)."""
    def make() -> str:
        data = dashboard.build(org, start, end, user)
        return render_to_string("cockpit/_figures.html", {
            "data": data, "org": org, "start": start, "end": end, "chart_data": data.chart_data(),
            "charts": charts.page_charts(data), "cockpit_url": reverse("cockpit:cockpit"),
            # the period as a link's query, made once for the table's rows (dates: nothing to escape)
            "period": mark_safe(f"from={start.isoformat()}&to={end.isoformat()}")})  # noqa: S308

    return caching.shared(make, "cockpit", org.pk, start, end, definition, user.sees_discipline, org=org)


@login_required
@require_GET
def cockpit(request: AuthedRequest) -> HttpResponse:
    form = PeriodForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "cockpit/cockpit.html", {"form": form, "data": None}, status=400)
    org = form.resolve_org()
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    # Known before any figure is read: a browser holding this version gets 304 (caching.py).
    version = assessment.current_version()  # read once for the request: the figures' definition is this one
    definition = version.number if version else None
    etag = caching.page_etag(request, org.pk, start, end, definition, org=org)
    unchanged = caching.not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    figures = figures_markup(org, start, end, request.user, definition)
    return caching.with_etag(render(request, "cockpit/cockpit.html", {
        "form": form, "data": True, "figures": mark_safe(figures),  # noqa: S308 — our template's own output
        "org": org, "start": start, "end": end, "ancestors": _breadcrumbs(request.user, org),
    }), etag)


@login_required
@require_GET
def warnings_panel(request: AuthedRequest) -> HttpResponse:
    """The cockpit's warnings card body, loaded after the page (htmx) or opened on its own."""
    form = PeriodForm(request.GET, request.user)
    if not form.is_valid():
        return HttpResponse(status=400)
    org = form.resolve_org()
    end = form.cleaned_data["end"]
    from qingfeng.indicators.warnings import warning_list

    # grouped by kind with their counts (a city has thousands of warnings), then the first few, each naming its
    # organization
    found = warning_list(org, end, user=request.user)
    by_kind = dashboard.warnings_by_kind(found)
    counts = {"red": sum(r[2] for r in by_kind), "yellow": sum(r[3] for r in by_kind)}
    template = "cockpit/_warnings.html" if request.htmx else "cockpit/warnings.html"
    return render(request, template, {"org": org, "end": end, "warnings": found[:dashboard.MAX_CARD_WARNINGS],
                                      "counts": counts, "by_kind": by_kind})


@login_required
@require_GET
def assessment_org(request: AuthedRequest, code: str) -> HttpResponse:
    """One organization's score explained: each dimension and indicator with its contribution in points."""
    form = PeriodForm({**request.GET.dict(), "org": code}, request.user)
    if not form.is_valid():
        return render(request, "cockpit/assessment_org.html", {"form": form, "result": None}, status=400)
    org = form.resolve_org()
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    definition = assessment.current_definition()
    sees = request.user.sees_discipline
    result = assessment.assess([org], start, end, definition, sees_discipline=sees)[0]
    siblings_rank = None
    if org.parent_id and org_in_scope(request.user, org.parent):
        from qingfeng.orgs.models import Organization

        siblings = list(Organization.objects.filter(parent_id=org.parent_id).active_on(end))
        ranked = assessment.assess(siblings, start, end, definition, sees_discipline=sees)
        siblings_rank = next((r.rank for r in ranked if r.org.pk == org.pk), None), len(ranked)
    return render(request, "cockpit/assessment_org.html", {
        "form": form, "org": org, "start": start, "end": end, "result": result,
        "explanation": assessment.explain(result, request.user.sees_discipline),
        "thresholds": definition["thresholds"], "siblings_rank": siblings_rank,
        "sees_discipline": request.user.sees_discipline,
    })


@login_required
@require_GET
def definition(request: AuthedRequest) -> HttpResponse:
    """The definition in force, and its history of versions (one shown with ?version=N)."""
    scope_root(request.user)  # an account without an organization sees nothing
    versions = list(AssessmentVersion.objects.select_related("created_by").order_by("-number"))
    shown = versions[0] if versions else None
    number = request.GET.get("version")
    if number:
        shown = next((v for v in versions if str(v.number) == number), None)
        if shown is None:
            raise Http404
    current = shown.definition if shown else assessment.default_definition()
    return render(request, "cockpit/definition.html", {
        "definition": current, "shown": shown, "versions": versions, "is_current": shown is None or shown == versions[0],
        "can_edit": request.user.is_platform_admin,
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit_definition(request: AuthedRequest) -> HttpResponse:
    """系统管理员 only: a new version of the definition, written as JSON, with a note saying why."""
    if not request.user.is_platform_admin:
        raise PermissionDenied
    errors: list[str] = []
    text = json.dumps(assessment.current_definition(), ensure_ascii=False, indent=2)
    note = ""
    if request.method == "POST":
        text = request.POST.get("definition", "")
        note = request.POST.get("note", "")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            errors = [_("不是有效的 JSON：第 %(line)s 行第 %(col)s 列：%(msg)s")
                      % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}]
        else:
            try:
                version = save_assessment(data, request.user, note)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("已保存评估方案第 %(n)s 版") % {"n": version.number})
                return redirect("cockpit:definition")
    return render(request, "cockpit/edit_definition.html", {"text": text, "note": note, "errors": errors},
                  status=400 if errors else 200)
