"""Forms of the activity pages. They only shape input; the rules live in activities.actions."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.activities.models import Activity, ActivityRole, ActivityType, Channel, LectureTeam
from qingfeng.core.ledger import DateInput, RecordForm, StyledForm, show_only_for
from qingfeng.files.forms import MultipleFileField
from qingfeng.files.models import FileKind


class ActivityForm(RecordForm):
    files = MultipleFileField(label=_("附件（会议记录、照片）"))  # type: ignore[assignment]  # a declared field, taken out of the class by the form's metaclass: BaseForm.files stays

    class Meta:
        model = Activity
        fields = ["type", "date", "topic", "channel", "campaign", "first_topic", "lecture_team", "audience", "minutes"]
        labels = {"first_topic": _("学习“第一议题”")}
        help_texts = {"campaign": _("属于某一专题活动时填写，如：党史学习教育")}
        widgets = {"date": DateInput(), "minutes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        types = ActivityType.objects.all()
        if not user.sees_discipline:
            types = types.exclude(is_restricted=True)
        cast(forms.ModelChoiceField[ActivityType], self.fields["type"]).queryset = types
        cast(forms.ModelChoiceField[LectureTeam], self.fields["lecture_team"]).queryset = teams
        by_role = {t.role: t.pk for t in types if t.role}
        # Fields that only some activity types use: ledgers.js shows them for those types alone.
        show_only_for(self.fields["first_topic"], str(by_role.get(ActivityRole.FIRST_TOPIC, "")))
        show_only_for(self.fields["lecture_team"], str(by_role.get(ActivityRole.LECTURE, "")))
        show_only_for(self.fields["audience"], " ".join(str(t.pk) for t in types if t.needs_audience))
        self.fields["type"].widget.attrs["data-activity-type"] = ""


class ActivityFilter(StyledForm, forms.Form):
    q = forms.CharField(label=_("主题"), required=False)
    type = forms.ModelChoiceField(ActivityType.objects.all(), label=_("活动类型"), required=False)
    org = forms.CharField(label=_("组织编码（含下级）"), required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    end = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    channel = forms.ChoiceField(label=_("形式"), required=False, choices=[("", "---------"), *Channel.choices])
    campaign = forms.CharField(label=_("专题"), required=False, max_length=50)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.sees_discipline:
            cast(forms.ModelChoiceField[ActivityType], self.fields["type"]).queryset = (
                ActivityType.objects.exclude(is_restricted=True))


class AttachForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=FileKind.choices, initial=FileKind.MINUTES)
    files = MultipleFileField(label=_("文件"), required=True)  # type: ignore[assignment]  # a declared field, taken out of the class by the form's metaclass: BaseForm.files stays


class LectureTeamForm(RecordForm):
    org = forms.CharField(label=_("所属组织编码"), max_length=32)

    class Meta:
        model = LectureTeam
        fields = ["org", "code", "name", "established_on"]
        widgets = {"established_on": DateInput()}


class LecturerForm(StyledForm, forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50, help_text=_("不是党员也可以；新人员按身份号码登记"))
    joined_on = forms.DateField(label=_("加入日期"), required=False, widget=DateInput())


class DateForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput())
