"""Pieces every ledger shares: the action wrapper, history rows, list and form pages, export links.

A ledger's writes go through its app's actions.py, each wrapped by `ledger_action` (one transaction, the acting
user for the audit log, and one announcement of what changed through qingfeng.core.changes). History of a record
is the append-only audit log (audit.AuditLog) written by the actions; findings keep their own status history as
well (supervision.FindingEvent)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingfeng.accounts import access
from qingfeng.accounts.models import User
from qingfeng.audit.context import acting_as
from qingfeng.core import changes
from qingfeng.core.lists import paginate

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponseBase
    from django_stubs_ext import StrOrPromise

    from qingfeng.core.http import AuthedRequest
    from qingfeng.orgs.models import Organization
    from qingfeng.people.models import Person

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])  # a model's own QuerySet class, kept through the filter

EXPORT_FORMATS = ("xlsx", "csv")


# ---- writes ------------------------------------------------------------------------------

def ledger_action(func: Callable[P, R]) -> Callable[P, R]:
    """Every ledger write: one transaction; the audit log's save signals attribute the rows it writes to the acting
    user (also from the command line or a test); what it changed is announced once, before it commits."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        user = kwargs.get("user")  # by convention, the acting user is passed by keyword
        with transaction.atomic(), acting_as(user if isinstance(user, User) else None), changes.batch():
            return func(*args, **kwargs)

    return wrapper


def audit(user: User | AnonymousUser | None, action: str, obj: Model, summary: str = "",
          before: dict[str, object] | None = None, after: dict[str, object] | None = None) -> None:
    from qingfeng.audit.models import record

    record(user, action, obj, summary=summary or str(obj), before=before, after=after)


def jsonable(value: object) -> object:
    if hasattr(value, "isoformat"):  # dates, times, datetimes
        return str(value.isoformat())
    if hasattr(value, "pk"):
        return str(value)
    return value


def diff(obj: Model, changes: Mapping[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    """Apply `changes` to obj; return (before, after) of the fields that really changed."""
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            before[name], after[name] = jsonable(old), jsonable(value)
            setattr(obj, name, value)
    return before, after


def writable_org(user: User, code: str, writers: Collection[str]) -> Organization:
    """The organization `code` if the user may write records for it; ValidationError otherwise."""
    from django.http import Http404

    code = (code or "").strip()
    try:
        org = access.get_org_for_user(user, code)
    except Http404 as exc:
        raise ValidationError(_("组织编码“%(code)s”不存在或不在您的管理范围内。") % {"code": code}) from exc
    access.require_write(user, writers)
    return org


HIDDEN_FIELDS = {"id", "created_at", "updated_at", "entered_via", "created_by", "path", "depth"}


@dataclass
class HistoryRow:
    at: dt.datetime
    username: str
    action: str
    summary: str
    changes: list[tuple[str, str, str]]  # (field label, old, new) as shown


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):  # counts by a built-in word (出席 8，请假 0): the words and the comma in the page's language
        from django.utils.translation import get_language

        comma = "，" if (get_language() or "zh").startswith("zh") else ", "
        return comma.join(f"{_(k)} {v}" for k, v in value.items())
    return str(value)


def history_of(obj: Model) -> list[HistoryRow]:
    """The record's audit rows, oldest first, as a person reads them: who, when, what changed
    (field labels, old → new); a creation is one line."""
    from django.core.exceptions import FieldDoesNotExist

    from qingfeng.audit.models import AuditLog

    rows = []
    for log in AuditLog.objects.filter(model=obj._meta.label, object_id=str(obj.pk)).order_by("at", "id"):
        changes: list[tuple[str, str, str]] = []
        if log.action != "create":
            before = log.before or {}
            for name, value in (log.after or {}).items():
                if name in HIDDEN_FIELDS:
                    continue
                old = before.get(name)
                try:
                    model_field = obj._meta.get_field(name)
                except FieldDoesNotExist:
                    model_field = None
                if not isinstance(model_field, Field) or not model_field.concrete:
                    label = str(_("参加人员")) if name == "attendance" else name
                else:
                    label = str(model_field.verbose_name)
                    if model_field.choices:  # show 待核验, not "submitted"
                        names = {k: str(v) for k, v in model_field.flatchoices}
                        old, value = names.get(old, old), names.get(value, value)
                changes.append((label, _show(old), _show(value)))
        summary = "" if log.summary == str(obj)[:300] else log.summary
        rows.append(HistoryRow(log.at, log.username, log.get_action_display(), summary, changes))
    return rows


# ---- list pages ----------------------------------------------------------------------------

@dataclass
class Column:
    label: str
    css: str = ""
    phone: str = ""  # on a phone's card: "title", "status", "action", "hide" — or a labelled fact ("")


@dataclass
class Cell:
    text: object = ""
    url: str = ""
    css: str = ""
    badge: str = ""  # a Tabler colour: the cell renders as a badge
    label: str = ""  # the column's name, shown beside the value on a phone's card


# A listed record: an instance of the page's queryset, often with annotations of the view's own (counts), which no
# model class declares.
Record = Any


@dataclass
class Listing:
    title: StrOrPromise
    columns: list[Column]
    row: Callable[[Record], Iterable[Cell | object]]  # a record's cells; a value that is not a Cell is its text
    filters: forms.Form | None = None  # a bound GET form
    sheet: str = ""  # the import sheet, for the export links
    create_url: str = ""
    create_label: StrOrPromise = ""
    extra_actions: Sequence[tuple[StrOrPromise, str]] = field(default_factory=list)  # (label, url)
    empty: StrOrPromise = ""
    row_css: Callable[[Record], str] | None = None
    prepare: Callable[[list[Record]], object] | None = None  # fetch what the page's rows show, for the page only


def list_page(request: AuthedRequest, queryset: QuerySet[M], listing: Listing, template: str = "ledger/list.html",
              extra: Mapping[str, object] | None = None) -> HttpResponseBase:
    """One list view: the filtered queryset on screen, paginated; the same queryset exported;
    an htmx request gets just the results fragment."""
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS and listing.sheet:
        from qingfeng.core import exports, jobs, masking

        full = masking.wants_full_numbers(request)  # 403 for a role that may not unmask
        if not jobs.in_job(request) and queryset.count() > jobs.EXPORT_JOB_ROWS:
            return jobs.download_later(request, f"{listing.title} {fmt}")  # a city's rows: made by a job
        masking.audit_export(request, queryset.model._meta.label, f"{listing.sheet} {fmt}", full)
        return exports.export_response(queryset, listing.sheet, fmt, full_numbers=full)
    page, query = paginate(request, queryset)
    if listing.prepare:
        page.object_list = list(page.object_list)
        listing.prepare(page.object_list)
    rows = []
    for obj in page.object_list:
        cells = [c if isinstance(c, Cell) else Cell(text=c) for c in listing.row(obj)]
        for cell, column in zip(cells, listing.columns, strict=False):
            cell.label = column.label
            if column.phone:
                cell.css = f"{cell.css} qf-{'phone-hide' if column.phone == 'hide' else column.phone}".strip()
        rows.append({"cells": cells, "css": listing.row_css(obj) if listing.row_css else ""})
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    params.pop("numbers", None)
    context = {
        "listing": listing, "page": page, "query": query, "rows": rows,
        "export_links": [(f, f"?{params.urlencode()}{'&' if params else ''}export={f}") for f in EXPORT_FORMATS]
        if listing.sheet else [],
        "full_export_links": [(f, f"?{params.urlencode()}{'&' if params else ''}export={f}&numbers=full")
                              for f in EXPORT_FORMATS] if listing.sheet and _offers_full_numbers(request, listing) else [],
        **(extra or {}),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "ledger/_results.html", context)
    return render(request, template, context)


def _offers_full_numbers(request: AuthedRequest, listing: Listing) -> bool:
    from qingfeng.core.exports import has_personal_numbers

    return access.can_unmask(request.user) and has_personal_numbers(listing.sheet)


def form_page(request: AuthedRequest, form: forms.BaseForm, *, title: StrOrPromise, back_url: str, submit: StrOrPromise,
              template: str = "ledger/form.html", extra: Mapping[str, object] | None = None,
              status: int = 200) -> HttpResponse:
    return render(request, template, {"form": form, "title": title, "back_url": back_url, "submit": submit,
                                      **(extra or {})}, status=status)


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put an action's ValidationError on the form (on fields where the action named them)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ---- forms ---------------------------------------------------------------------------------

def DateInput(**attrs: str) -> forms.DateInput:  # named as the widget class it stands for
    """An <input type=date> widget (phones show their native picker)."""
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def style_fields(form: forms.BaseForm) -> None:
    """Tabler classes on every widget, so each form renders the same."""
    for form_field in form.fields.values():
        widget = form_field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)


def show_only_for(form_field: forms.Field, values: str) -> None:
    """Show a field only while the form's chooser holds one of `values` (space-separated): ledger/_form_fields.html
    writes it as data-show-for, which ledgers.js follows."""
    form_field.show_for = values  # type: ignore[attr-defined]  # a hint for the template, on the field it concerns


class StyledForm(forms.BaseForm):
    """Mixin: a Form whose widgets carry Tabler classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class RecordForm(StyledForm, forms.ModelForm):  # type: ignore[type-arg]  # a base for ModelForms of any model
    """The page form of a record: its fields (label, choices, length, blank) come from the model's `Meta.fields`,
    so a field is written once. The form only checks what the user typed: the record is built, checked whole
    (uniqueness, scope, the organization named by its code) and saved by the app's action, in its own words —
    so the model instance is not assembled or validated here. Fields show in the order of `Meta.fields`, which
    may name the form's own fields too (an organization by its code, a person by ID number)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.field_order is None:
            self.order_fields(self._meta.fields)

    def _post_clean(self) -> None:
        return None


# ---- people named by ID number (lecturers, dispatched cadres, persons held accountable) ------

def person_not_available() -> str:
    """The one answer when a person named by ID number cannot be used: the same whether the number belongs to
    someone outside the user's subtree or is registered under another name — it names nobody and no
    organization."""
    return _("无法在您的管理范围内使用该公民身份号码和姓名：请核对号码和姓名；如此人由其他组织管理，请由其所在组织或共同的上级组织办理。")


def persons_not_found(numbers: Iterable[str]) -> str:
    """The one answer for a lookup of existing persons by ID number (培养联系人, 入党介绍人): unknown numbers and
    numbers of people outside the subtree read the same."""
    return _("在您的管理范围内找不到公民身份号码为 %(ids)s 的人员。") % {"ids": "、".join(numbers)}


def people_in_reach(user: User | None, numbers: Iterable[str]) -> dict[str, Person]:
    """{ID number: person} of the given numbers that the user may see (accounts.access.visible_people); `user` None
    (a command acting for the platform) sees everyone."""
    from qingfeng.people.models import Person

    qs = Person.objects.all() if user is None else access.visible_people(user)
    return {p.id_number: p for p in qs.filter(id_number__in=list(numbers))}


def person_by_id(id_number: str, name: str, user: User | None = None, **extra: object) -> Person:
    """The person with this 公民身份号码, or a new one (need not be a party member; `extra` fields such as phone
    for a new one). An existing person is used only when the user sees them and the name agrees; otherwise one
    neutral answer (person_not_available), so an ID number reveals no name and no organization, and naming
    someone on an assignment, a roster or a candidacy never reaches a person outside the user's subtree.
    `user` None is a command acting for the whole platform."""
    from qingfeng.core.idnumbers import id_birth_date, id_gender, id_problem
    from qingfeng.people.models import Person

    id_number, name = (id_number or "").strip().upper(), (name or "").strip()
    problem = id_problem(id_number)
    if problem:
        raise ValidationError({"id_number": [problem]})
    if not name:
        raise ValidationError({"name": [_("请填写姓名。")]})
    person = Person.objects.filter(id_number=id_number).first()
    if person is not None:
        if person.name != name or (user is not None and id_number not in people_in_reach(user, [id_number])):
            raise ValidationError({"id_number": [person_not_available()]})
        return person
    return Person.objects.create(name=name, id_number=id_number, gender=id_gender(id_number),
                                 birth_date=id_birth_date(id_number), **extra)


def within_code(qs: QS, user: User, code: str, field: str = "org") -> QS:
    """Narrow a list to the subtree of the organization `code` — if the user sees it; else nothing."""
    from django.http import Http404

    code = (code or "").strip()
    if not code:
        return qs
    try:
        org = access.get_org_for_user(user, code)
    except Http404:
        return qs.none()
    return qs.filter(**{f"{field}__path__startswith": org.path})


def post_transition(request: AuthedRequest, form: forms.Form, action: Callable[[dict[str, Any]], object],
                    success: StrOrPromise, redirect_to: str) -> HttpResponseRedirect:
    """Run one POSTed transition form through its action; errors become a message on the record's page."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if form.is_valid():
        try:
            action(form.cleaned_data)
            messages.success(request, success)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(f"{form.fields[k].label if k in form.fields else ''}：{' '.join(map(str, v))}"
                                         for k, v in form.errors.items()))
    return redirect(redirect_to)
