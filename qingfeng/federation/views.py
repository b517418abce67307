"""The province's pages (QINGFENG_TIER=province): the cockpit of the province or of a city or county below it, with
the political-ecology ranking of the organizations one level down, and the drill-through that goes down the
replicated levels and then on to the city's own drill-through page (where the records are, behind the city's
sign-in). On a city deployment these pages do not exist (404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qingfeng.cockpit import assessment
from qingfeng.cockpit.dashboard import HEADLINE_KEYS, visible_keys
from qingfeng.cockpit.forms import PeriodForm
from qingfeng.federation import alerts, province, review
from qingfeng.federation.publish import tier
from qingfeng.indicators import engine, figures
from qingfeng.reports.writers import FORMATS, write


def province_place(request: HttpRequest) -> province.Place:
    """The place asked (?org=), the province's root by default; 404 on a city deployment, and for a user who
    does not work for the province's own organization (its users see every city below it)."""
    if tier() != "province":
        raise Http404
    root = province.root()
    user: Any = request.user  # signed in (login_required)
    if root is None or not (user.is_superuser or getattr(user.org, "code", None) == root.code):
        raise Http404
    code = (request.GET.get("org") or "").strip()
    place = province.find(code) if code else root
    if place is None:
        raise Http404
    return place


def _period(request: HttpRequest):
    form = PeriodForm(request.GET, request.user)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["start"], form.cleaned_data["end"]


def _trail(place: province.Place) -> list[province.Place]:
    """The places above this one, the province's root first."""
    if place.is_province:
        return []
    trail = [province.root()]
    codes = [c for c in place.path.split("/") if c][:-1]
    for code in codes:
        found = province.find(f"{place.city}:{code}")
        if found is not None:
            trail.append(found)
    return [p for p in trail if p is not None]


@login_required
@require_GET
def cockpit(request: HttpRequest) -> HttpResponse:
    place = province_place(request)
    form, start, end = _period(request)
    if start is None:
        return render(request, "federation/cockpit.html", {"form": form, "place": place}, status=400)
    user: Any = request.user
    definition = assessment.for_viewer(assessment.current_definition(), user.sees_discipline)
    keys = assessment.definition_keys(definition)
    headline = visible_keys(HEADLINE_KEYS, user)
    asked = list(dict.fromkeys(headline + keys))
    below = province.children(place)
    prev_start, prev_end = assessment.previous_period(start, end)
    answers = province.compute_grid([(place, start, end, headline)] + [(p, start, end, asked) for p in below]
                                    + [(p, prev_start, prev_end, keys) for p in below], user)
    top = answers[0]
    cards = [{"key": k, "label": figures.label(k), "display": figures.fmt(top.values[k], k),
              "url": _drill(place, k, start, end), "why": top.unavailable.get(k, "")} for k in headline]
    warned = alerts.counts([place, *below])
    scores = []
    for n, child in enumerate(below):
        values = answers[1 + n].values
        total, dims = assessment.score(values, definition, start, end)
        previous, _dims = assessment.score(answers[1 + len(below) + n].values, definition, prev_start, prev_end)
        scored = assessment.OrgScore(child, total, dims, assessment.color_for(total, definition), previous=previous)  # type: ignore[arg-type]  # ranked by .code like an organization
        scored.values = [{"key": k, "display": figures.fmt(values[k], k), "url": _drill(child, k, start, end)}  # type: ignore[attr-defined]
                         for k in headline]
        scored.has_children = bool(province.children(child))  # type: ignore[attr-defined]
        scored.warnings = _red_yellow(warned[child.pk])  # type: ignore[attr-defined]
        scores.append(scored)
    return render(request, "federation/cockpit.html", {
        "form": form, "place": place, "org": place, "start": start, "end": end, "trail": _trail(place),
        "cards": cards, "ranking": assessment.rank(scores), "columns": [figures.label(k) for k in headline],
        "cities": province.cities(), "city_cockpit": _city_page(place, "cockpit", start, end),
        "warnings": alerts.table(warned[place.pk]), "warnings_total": _red_yellow(warned[place.pk]),
        "warnings_on": alerts.as_of(place), "city_warnings": _city_page(place, "indicators/warnings", None, None),
    })


def _red_yellow(counter) -> dict[str, int]:
    red = sum(n for (_kind, severity), n in counter.items() if severity == alerts.warnings.RED)
    return {"red": red, "yellow": sum(counter.values()) - red}


def _drill(place: province.Place, key: str, start, end) -> str:
    return review.drill_link(place, key, start, end)


def _city_page(place: province.Place, page: str, start, end) -> str:
    """The city platform's own page for a place (its cockpit, its warnings), behind the city's sign-in."""
    if place.is_province or not place.url:
        return ""
    from django.utils.http import urlencode

    query = urlencode({"org": place.code, **({"from": start.isoformat(), "to": end.isoformat()} if start else {})})
    return f"{place.url.rstrip('/')}/{page}/?{query}"


@login_required
@require_GET
def drill(request: HttpRequest) -> HttpResponse:
    """One value of a place and of each place below it, down to the lowest replicated level; from there, the
    city's own drill-through page lists the records."""
    place = province_place(request)
    form, start, end = _period(request)
    key_text = (request.GET.get("key") or "").strip()
    context = {"form": form, "place": place, "org": place, "start": start, "end": end, "key": key_text,
               "trail": _trail(place)}
    if start is None or not key_text:
        context["error"] = _("请给出指标和期间。")
        return render(request, "federation/drill.html", context, status=400)
    try:
        key = engine.parse_key(key_text)
    except engine.IndicatorError as exc:
        context["error"] = str(exc)
        return render(request, "federation/drill.html", context, status=400)
    if not engine.may_see(key.indicator, request.user):
        raise Http404
    below = province.children(place)
    answers = province.compute_grid([(p, start, end, [key_text]) for p in [place, *below]], request.user)
    rows = [{"place": p, "display": figures.fmt(a.values[key_text], key_text), "why": a.unavailable.get(key_text, ""),
             "down": _drill(p, key_text, start, end) if province.children(p) else "",
             "city": province.drill_url(p, key_text, start, end)} for p, a in zip(below, answers[1:], strict=True)]
    context.update({"label": figures.label(key_text), "display": figures.fmt(answers[0].values[key_text], key_text),
                    "why": answers[0].unavailable.get(key_text, ""), "rows": rows,
                    "city": province.drill_url(place, key_text, start, end)})
    return render(request, "federation/drill.html", context)


@login_required
@require_GET
def review_page(request: HttpRequest) -> HttpResponse:
    """The year-in-review of the province (or of a city or county below it), with its downloads."""
    place = province_place(request)
    form, start, end = _period(request)
    context = {"form": form, "place": place, "org": place, "review": None, "trail": _trail(place)}
    if start is None:
        return render(request, "federation/review.html", context, status=400)
    from django.utils.http import urlencode

    context.update({"review": review.build(place, start, end, request.user), "start": start, "end": end,
                    "query": urlencode({"org": place.pk, "from": start.isoformat(), "to": end.isoformat()}),
                    "formats": [("docx", "Word"), ("pdf", "PDF"), ("xlsx", "Excel"), ("md", "Markdown")]})
    return render(request, "federation/review.html", context)


@login_required
@require_GET
def review_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    place = province_place(request)
    form, start, end = _period(request)
    if start is None:
        return render(request, "federation/review.html", {"form": form, "place": place, "review": None}, status=400)
    built = review.build(place, start, end, request.user, base_url=request.build_absolute_uri("/"))
    content_type, ext = FORMATS[fmt]
    response = HttpResponse(write(built, fmt), content_type=content_type)
    lang = "en" if not (get_language() or "").startswith("zh") else "zh"
    response["Content-Disposition"] = f'attachment; filename="review-{place.code}-{start}-{end}-{lang}.{ext}"'
    return response
