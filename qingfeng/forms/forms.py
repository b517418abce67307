"""The page forms of 一表通: upload, publish, and the organization-and-period choice of a download."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qingfeng.core.dates import add_years, today
from qingfeng.core.ledger import DateInput, StyledForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_YEARS = 10


class UploadForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("报表模板（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class PublishForm(StyledForm, forms.Form):
    """Where the checked template goes in the forms register: a form already there, or a new entry."""

    existing = forms.CharField(label=_("报表目录中已有的报表编号"), max_length=40, required=False,
                               help_text=_("这张报表原来在报表目录中登记过时填写；否则留空，并填写下面三项登记新报表。"))
    org = forms.CharField(label=_("主管组织编码"), max_length=32, required=False)
    code = forms.CharField(label=_("报表编号"), max_length=40, required=False)
    name = forms.CharField(label=_("报表名称"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("existing") or "").strip():
            for name in ("org", "code", "name"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("登记新报表时必须填写。"))
        return data


def quarter(year: int, n: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * n - 2, 1)
    end = dt.date(year + (n == 4), 1 if n == 4 else 3 * n + 1, 1) - dt.timedelta(days=1)
    return start, end


def presets(day: dt.date | None = None) -> list[tuple[str, StrOrPromise, dt.date, dt.date]]:
    """(value, label, first day, last day): this year to date, last year, the quarters so far, last quarter of
    last year."""
    day = day or today()
    out: list[tuple[str, StrOrPromise, dt.date, dt.date]] = [
        ("year", _("本年（截至今天）"), dt.date(day.year, 1, 1), day),
           ("last_year", _("上年"), dt.date(day.year - 1, 1, 1), dt.date(day.year - 1, 12, 31))]
    for n in range(1, (day.month - 1) // 3 + 2):
        start, end = quarter(day.year, n)
        out.append((f"q{n}", _("本年第%(n)d季度") % {"n": n}, start, end))
    start, end = quarter(day.year - 1, 4)
    out.append(("last_q4", _("上年第4季度"), start, end))
    return out


class FillForm(StyledForm, forms.Form):
    """The organization and period a form is filled for (GET: org, period, from, to, version)."""

    org = forms.CharField(label=_("组织编码"), max_length=32, required=False)
    period = forms.ChoiceField(label=_("期间"), required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    end = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    version = forms.IntegerField(label=_("模板版本"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, query, *args, **kwargs):
        data = {"org": query.get("org", ""), "period": query.get("period", ""), "start": query.get("from", ""),
                "end": query.get("to", ""), "version": query.get("version", "")}
        super().__init__(data, *args, **kwargs)
        self.presets = presets()
        cast(forms.ChoiceField, self.fields["period"]).choices = [(v, label) for v, label, _s, _e in self.presets] + [("custom", _("自定义"))]
        self.fields["start"].widget.attrs["data-custom-date"] = ""
        self.fields["end"].widget.attrs["data-custom-date"] = ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        choice = data.get("period") or ("custom" if data.get("start") or data.get("end") else "year")
        if choice == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise ValidationError(_("自定义期间须填写开始日期和结束日期。"))
        else:
            start, end = next((s, e) for v, _l, s, e in self.presets if v == choice)
        if start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if add_years(start, MAX_YEARS) <= end:
            raise ValidationError(_("期间不能超过 %(years)s 年。") % {"years": MAX_YEARS})
        data["period"], data["start"], data["end"] = choice, start, end
        return data
