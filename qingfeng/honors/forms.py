from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, StyledForm
from qingfeng.honors.models import GrantorLevel, HonoreeKind

SEPARATORS = re.compile(r"[\s,，、;；]+")
ORG_CODE = re.compile(r"[0-9A-Za-z]{6,32}")


class CommendationForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("表彰编号"), max_length=40, help_text=_("表彰决定的文号或编号，如 晋组〔2021〕12号"))
    name = forms.CharField(label=_("表彰名称"), max_length=200)
    grantor = forms.CharField(label=_("授予机关"), max_length=200, required=False)
    grantor_level = forms.ChoiceField(label=_("授予级别"), choices=GrantorLevel.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    org = forms.CharField(label=_("组织编码"), max_length=32,
                          help_text=_("受表彰对象的党组织；某一行写了组织编码时以该行为准"))
    collectives = forms.CharField(label=_("受表彰集体"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("每行一个：集体名称，可在末尾加组织编码"))
    persons = forms.CharField(label=_("受表彰个人"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("每行一人：公民身份号码 姓名，可在末尾加组织编码"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["collective_lines"] = collective_lines(data.get("collectives", ""))
        data["person_lines"], problems = person_lines(data.get("persons", ""))
        for problem in problems:
            self.add_error("persons", problem)
        if not data["collective_lines"] and not data["person_lines"] and not problems:
            self.add_error(None, _("请至少填写一个受表彰集体或个人。"))
        return data


def collective_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, collective name, organization code or "")."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        parts = SEPARATORS.split(line)
        code = parts[-1] if len(parts) > 1 and ORG_CODE.fullmatch(parts[-1]) else ""
        name = line[: line.rfind(code)].strip(" \t,，、;；") if code else line
        rows.append((number, name, code))
    return rows


def person_lines(text: str) -> tuple[list[tuple[int, str, str, str]], list[str]]:
    """(line number, ID number, name, organization code or ""), and the lines that cannot be read."""
    rows, problems = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        parts = [p for p in SEPARATORS.split(line.strip()) if p]
        if not parts:
            continue
        if len(parts) not in (2, 3):
            problems.append(str(_("第 %(n)d 行应为“公民身份号码 姓名”，可在末尾加组织编码。") % {"n": number}))
            continue
        rows.append((number, parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
    return rows, problems


class HonoreeForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("对象类型"), choices=HonoreeKind.choices)
    collective_name = forms.CharField(label=_("集体名称"), max_length=200, required=False)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, required=False)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    org = forms.CharField(label=_("组织编码"), max_length=32)


class CommendationFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("表彰名称"), required=False)
    grantor_level = forms.ChoiceField(label=_("授予级别"), choices=[("", "---------"), *GrantorLevel.choices],
                                      required=False)
    year = forms.IntegerField(label=_("年度"), min_value=1900, max_value=2999, required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
