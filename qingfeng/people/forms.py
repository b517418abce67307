"""Forms of the people pages: the member list's filters and the transfer of a member."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.access import visible_orgs
from qingfeng.core import dates
from qingfeng.orgs.models import Organization
from qingfeng.people.models import CadreLevel, Category, PersonQuerySet

if TYPE_CHECKING:
    import datetime as dt

    from qingfeng.accounts.models import User

EXPORT_FORMATS = ("xlsx", "csv")


class OrgCodeField(forms.CharField):
    """An organization named by its 组织编码; the form's `clean_*` resolves it within the user's scope."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "list": "org-options", "inputmode": "text"})


def org_in_scope_or_error(user: User, code: str) -> Organization:
    org = visible_orgs(user).filter(code=code.strip()).first()
    if org is None:
        raise forms.ValidationError(
            _("组织编码“%(code)s”不存在，或不在您的管辖范围内。"), code="org_scope", params={"code": code}
        )
    return org


class MemberFilterForm(forms.Form):
    org = OrgCodeField(label=_("党组织（含下级）"), required=False)
    category = forms.ChoiceField(label=_("党员类别"), required=False, choices=[("", _("全部"))] + list(Category.choices))
    cadre_level = forms.ChoiceField(label=_("干部管理层级"), required=False,
                                    choices=[("", _("全部"))] + list(CadreLevel.choices))
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=50)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_org(self) -> Organization | None:
        code = self.cleaned_data["org"].strip()
        return org_in_scope_or_error(self.user, code) if code else None

    def filter(self, qs: PersonQuerySet) -> PersonQuerySet:
        data = self.cleaned_data
        if data.get("org"):
            qs = qs.within(data["org"])
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("cadre_level"):
            qs = qs.filter(cadre_level=data["cadre_level"])
        if data.get("q"):
            qs = qs.search(data["q"])
        return qs


class TransferForm(forms.Form):
    to_org = OrgCodeField(label=_("转入党组织编码"), help_text=_("输入名称或编码查找，只能选择您管辖范围内的党组织。"))
    on = forms.DateField(label=_("转接日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("on", dates.today())

    def clean_to_org(self) -> Organization:
        return org_in_scope_or_error(self.user, self.cleaned_data["to_org"])

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > dates.today():
            raise forms.ValidationError(_("转接日期不能晚于今天。"), code="future")
        return on
