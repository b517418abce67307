"""What a user chose about their reminders — the only rows this app stores.

The items themselves (what is due) are derived from the ledgers on every read (see due.py): recording the
meeting, closing the finding or accepting the transfer removes an item without anyone touching these tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HiddenItem(models.Model):  # an item the user chose not to see again (by its stable key)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_reminders")
    item = models.CharField(_("待办"), max_length=200)
    hidden_at = models.DateTimeField(_("隐藏时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已隐藏的待办")
        verbose_name_plural = _("已隐藏的待办")
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="hidden_reminder_item")]

    def __str__(self) -> str:
        return f"{self.user} {self.item}"


class Preference(models.Model):  # 提醒设置: the morning e-mail and the calendar feed of one user
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    digest = models.BooleanField(_("每日提醒邮件"), default=False)
    # The feed's address is /calendar/<key><signature>.ics: the key finds the row, the signature (an HMAC of the
    # key under SECRET_KEY) proves the address was issued here, so the table alone does not give working addresses.
    key = models.CharField(max_length=32, null=True, blank=True, unique=True)
    feed_created_at = models.DateTimeField(_("订阅地址生成时间"), null=True, blank=True)
    feed_read_at = models.DateTimeField(_("最近一次读取"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")

    def __str__(self) -> str:
        return str(self.user)


class DigestSent(models.Model):  # one row per user and day: the claim that makes the morning e-mail go once
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    items = models.PositiveIntegerField(_("待办数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提醒邮件")
        verbose_name_plural = _("提醒邮件")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
