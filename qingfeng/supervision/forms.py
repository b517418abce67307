from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, RecordForm, StyledForm
from qingfeng.files.forms import MultipleFileField
from qingfeng.supervision.models import (
    AccountabilityMode,
    Finding,
    FindingSource,
    FindingStatus,
    ProblemCategory,
)


class FindingForm(RecordForm):
    org = forms.CharField(label=_("责任组织编码"), max_length=32)
    round = forms.CharField(label=_("督导轮次（活动编号）"), max_length=40, required=False,
                            help_text=_("从督导、督战或政治监督专项检查活动页面登记时自动填写"))
    files = MultipleFileField(label=_("附件"))  # type: ignore[assignment]  # a declared field, taken out of the class by the form's metaclass: BaseForm.files stays

    class Meta:
        model = Finding
        fields = ["org", "source", "round", "found_on", "deadline", "description", "category"]
        widgets = {"found_on": DateInput(), "deadline": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("未分类")), *ProblemCategory.choices]  # type: ignore[attr-defined]


class FindingFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("编号或描述"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", "---------"), *FindingStatus.choices])
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", "---------"), *FindingSource.choices])
    category = forms.ChoiceField(label=_("问题类别"), required=False,
                                 choices=[("", "---------"), *ProblemCategory.choices, ("none", _("未分类"))])
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)


class ClassifyForm(StyledForm, forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), required=False, choices=[("", _("未分类")), *ProblemCategory.choices])


class SubmitForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea,
                           error_messages={"required": _("请说明整改情况。")})
    files = MultipleFileField(label=_("整改佐证（照片、文件）"))  # type: ignore[assignment]  # a declared field, taken out of the class by the form's metaclass: BaseForm.files stays


class ReturnForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea,
                             error_messages={"required": _("退回时必须说明理由。")})


class CloseForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("销号日期"), widget=DateInput())
    note = forms.CharField(label=_("核验意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AccountabilityForm(StyledForm, forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = forms.CharField(label=_("决定组织编码"), max_length=32)
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    mode = forms.ChoiceField(label=_("问责方式"), choices=AccountabilityMode.choices)
