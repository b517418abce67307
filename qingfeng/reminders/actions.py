"""Writes of the reminders app — only a user's own choices: hiding an item, the morning e-mail, the calendar feed.

Each validates, writes in one transaction and leaves the audit log to the generic save signals (the feed's key
is redacted there by its name)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from qingfeng.core import dates
from qingfeng.reminders.models import HiddenItem, Preference

FEED_SALT = "qingfeng.reminders.feed"
KEY_LENGTH = 22  # secrets.token_urlsafe(16)
SIGNATURE_LENGTH = 32


def preference(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


# ---- hiding -----------------------------------------------------------------------------------

def hide(user, key: str, on: dt.date | None = None) -> HiddenItem:
    """Hide one of the user's items (as derived on `on`) from the inbox, the bell, the feed and the e-mail."""
    from qingfeng.reminders.due import derive

    key = (key or "").strip()
    current = {item.key for item in derive(user, on)}
    if not key or key not in current:
        raise ValidationError(_("没有这项待办，可能已经办结。"))
    with transaction.atomic():
        hidden, _created = HiddenItem.objects.get_or_create(user=user, item=key)
        if on is None or on == dates.today():
            # Choices about items no longer due are of no use: they go (an item is never due again under the same
            # key — a new window, term or step has a key of its own).
            HiddenItem.objects.filter(user=user).exclude(item__in=current).delete()
    return hidden


def unhide(user, key: str) -> None:
    with transaction.atomic():
        for hidden in HiddenItem.objects.select_for_update().filter(user=user, item=(key or "").strip()):
            hidden.delete()


# ---- the morning e-mail -----------------------------------------------------------------------

def set_digest(user, enabled: bool, email: str = "") -> Preference:
    """Opt in to (or out of) the daily e-mail; opting in needs an address, kept as the account's e-mail."""
    email = (email or "").strip()
    if enabled:
        if not email:
            raise ValidationError({"email": [_("订阅每日提醒邮件，请填写电子邮箱。")]})
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"email": [_("电子邮箱格式不正确。")]}) from exc
    with transaction.atomic():
        if email and email != user.email:
            user.email = email
            user.save(update_fields=["email"])
        pref = Preference.objects.select_for_update().filter(user=user).first() or Preference(user=user)
        if pref.pk is None or pref.digest != enabled:
            pref.digest = enabled
            pref.save()
    return pref


# ---- the calendar feed ------------------------------------------------------------------------

def _signature(key: str) -> str:
    return salted_hmac(FEED_SALT, key, algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def feed_secret(pref: Preference) -> str | None:
    return f"{pref.key}{_signature(pref.key)}" if pref.key else None


def open_feed(user, renew: bool = False) -> Preference:
    """The user's feed, created when there is none; `renew` replaces its address (the old one stops working)."""
    with transaction.atomic():
        pref = Preference.objects.select_for_update().filter(user=user).first() or Preference(user=user)
        if pref.key is None or renew:
            pref.key = secrets.token_urlsafe(16)
            pref.feed_created_at = timezone.now()
            pref.feed_read_at = None
            pref.save()
    return pref


def revoke_feed(user) -> None:
    """The address stops working at once; a new one can be made later."""
    with transaction.atomic():
        pref = Preference.objects.select_for_update().filter(user=user).first()
        if pref is not None and pref.key is not None:
            pref.key = None
            pref.feed_created_at = None
            pref.feed_read_at = None
            pref.save()


def feed_owner(secret: str):
    """The active user whose feed address ends in this secret, or None (unknown, revoked or forged)."""
    secret = secret or ""
    if len(secret) != KEY_LENGTH + SIGNATURE_LENGTH:
        return None
    key, signature = secret[:KEY_LENGTH], secret[KEY_LENGTH:]
    if not constant_time_compare(signature, _signature(key)):
        return None
    pref = Preference.objects.select_related("user", "user__org").filter(key=key, user__is_active=True).first()
    if pref is None:
        return None
    # A plain UPDATE: a calendar polling every hour is a read, not a change worth an audit row.
    Preference.objects.filter(pk=pref.pk).update(feed_read_at=timezone.now())
    return pref.user
