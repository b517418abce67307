"""The organization-and-period choice shared by the cockpit, the assessment pages and the review page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.access import get_org_for_user, scope_root
from qingfeng.core import dates
from qingfeng.core.dates import add_years

MAX_YEARS = 10


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The twelve months up to today."""
    today = today or dates.today()
    return add_years(today, -1) + dt.timedelta(days=1), today


def default_org(user):
    """The root of the user's scope; for a platform administrator without one, the first top organization."""
    from qingfeng.orgs.models import Organization

    root = scope_root(user)
    if root is not None:
        return root
    return Organization.objects.filter(parent__isnull=True).order_by("code").first()


class PeriodForm(forms.Form):
    org = forms.CharField(label=_("组织编码"), max_length=32, required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, query, user, *args, **kwargs):
        # The query string uses from/to (like the CLI and the drill page); the form fields are start/end.
        data = {"org": query.get("org", ""), "start": query.get("from", ""), "end": query.get("to", "")}
        super().__init__(data, *args, **kwargs)
        self.user = user

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        default_start, default_end = default_period()
        start = cleaned.get("start") or default_start
        end = cleaned.get("end") or default_end
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if start > end:
            raise ValidationError(_("开始日期不能晚于结束日期"))
        if add_years(start, MAX_YEARS) <= end:
            raise ValidationError(_("期间不能超过 %(years)s 年") % {"years": MAX_YEARS})
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def resolve_org(self):
        """The chosen organization through the access layer (404 outside the user's scope)."""
        code = (self.cleaned_data.get("org") or "").strip()
        if not code:
            org = default_org(self.user)
            if org is None:
                raise Http404
            return org
        return get_org_for_user(self.user, code)
