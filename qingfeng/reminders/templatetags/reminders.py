"""{% reminder_settings %}: the morning e-mail and the calendar feed, as a card on 我的账户."""

from django import template
from django.urls import reverse

from qingfeng.reminders import actions

register = template.Library()


@register.inclusion_tag("reminders/_settings.html", takes_context=True)
def reminder_settings(context):
    request = context["request"]
    pref = actions.preference(request.user)
    secret = actions.feed_secret(pref)
    feed_url = request.build_absolute_uri(reverse("reminders:calendar", args=[secret])) if secret else None
    return {"account": request.user, "pref": pref, "feed_url": feed_url, "csrf_token": context.get("csrf_token")}
