from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.access import visible_orgs
from qingfeng.core.ledger import RecordForm
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.people.models import CadreLevel


class OrgCodeField(forms.CharField):
    """An organization in the user's subtree, typed by its 组织编码."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)


class ScopedForm(RecordForm):
    """A discipline record's form: the organization typed by its code must be in the user's subtree."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_org(self):
        code = self.cleaned_data["org"].strip()
        org = visible_orgs(self.user).filter(code=code).first()
        if org is None:
            raise forms.ValidationError(_("组织编码 %(code)s 不存在或不在您的管辖范围内。") % {"code": code})
        return org


DATE = forms.DateInput(attrs={"type": "date"})


class CaseForm(ScopedForm):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    cadre_level = forms.ChoiceField(label=_("干部管理层级"), required=False,
                                    choices=[("", "—")] + list(CadreLevel.choices))
    org = OrgCodeField(label=_("承办组织编码"))

    class Meta:
        model = Case
        fields = ["code", "id_number", "name", "cadre_level", "org", "filed_on", "self_surrender", "closed_on"]
        widgets = {"filed_on": DATE, "closed_on": DATE}


class DispositionForm(ScopedForm):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = OrgCodeField(label=_("决定组织编码"))
    case = forms.CharField(label=_("案件编号"), max_length=40, required=False)

    class Meta:
        model = Disposition
        fields = ["id_number", "name", "org", "decided_on", "form", "measure", "case"]
        widgets = {"decided_on": DATE}

    def clean_case(self):
        code = self.cleaned_data["case"].strip()
        if not code:
            return None
        from qingfeng.discipline.access import visible_cases

        case = visible_cases(self.user).filter(code=code).first()
        if case is None:
            raise forms.ValidationError(_("案件编号 %(code)s 不存在或不在您的管辖范围内。") % {"code": code})
        return case


class RecommendationForm(ScopedForm):
    org = OrgCodeField(label=_("发出组织编码"))

    class Meta:
        model = Recommendation
        fields = ["code", "org", "issued_on", "recipient", "replied_on"]
        widgets = {"issued_on": DATE, "replied_on": DATE}


class DayForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DATE)


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("open", _("未结")), ("closed", _("已结"))])

    def filter_cases(self, qs):
        data = self.cleaned_data
        q = (data.get("q") or "").strip()
        if q:
            qs = qs.filter(code__icontains=q) | qs.filter(person__name__contains=q)
        if data.get("status") == "open":
            qs = qs.filter(closed_on__isnull=True)
        elif data.get("status") == "closed":
            qs = qs.filter(closed_on__isnull=False)
        return qs
