"""API tokens (接口令牌): a user's own bearer credentials for the JSON API at /api/v1.

Only a SHA-256 digest of each token is stored; the token itself is shown once, when it is
made. Tokens are revoked, never deleted, so the list keeps its history. A token is bound to its user's
session epoch (accounts.User.session_epoch): a password change or "log out everywhere" bumps it, which ends
every token issued before, like every session."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return (self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                .filter(epoch=F("user__session_epoch")))


class ApiToken(models.Model):  # 接口令牌
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT,
                             related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    # The first characters of the token, so its owner can tell tokens apart; not enough to use it.
    prefix = models.CharField(_("令牌开头"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # The user's session epoch when the token was issued; the token works while they agree.
    epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def signed_out(self) -> bool:
        """Ended by a password change or "log out everywhere" after it was issued."""
        return self.epoch != self.user.session_epoch

    @property
    def is_usable(self) -> bool:
        return (self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
                and not self.signed_out)
