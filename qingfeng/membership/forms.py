from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.membership.models import IncomeKind


class DateInput(forms.DateInput):
    input_type = "date"


class ApplicationForm(forms.Form):
    org = forms.CharField(label=_("党支部编码"), max_length=32)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=18)
    phone = forms.RegexField(label=_("手机号码"), regex=r"^1\d{10}$", required=False,
                             error_messages={"invalid": _("手机号码应为以1开头的11位数字。")})
    applied_on = forms.DateField(label=_("递交入党申请书日期"), widget=DateInput)


class StepForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput, required=False)
    people = forms.CharField(label=_("人员（公民身份号码，逗号分隔）"), required=False)
    days = forms.IntegerField(label=_("集中培训天数"), min_value=0, required=False)
    hours = forms.IntegerField(label=_("集中培训学时"), min_value=0, required=False)
    due = forms.IntegerField(label=_("应到有表决权党员"), min_value=0, required=False)
    present = forms.IntegerField(label=_("实到有表决权党员"), min_value=0, required=False)
    yes = forms.IntegerField(label=_("赞成票"), min_value=0, required=False)
    months = forms.IntegerField(label=_("延长月数"), min_value=0, required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class TransferRequestForm(forms.Form):
    to_org = forms.CharField(label=_("转入组织编码"), max_length=32)
    on = forms.DateField(label=_("转接日期"), widget=DateInput)
    reason = forms.CharField(label=_("说明"), required=False, max_length=300)


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("说明"), required=False, max_length=300)


class LetterForm(forms.Form):
    destination = forms.CharField(label=_("去往单位"), max_length=200)
    on = forms.DateField(label=_("转出日期"), widget=DateInput)


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(label=_("收入类别"), choices=IncomeKind.choices)
    income = forms.IntegerField(label=_("月收入（元）"), min_value=0)
    since = forms.DateField(label=_("起始月份"), widget=DateInput)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("缴纳日期"), widget=DateInput)
