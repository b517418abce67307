"""Issuing, using and revoking API tokens: every write to ApiToken goes through here."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.api.models import ApiToken

TOKEN_PREFIX = "qf_"
# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_NAME = 60
ALLOWED_DAYS = (7, 30, 90, 365)


def digest_of(raw: str) -> str:
    # A token carries 256 random bits, so a plain hash is as strong as a slow one here and
    # lets the lookup be one indexed equality.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(user, name: str, days: int | None = 30) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the stored row and the token itself (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写令牌名称。"))
    if len(name) > MAX_NAME:
        raise ValidationError(_("令牌名称不能超过 60 个字符。"))
    if days is not None and days not in ALLOWED_DAYS:
        raise ValidationError(_("有效期只能是 7、30、90 或 365 天。"))
    if not user.is_active:
        raise ValidationError(_("账户已停用。"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days) if days else None
    from django.contrib.auth import get_user_model

    # The epoch as stored now, not as a copy of the user loaded earlier in the request remembers it.
    epoch = get_user_model().objects.filter(pk=user.pk).values_list("session_epoch", flat=True).get()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=digest_of(raw), expires_at=expires_at,
                                    epoch=epoch)
    return token, raw


@transaction.atomic
def revoke_token(user, token_id: int | str) -> ApiToken:
    """Revoke one of the user's own tokens (someone else's does not exist for them)."""
    from django.http import Http404

    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str):
    """The active user a usable token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    # usable(): not revoked, not expired, and issued since the user's last password change or sign-out everywhere.
    token = ApiToken.objects.usable().select_related("user", "user__org").filter(digest=digest_of(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_tokens_of(by, tokens) -> int:
    """A platform administrator revokes tokens (a lost phone, a person who left); returns how many."""
    from django.core.exceptions import PermissionDenied

    if not getattr(by, "is_platform_admin", False):
        raise PermissionDenied
    return ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True).update(revoked_at=timezone.now())
