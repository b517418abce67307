from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, RecordForm, StyledForm
from qingfeng.files.forms import MultipleFileField
from qingfeng.service.models import ServiceCategory, ServiceItem

STATUS_CHOICES = [("", "---------"), ("committed", _("已承诺")), ("progress", _("推进中")), ("completed", _("已办结")),
                  ("late", _("逾期未办结"))]


class ServiceItemForm(RecordForm):
    org = forms.CharField(label=_("组织编码"), max_length=32)

    class Meta:
        model = ServiceItem
        fields = ["org", "name", "category", "committed_on", "planned_on"]
        widgets = {"committed_on": DateInput(), "planned_on": DateInput()}


class ServiceFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("事项名称"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    category = forms.ChoiceField(label=_("类别"), choices=[("", "---------"), *ServiceCategory.choices], required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)


class StartForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("开始推进日期"), widget=DateInput())


class CompleteForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("完成日期"), widget=DateInput())
    beneficiaries = forms.IntegerField(label=_("受益人数"), min_value=0)
    files = MultipleFileField(label=_("照片或材料"))  # type: ignore[assignment]  # a declared field, taken out of the class by the form's metaclass: BaseForm.files stays
