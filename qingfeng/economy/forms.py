from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, StyledForm
from qingfeng.economy.models import FundSource


class SupportItemForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("项目编号"), max_length=40)
    org = forms.CharField(label=_("组织编码"), max_length=32, help_text=_("获扶持村的党组织"))
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    amount = forms.IntegerField(label=_("金额(元)"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    paid_on = forms.DateField(label=_("拨付日期"), widget=DateInput())
    purpose = forms.CharField(label=_("用途"), max_length=300, required=False)


class SupportFilter(StyledForm, forms.Form):
    source = forms.ChoiceField(label=_("资金来源"), choices=[("", "---------"), *FundSource.choices], required=False)
    year = forms.IntegerField(label=_("拨付年度"), min_value=1900, max_value=2999, required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
    q = forms.CharField(label=_("村名或用途"), required=False)
