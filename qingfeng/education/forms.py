from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, StyledForm
from qingfeng.education.models import DegreeLevel

STATUS_CHOICES = [("", "---------"), ("studying", _("在读")), ("graduated", _("已毕业"))]


class StudyForm(StyledForm, forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = forms.CharField(label=_("组织编码"), max_length=32, help_text=_("此人任职的组织，如所在村党组织"))
    level = forms.ChoiceField(label=_("层次"), choices=DegreeLevel.choices)
    enrolled_on = forms.DateField(label=_("入学日期"), widget=DateInput())
    graduated_on = forms.DateField(label=_("毕业日期"), widget=DateInput(), required=False)


class GraduateForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("毕业日期"), widget=DateInput())


class StudyFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("姓名"), required=False)
    level = forms.ChoiceField(label=_("层次"), choices=[("", "---------"), *DegreeLevel.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    year = forms.IntegerField(label=_("入学年度"), min_value=1900, max_value=2999, required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
