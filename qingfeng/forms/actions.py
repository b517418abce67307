"""Writes of 一表通: check an upload, save it as a form of the register (or a new version), answer a form,
retire the hand-kept form it replaces. Each in one transaction; a refused write leaves nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts import access
from qingfeng.burden import actions as register
from qingfeng.burden.access import get_report_form_for_user
from qingfeng.burden.models import ReportForm, RetireReason
from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.ledger import ledger_action, writable_org
from qingfeng.forms import filler
from qingfeng.forms.access import WRITERS, can_change
from qingfeng.forms.models import Channel, Draft, Filling, Template, Version
from qingfeng.forms.placeholders import TemplateError
from qingfeng.orgs.models import Organization

DRAFTS_KEPT = 5  # a user's newest checked uploads; older ones are dropped on the next upload


def problems_error(exc: TemplateError) -> ValidationError:
    return ValidationError([str(p) for p in exc.problems])


def check_upload(*, user, filename: str, content: bytes, template: Template | None = None) -> Draft:
    """Check an uploaded template as `user` (who will publish it); keep it as a draft for the preview.
    ValidationError lists every problem, each naming its sheet and cell."""
    if not filename.lower().endswith(".xlsx"):
        raise ValidationError(_("只接受 Excel 工作簿（.xlsx）。"))
    try:
        found = filler.scan(content, user)
    except TemplateError as exc:
        raise problems_error(exc) from exc
    if found.problems:
        raise ValidationError([str(p) for p in found.problems])
    draft = Draft.objects.create(user=user, template=template, filename=filename[-200:], content=content,
                                 placeholders=found.rows())
    stale = Draft.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)[DRAFTS_KEPT:]
    Draft.objects.filter(pk__in=list(stale)).delete()
    return draft


def _version(template: Template, draft: Draft, user) -> Version:
    content = bytes(draft.content)
    try:
        found = filler.scan(content, user)  # checked again: the user's rights may have changed since
    except TemplateError as exc:
        raise problems_error(exc) from exc
    if found.problems:
        raise ValidationError([str(p) for p in found.problems])
    number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Version.objects.create(template=template, number=number, filename=draft.filename, content=content,
                                  sha256=hashlib.sha256(content).hexdigest(), placeholders=found.rows(),
                                  uploaded_by=user if getattr(user, "is_authenticated", False) else None)


@ledger_action
def save_form(*, user, draft: Draft, existing: str = "", org_code: str = "", code: str = "", name: str = "",
              via: str = "page") -> Template:
    """Publish a checked upload as a form of the register: attached to a form already in the register
    (`existing`, its 报表编号) or registered now (`org_code`, `code`, `name`)."""
    access.require_write(user, WRITERS)
    existing = (existing or "").strip()
    if existing:
        try:
            entry = get_report_form_for_user(user, existing)
        except Http404 as exc:
            raise ValidationError({"existing": [_("报表目录中没有编号为“%(code)s”的报表，或不在您的管理范围内。")
                                                % {"code": existing}]}) from exc
        if Template.objects.filter(form=entry).exists():
            raise ValidationError({"existing": [_("报表“%(code)s”已有模板；请在该报表页面上传新版本。") % {"code": existing}]})
    else:
        org = writable_org(user, org_code, WRITERS)
        entry = register.register_form(user=user, org=org, code=code, name=name, enabled_on=today(), via=via)
    template = Template.objects.create(form=entry, created_by=user if getattr(user, "is_authenticated", False) else None)
    _version(template, draft, user)
    draft.delete()
    return template


@ledger_action
def add_version(template: Template, *, user, draft: Draft) -> Version:
    if not can_change(user, template):
        raise ValidationError(_("您不能修改这张报表。"))
    version = _version(template, draft, user)
    draft.delete()
    return version


@ledger_action
def retire_hand_form(template: Template, *, user, on: dt.date | None = None) -> ReportForm:
    """The platform now answers this form: the hand-kept form is retired in the register (停用原因 由系统生成),
    so burden.forms_reduction counts it."""
    if not can_change(user, template):
        raise ValidationError(_("您不能修改这张报表。"))
    return register.retire_form(template.form, user=user, on=on or today(), reason=RetireReason.GENERATED)


@dataclass
class Answer:
    content: bytes
    filename: str
    filling: Filling


UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def answer_filename(template: Template, org: Organization, start: dt.date, end: dt.date) -> str:
    name = f"{template.name}_{org.name}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return UNSAFE_IN_NAMES.sub("_", name)


def answer(template: Template, *, user, org: Organization, start: dt.date, end: dt.date, channel: str,
           version: Version | None = None, at: dt.datetime | None = None) -> Answer:
    """A saved form filled for `org` and the period, as `user` sees it, and recorded as answered by the
    platform (burden.forms_answered). TemplateError when it cannot be filled: then nothing is recorded."""
    version = version or template.latest()
    filled = filler.fill(bytes(version.content), org, start, end, user)
    content = filled.content()
    filling = record_filling(template, version=version, user=user, org=org, start=start, end=end, channel=channel,
                             at=at)
    return Answer(content, answer_filename(template, org, start, end), filling)


@ledger_action
def record_filling(template: Template, *, version: Version, user, org: Organization, start: dt.date, end: dt.date,
                   channel: str, at: dt.datetime | None = None) -> Filling:
    if channel not in Channel.values:
        raise ValidationError(_("未知的渠道。"))
    signed_in = getattr(user, "is_authenticated", False)
    # The day counted is the platform's day (core.dates.today); a demo history gives its own moments.
    on = today() if at is None else timezone.localtime(at).date()
    at = at or timezone.now()
    filling = Filling.objects.create(template=template, version=version, org=org, start=start, end=end,
                                     user=user if signed_in else None, user_org_id=user.org_id if signed_in else None,
                                     on=on, at=at, channel=channel)
    # burden.forms_answered counts it (forms.facts)
    changes.record(orgs=[filling.user_org_id], days=[on], ledgers=(Filling,))
    return filling
