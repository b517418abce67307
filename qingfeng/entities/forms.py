from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, StyledForm
from qingfeng.entities.models import CoverageMode, EntityType


class EntityForm(StyledForm, forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    name = forms.CharField(label=_("名称"), max_length=200)
    type = forms.ChoiceField(label=_("类型"), choices=EntityType.choices)
    org = forms.CharField(label=_("属地党组织编码"), max_length=32)
    employees = forms.IntegerField(label=_("从业人员数"), min_value=0, required=False)
    member_count = forms.IntegerField(label=_("党员人数"), min_value=0, required=False)
    coverage = forms.ChoiceField(label=_("覆盖方式"), choices=CoverageMode.choices, initial=CoverageMode.NONE)
    since = forms.DateField(label=_("覆盖日期"), required=False, widget=DateInput(),
                            help_text=_("空表示自登记起；未覆盖时不填"))


class EntityFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False)
    type = forms.ChoiceField(label=_("类型"), choices=[("", "---------"), *EntityType.choices], required=False)
    coverage = forms.ChoiceField(label=_("覆盖方式"), choices=[("", "---------"), *CoverageMode.choices], required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class CoverageForm(StyledForm, forms.Form):
    mode = forms.ChoiceField(label=_("新的覆盖方式"), choices=CoverageMode.choices)
    since = forms.DateField(label=_("变化日期"), widget=DateInput())


class DateForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("注销日期"), widget=DateInput())
