from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.api.actions import ALLOWED_DAYS, MAX_NAME


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=MAX_NAME, help_text=_("例如：手机、省级平台对接"))
    days = forms.TypedChoiceField(label=_("有效期"), coerce=int, initial=90,
                                  choices=[(d, _("%(days)s 天") % {"days": d}) for d in ALLOWED_DAYS])
