"""Forms of the organization pages: the committee (班子成员). They shape input; the rules live in orgs.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.core.ledger import DateInput, style_fields
from qingfeng.orgs.models import CommitteeDuty, CommitteePost
from qingfeng.people.models import Person

POSTS = [("", _("—")), *CommitteePost.choices]
DUTIES = [("", _("—")), *CommitteeDuty.choices]


class CommitteeForm(forms.Form):
    """A whole committee as elected on a day: one post (or none) and one 分工 per member listed."""

    held_on = forms.DateField(label=_("选举（任职）日期"), widget=DateInput())

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for person in candidates:
            self.fields[f"post_{person.pk}"] = forms.ChoiceField(label=_("职务"), choices=POSTS, required=False)
            self.fields[f"duty_{person.pk}"] = forms.ChoiceField(label=_("分工"), choices=DUTIES, required=False)
        style_fields(self)

    def rows(self) -> list[dict[str, Any]]:
        return [{"person": p, "post": self[f"post_{p.pk}"], "duty": self[f"duty_{p.pk}"]} for p in self.candidates]

    def seats(self) -> list[tuple[Person, str, str]]:
        return [(p, self.cleaned_data[f"post_{p.pk}"], self.cleaned_data[f"duty_{p.pk}"]) for p in self.candidates
                if self.cleaned_data.get(f"post_{p.pk}")]


class SeatForm(forms.Form):
    """补选: one person joins the committee."""

    person = forms.ModelChoiceField(Person.objects.none(), label=_("姓名"))
    post = forms.ChoiceField(label=_("职务"), choices=CommitteePost.choices, initial=CommitteePost.MEMBER)
    duty = forms.ChoiceField(label=_("分工"), choices=DUTIES, required=False)
    start_on = forms.DateField(label=_("任职日期"), widget=DateInput())

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Person.objects.filter(pk__in=[p.pk for p in candidates]).order_by("name", "pk")
        style_fields(self)


class EndSeatForm(forms.Form):
    end_on = forms.DateField(label=_("离任日期"), widget=DateInput())


class GroupMembersForm(forms.Form):
    """A 党小组's members (ticked from the branch's members) and its 组长 (one of them)."""

    members = forms.TypedMultipleChoiceField(label=_("小组成员"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    leader = forms.TypedChoiceField(label=_("组长"), coerce=int, required=False, empty_value=None)
    on = forms.DateField(label=_("变动日期"), required=False, widget=DateInput(),
                         help_text=_("成员自该日起为所选党员；补录以前的变动时填写，默认今天。"))

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {p.pk: p for p in candidates}
        choices = [(p.pk, p.name) for p in candidates]
        members = self.fields["members"]
        leader = self.fields["leader"]
        assert isinstance(members, forms.TypedMultipleChoiceField) and isinstance(leader, forms.TypedChoiceField)
        members.choices = choices
        leader.choices = [("", _("—")), *choices]
        style_fields(self)

    def chosen(self) -> tuple[list[Person], Person | None]:
        leader = self.cleaned_data.get("leader")
        return ([self.candidates[pk] for pk in self.cleaned_data["members"]],
                self.candidates.get(leader) if leader is not None else None)


class GroupNameForm(forms.Form):
    """A 党小组's name (renaming it on its page)."""

    name = forms.CharField(label=_("小组名称"), max_length=50)


class GroupCreateForm(GroupNameForm):
    """设立党小组: its name and the day it was set up (today unless it was set up before it was entered)."""

    established_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput(),
                                     help_text=_("默认今天；补录已有的党小组时填写其成立日期。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
