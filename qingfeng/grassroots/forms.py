from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, RecordForm, StyledForm
from qingfeng.grassroots.models import Assignment, AssignmentEndReason, Role, WeakOrgCase
from qingfeng.orgs.models import Election


class AssignmentForm(RecordForm):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = forms.CharField(label=_("派驻组织编码"), max_length=32)

    class Meta:
        model = Assignment
        fields = ["id_number", "name", "role", "org", "sent_by", "team", "start_on"]
        widgets = {"start_on": DateInput()}


class AssignmentFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("姓名"), required=False)
    role = forms.ChoiceField(label=_("岗位"), choices=[("", "---------"), *Role.choices], required=False)
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", "---------"), ("1", _("在岗")), ("0", _("已结束"))])
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class EndForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("结束日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("结束原因"), choices=AssignmentEndReason.choices)


class WeakCaseForm(RecordForm):
    org = forms.CharField(label=_("党组织编码"), max_length=32)

    class Meta:
        model = WeakOrgCase
        fields = ["org", "identified_on", "problems"]
        widgets = {"identified_on": DateInput()}


class WeakCaseFilter(StyledForm, forms.Form):
    open = forms.ChoiceField(label=_("状态"), required=False,
                             choices=[("", "---------"), ("1", _("整顿中")), ("0", _("已完成整顿"))])
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class DateForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput())


class ElectionForm(RecordForm):
    org = forms.CharField(label=_("党组织编码"), max_length=32)
    term_years = forms.TypedChoiceField(label=_("任期年限"), coerce=int, choices=[(3, _("3 年")), (5, _("5 年"))])

    class Meta:
        model = Election
        fields = ["org", "held_on", "term_years"]
        widgets = {"held_on": DateInput()}


class ElectionFilter(StyledForm, forms.Form):
    due = forms.BooleanField(label=_("只看任期已满"), required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
