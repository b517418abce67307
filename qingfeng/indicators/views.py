"""Pages: indicator values of a subtree, drill-through to the records, warnings, requirements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.accounts import access
from qingfeng.activities.models import Cadence, Requirement
from qingfeng.core import dates
from qingfeng.core.http import AuthedRequest
from qingfeng.core.indicators import REGISTRY, SECTIONS
from qingfeng.core.lists import paginate
from qingfeng.indicators import actions, direct, engine
from qingfeng.indicators.warnings import KINDS, RED, WarningList, warning_list
from qingfeng.orgs.models import Organization

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

DRILL_PAGE_ROWS = 200

SECTION_LABELS = {
    "orgs": gettext_lazy("组织与党员"), "coverage": gettext_lazy("两新组织覆盖"), "study": gettext_lazy("政治建设与理论学习"),
    "lecture": gettext_lazy("宣讲"), "orglife": gettext_lazy("组织生活"), "grassroots": gettext_lazy("基层组织建设"),
    "supervision": gettext_lazy("督导与整改"), "service": gettext_lazy("我为群众办实事"), "discipline": gettext_lazy("纪律建设"),
    "burden": gettext_lazy("作风建设与基层减负"),
}


class ScopeForm(forms.Form):
    org = forms.CharField(label=gettext_lazy("组织编码"), required=False, max_length=32)
    start = forms.DateField(label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return data


class WarningFilter(forms.Form):
    org = forms.CharField(label=gettext_lazy("组织编码"), required=False, max_length=32)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False,
                             choices=[("", gettext_lazy("全部"))] + list(KINDS.items()))
    on = forms.DateField(label=gettext_lazy("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RequirementForm(forms.Form):
    requirement = forms.IntegerField(widget=forms.HiddenInput)
    cadence = forms.ChoiceField(label=gettext_lazy("频次"), choices=Cadence.choices)
    min_full_members = forms.IntegerField(label=gettext_lazy("正式党员下限"), min_value=0, max_value=1000,
                                          error_messages={"invalid": gettext_lazy("请输入整数。")})
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False)


def default_org(user: User) -> Organization:
    root = access.scope_root(user)
    if root is not None:
        return root
    org = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if org is None:
        raise Http404
    return org


def scope_org(user: User, code: str | None) -> Organization:
    """The asked organization, through the access layer (outside the user's subtree: 404)."""
    if code:
        return access.get_org_for_user(user, code.strip())
    return default_org(user)


def period_of(form: ScopeForm) -> tuple[dt.date, dt.date]:
    today = dates.today()
    start = form.cleaned_data.get("start") if form.is_valid() else None
    end = form.cleaned_data.get("end") if form.is_valid() else None
    return start or dt.date(today.year, 1, 1), end or today


def plain(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


class _Line:
    """A file-like sink handing back what the csv writer wrote (one row at a time)."""

    def write(self, text: str) -> str:
        return text


Sheets = list[tuple[str, list[str], Iterable[Sequence[object]]]]  # (title, columns, rows) of a table download


def _csv_lines(sheets: Sheets, language: str) -> Iterator[str]:
    from qingfeng.core.spreadsheet import csv_writer

    writer = csv_writer(_Line())
    with translation.override(language):
        yield "\ufeff"
        for title, columns, rows in sheets:
            if len(sheets) > 1:
                yield writer.writerow([title])
            yield writer.writerow(columns)
            for r in rows:
                yield writer.writerow([plain(v) for v in r])


def table_response(fmt: str, filename: str, sheets: Sheets) -> HttpResponseBase:
    """An .xlsx (one sheet per part) or .csv (parts one after another) download, streamed: the rows are read in
    chunks as they are written (a drill-through of hundreds of thousands of records is never held whole)."""
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(_csv_lines(sheets, translation.get_language() or "zh-hans"),
                                                           content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename={filename}.csv"
        return response
    import tempfile

    from openpyxl import Workbook

    from qingfeng.core.exports import short_sheet_name
    from qingfeng.core.spreadsheet import xlsx_row

    wb = Workbook(write_only=True)  # rows go to a temporary file as they are appended
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title=short_sheet_name(title))
        ws.append(xlsx_row(ws, columns))
        for r in rows:
            ws.append(xlsx_row(ws, [plain(v) for v in r]))
    out = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it when sent
    wb.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def audit_export(user: User, model: str, summary: str) -> None:
    from qingfeng.audit.models import AuditAction, record

    record(user, AuditAction.EXPORT, model=model, summary=summary)


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """Every indicator the user may see, for a subtree and a period, each linked to its records."""
    form = ScopeForm(request.GET or None)
    org = scope_org(request.user, request.GET.get("org"))
    start, end = period_of(form)
    values = engine.compute(org, start, end, user=request.user)
    sections = []
    for section in SECTIONS:
        items = [(REGISTRY[k], v) for k, v in values.items() if REGISTRY[k].section == section]
        if items:
            sections.append((SECTION_LABELS[section], items))
    return render(request, "indicators/index.html", {
        "form": form if form.is_bound else ScopeForm(initial={"org": org.code, "start": start, "end": end}),
        "org": org, "start": start, "end": end, "sections": sections,
    })


@login_required
def drill(request: AuthedRequest) -> HttpResponseBase:
    """The records behind one value: for a rate, the numerator's and the denominator's. The indicator is picked by
    name (grouped as the catalogue); every record is reached page by page, each row linked to its record."""
    form = ScopeForm(request.GET or None)
    org = scope_org(request.user, request.GET.get("org"))
    start, end = period_of(form)
    key_text = (request.GET.get("key") or "").strip()
    context = {"form": form if form.is_bound else ScopeForm(initial={"org": org.code, "start": start, "end": end}),
               "org": org, "start": start, "end": end, "key": key_text,
               "picker": _picker(request.user, key_text)}
    if not key_text:
        return render(request, "indicators/drill.html", context)
    try:
        key = engine.parse_key(key_text)
    except engine.IndicatorError as exc:
        context["error"] = str(exc)
        return render(request, "indicators/drill.html", context, status=400)
    if not engine.may_see(key.indicator, request.user):
        raise Http404  # restricted records do not exist outside the discipline roles
    parts = direct.parts(key.indicator.id, direct.Ask(org, start, end, key.effective_filters()))
    if key.indicator.restricted:
        from qingfeng.audit.models import AuditAction, record

        record(request.user, AuditAction.READ, model="indicators.drill", object_id=key.text[:60],
               summary=f"{key.text} {org.code} {start}..{end}")
    blocks = ([("records", _("记录"), parts.records)] if parts.records is not None
              else list(zip(("numerator", "denominator"), (_("分子"), _("分母")), parts.rate(), strict=True)))
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        audit_export(request.user, "indicators.drill", f"{key.text} {org.code} {start}..{end}")
        return table_response(fmt, "drill", [(str(title), rs.columns, rs.rows()) for _name, title, rs in blocks])
    from qingfeng.indicators.figures import fmt as show
    from qingfeng.indicators.figures import label
    from qingfeng.indicators.paging import figure_and_sizes

    # The value and the totals from the facts where they hold them; only the page's rows are read (indicators.paging).
    value, sizes = figure_and_sizes(key, parts, org, start, end, user=request.user)
    shown = []
    for name, title, rs in blocks:
        total = sizes[name]
        number = _page_number(request.GET.get(f"{name}_page"), total)
        first = (number - 1) * DRILL_PAGE_ROWS
        rows = rs.slice(first, first + DRILL_PAGE_ROWS)
        params = request.GET.copy()
        params.pop(f"{name}_page", None)
        pages = max(1, -(-total // DRILL_PAGE_ROWS))
        shown.append({
            "name": name, "title": title, "columns": rs.columns, "count": total, "number": number, "pages": pages,
            "first": first + 1 if rows else 0, "last": first + len(rows),
            "rows": [_linked(rs.columns, row) for row in rows],
            "prev": f"?{params.urlencode()}&{name}_page={number - 1}" if number > 1 else "",
            "next": f"?{params.urlencode()}&{name}_page={number + 1}" if number < pages else "",
        })
    context.update({
        "indicator": key.indicator, "value": value, "value_text": show(value, key.text),
        "label": label(key.text), "blocks": shown, "export_query": request.GET.urlencode(),
    })
    return render(request, "indicators/drill.html", context)


def _page_number(text: str | None, total: int) -> int:
    try:
        number = int(text or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), max(1, -(-total // DRILL_PAGE_ROWS)))


def _picker(user: User, key_text: str) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """The indicators the user may see, by section, as (section name, [(key, name, selected)]); a filtered key
    being shown is an option of its own, named in words."""
    from qingfeng.indicators.figures import base_id, label

    current = base_id(key_text) if key_text else ""
    groups: dict[str, list[tuple[str, str, bool]]] = {}
    for ident in engine.answerable_ids(user):
        ind = REGISTRY[ident]
        options = groups.setdefault(ind.section, [])
        if ident == current and key_text != ident:
            options.append((key_text, label(key_text), True))
        options.append((ident, label(ident), key_text == ident))
    return [(str(SECTION_LABELS.get(section, section)), groups[section])
            for section in [*SECTIONS, *sorted(set(groups) - set(SECTIONS))] if section in groups]


# A drill row's record: the column holding its code, and the page that shows it.
RECORD_LINKS = {
    "活动编号": "activities:detail", "问题编号": "supervision:detail", "事项编号": "service:detail",
    "统一社会信用代码": "entities:detail", "小分队编码": "activities:team_detail", "报表编号": "burden:detail",
    "案件编号": "discipline:case", "建议书编号": "discipline:recommendation",
}
ORG_COLUMNS = ("组织编码", "党支部编码")  # a column ending so holds an organization's code


TYPE_COLUMNS = {"活动类型", "要求"}  # an activity type's name
WORD_COLUMNS = {"形式", "来源", "岗位", "类别", "渠道", "状态", "方式", "形态", "措施"}  # a built-in choice's value


def _shown(column: str, value: object) -> object:
    """A cell as the page's language writes it: the records hold built-in words in Chinese (是, 主题党日, 导入)."""
    if not isinstance(value, str) or not value:
        return value
    if value in ("是", "否") or column in WORD_COLUMNS:
        return _(value)
    if column in TYPE_COLUMNS:
        from qingfeng.activities.models import ActivityType

        return ActivityType.display_name(value)
    return value


def _linked(columns: list[str], row: Sequence[object]) -> list[tuple[object, str]]:
    """(value, link) per cell: the record's code links to the record, an organization's code to the organization."""
    from django.urls import NoReverseMatch, reverse

    out = []
    for column, value in zip(columns, row, strict=False):
        url = ""
        name = RECORD_LINKS.get(column) or ("orgs:detail" if column.endswith(ORG_COLUMNS) else "")
        if name and value:
            try:
                url = reverse(name, args=[value])
            except NoReverseMatch:
                url = ""
        out.append((_shown(column, value), url))
    return out


@login_required
def warnings_page(request: AuthedRequest) -> HttpResponseBase:
    form = WarningFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    org = scope_org(request.user, data.get("org"))
    on = data.get("on") or dates.today()
    kinds = [data["kind"]] if data.get("kind") else None
    found = warning_list(org, on, user=request.user, kinds=kinds)  # built only for the page shown (or the export)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        audit_export(request.user, "indicators.warning", f"{org.code} {on} {data.get('kind') or ''}")
        columns = [_("级别"), _("类型"), _("组织编码"), _("组织名称"), _("说明"), _("期限"), _("链接")]
        rows = ([_("红色") if w.severity == RED else _("黄色"), w.kind_label, w.org.code, w.org.name, w.message, w.due,
                 request.build_absolute_uri(w.url)] for w in found)
        return table_response(fmt, "warnings", [(_("预警"), columns, rows)])
    page, query = paginate(request, found, per_page=50)
    tally = found.counts()
    counts = {k: 0 for k in KINDS}
    for (kind, _severity), n in tally.items():
        counts[kind] += n
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "indicators/warnings.html", {
        "form": form if form.is_bound else WarningFilter(initial={"org": org.code, "on": on}),
        "org": org, "on": on, "page": page, "query": query, "total": len(found),
        "red": sum(n for (_kind, severity), n in tally.items() if severity == RED),
        "counts": [(k, KINDS[k], n) for k, n in counts.items()], "export_query": params.urlencode(),
        "kind": data.get("kind") or "", "below": _warnings_below(found, org, on),
    })


BELOW_MAX = 40  # organizations directly below whose warnings are counted one by one (a street's branches)


def _warnings_below(found: WarningList, org: Organization, on: dt.date) -> list[tuple[Organization, int, int]]:
    """(organization, red, yellow) for each organization directly below that has warnings, the most red first:
    where in the subtree the warnings are. Counted from what the subtree's list already read (its rows and the
    children's rolled-up window facts), not by a list per child."""
    from qingfeng.orgs.models import Organization

    children = list(Organization.objects.filter(parent=org).active_on(on).order_by("code")[:BELOW_MAX + 1])
    if not children or len(children) > BELOW_MAX:
        return []
    below = found.counts_below(org, children)
    rows = []
    for child in children:
        tally = below[child.pk]
        red = sum(n for (_k, severity), n in tally.items() if severity == RED)
        yellow = sum(tally.values()) - red
        if red or yellow:
            rows.append((child, red, yellow))
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0].code))


@login_required
def requirements(request: AuthedRequest) -> HttpResponse:
    """The organizational-life requirements: everyone reads them; 系统管理员 changes them."""
    may_edit = request.user.is_platform_admin
    rows = list(Requirement.objects.select_related("activity_type").order_by("activity_type__sort", "id"))
    bound = None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        bound = RequirementForm(request.POST, auto_id=f"id_r{request.POST.get('requirement', '')}_%s")
        if bound.is_valid():
            data = bound.cleaned_data
            requirement = next((r for r in rows if r.pk == data["requirement"]), None)
            if requirement is None:
                raise Http404
            try:
                actions.update_requirement(requirement, cadence=data["cadence"],
                                           min_full_members=data["min_full_members"], is_active=data["is_active"],
                                           user=request.user)
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    for err in errs:
                        bound.add_error(field if field in bound.fields else None, err)
            else:
                messages.success(request, _("已保存“%(name)s”的要求，合规统计已按新要求重算。") % {
                    "name": requirement.activity_type.name})
                return redirect("indicators:requirements")
    items = []
    for r in rows:
        if bound is not None and bound.data.get("requirement") == str(r.pk):
            f = bound
        else:
            f = RequirementForm(initial={"requirement": r.pk, "cadence": r.cadence,
                                         "min_full_members": r.min_full_members, "is_active": r.is_active},
                                auto_id=f"id_r{r.pk}_%s")
        items.append((r, f))
    return render(request, "indicators/requirements.html", {"items": items, "may_edit": may_edit},
                  status=400 if bound is not None and not bound.is_valid() else 200)
