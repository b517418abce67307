from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, StyledForm
from qingfeng.grassroots.models import AssignmentEndReason, Role


class AssignmentForm(StyledForm, forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("岗位"), choices=Role.choices)
    org = forms.CharField(label=_("派驻组织编码"), max_length=32)
    sent_by = forms.CharField(label=_("派出单位"), max_length=200, required=False)
    team = forms.CharField(label=_("队伍"), max_length=100, required=False)
    start_on = forms.DateField(label=_("开始日期"), widget=DateInput())


class AssignmentFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("姓名"), required=False)
    role = forms.ChoiceField(label=_("岗位"), choices=[("", "---------"), *Role.choices], required=False)
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", "---------"), ("1", _("在岗")), ("0", _("已结束"))])
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class EndForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("结束日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("结束原因"), choices=AssignmentEndReason.choices)


class WeakCaseForm(StyledForm, forms.Form):
    org = forms.CharField(label=_("党组织编码"), max_length=32)
    identified_on = forms.DateField(label=_("认定日期"), widget=DateInput())
    problems = forms.CharField(label=_("主要问题"), widget=forms.Textarea, required=False)


class WeakCaseFilter(StyledForm, forms.Form):
    open = forms.ChoiceField(label=_("状态"), required=False,
                             choices=[("", "---------"), ("1", _("整顿中")), ("0", _("已完成整顿"))])
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class DateForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput())


class ElectionForm(StyledForm, forms.Form):
    org = forms.CharField(label=_("党组织编码"), max_length=32)
    held_on = forms.DateField(label=_("选举日期"), widget=DateInput())
    term_years = forms.TypedChoiceField(label=_("任期年限"), coerce=int, choices=[(3, _("3 年")), (5, _("5 年"))])


class ElectionFilter(StyledForm, forms.Form):
    due = forms.BooleanField(label=_("只看任期已满"), required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
