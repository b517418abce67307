from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, RecordForm, StyledForm
from qingfeng.entities.models import CoverageMode, Entity, EntityType


class EntityForm(RecordForm):
    org = forms.CharField(label=_("属地党组织编码"), max_length=32)
    since = forms.DateField(label=_("覆盖日期"), required=False, widget=DateInput(),
                            help_text=_("空表示自登记起；未覆盖时不填"))

    class Meta:
        model = Entity
        fields = ["credit_code", "name", "type", "org", "employees", "member_count", "coverage", "since"]


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
