from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.api.actions import ALLOWED_DAYS, MAX_NAME


def _lifetimes() -> list[tuple[int, str]]:
    """Read when the form is drawn, so "7 天" is "7 days" on an English page (a list built at import would keep the
    language of the first request)."""
    return [(d, _("%(days)s 天") % {"days": d}) for d in ALLOWED_DAYS]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=MAX_NAME, help_text=_("例如：手机、省级平台对接"))
    days = forms.TypedChoiceField(label=_("有效期"), coerce=int, initial=90,
                                  choices=_lifetimes)
