from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingfeng.audit.models import AuditAction, AuditLog, AuditLogQuerySet


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("用户"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", _("全部"))] + list(AuditAction.choices))
    model = forms.CharField(label=_("对象类型"), required=False, max_length=60,
                            help_text=_("如 people.Person、discipline.Case"))
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data

    def filter(self, qs: AuditLogQuerySet) -> AuditLogQuerySet:
        data = self.cleaned_data
        if data.get("user"):
            qs = qs.filter(username=data["user"].strip())
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("model"):
            qs = qs.filter(model__iexact=data["model"].strip())
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            qs = qs.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
        if data.get("date_to"):
            qs = qs.filter(at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
        return qs


def model_choices() -> list[str]:
    return list(AuditLog.objects.order_by().values_list("model", flat=True).distinct()[:200])
