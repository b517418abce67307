from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.access import visible_orgs
from qingfeng.discipline.models import Form
from qingfeng.people.models import CadreLevel


class OrgCodeField(forms.CharField):
    """An organization in the user's subtree, typed by its 组织编码."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)


class ScopedForm(forms.Form):
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
    code = forms.CharField(label=_("案件编号"), max_length=40)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    cadre_level = forms.ChoiceField(label=_("干部管理层级"), required=False,
                                    choices=[("", "—")] + list(CadreLevel.choices))
    org = OrgCodeField(label=_("承办组织编码"))
    filed_on = forms.DateField(label=_("立案日期"), widget=DATE)
    self_surrender = forms.BooleanField(label=_("主动投案"), required=False)
    closed_on = forms.DateField(label=_("结案日期"), required=False, widget=DATE)


class DispositionForm(ScopedForm):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = OrgCodeField(label=_("决定组织编码"))
    decided_on = forms.DateField(label=_("日期"), widget=DATE)
    form = forms.TypedChoiceField(label=_("形态"), coerce=int, choices=Form.choices)
    measure = forms.CharField(label=_("措施"), max_length=200, required=False)
    case = forms.CharField(label=_("案件编号"), max_length=40, required=False)

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
    code = forms.CharField(label=_("建议书编号"), max_length=40)
    org = OrgCodeField(label=_("发出组织编码"))
    issued_on = forms.DateField(label=_("发出日期"), widget=DATE)
    recipient = forms.CharField(label=_("收文单位"), max_length=200)
    replied_on = forms.DateField(label=_("回复日期"), required=False, widget=DATE)


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
