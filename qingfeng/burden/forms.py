from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.burden.models import ReportForm, RetireReason
from qingfeng.core.ledger import DateInput, RecordForm, StyledForm


class ReportFormForm(RecordForm):
    org = forms.CharField(label=_("主管组织编码"), max_length=32)

    class Meta:
        model = ReportForm
        fields = ["org", "code", "name", "enabled_on"]
        widgets = {"enabled_on": DateInput()}


class ReportFormFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("报表名称"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", "---------"), ("1", _("在用")), ("0", _("已停用"))])
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class RetireForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("停用日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("停用原因"), choices=RetireReason.choices)
