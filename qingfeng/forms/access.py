"""Who sees which saved form, and for which organizations it may be filled.

A form is published to its owner's subtree: anyone whose organization is the owner or below it sees it
(the forms their superiors ask them to answer), and a supervisor sees the forms owned in their own subtree.
It is filled for an organization both in the user's subtree and in the owner's. Changing a form (a new
version, retiring the hand-kept form) needs a writer whose subtree holds the owner."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from qingfeng.accounts import access
from qingfeng.forms.models import Draft, Template
from qingfeng.orgs.models import Organization

# Every department sends forms down (组织、宣传、纪检) and every clerk may publish one to their own subtree;
# a 领导 only reads.
WRITERS = access.WRITERS_STUDY | access.WRITERS_SUPERVISION


def visible_templates(user):
    qs = Template.objects.select_related("form", "form__org")
    root = access.scope_root(user)
    if root is None:
        return qs
    return qs.filter(Q(form__org__path__startswith=root.path) | Q(form__org__code__in=root.ancestor_codes()))


def can_change(user, template: Template) -> bool:
    return access.can_write(user, WRITERS) and access.org_in_scope(user, template.owner)


def get_template_for_user(user, code: str, write: bool = False) -> Template:
    try:
        template = visible_templates(user).get(form__code=code)
    except (Template.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write and not can_change(user, template):
        raise PermissionDenied
    return template


def default_fill_org(user, template: Template) -> Organization:
    """The user's own organization when the form is published to it; else the form's owner (a supervisor)."""
    root = access.scope_root(user)
    if root is not None and template.owner.contains(root):
        return root
    return template.owner


def get_fill_org_for_user(user, template: Template, code: str | None) -> Organization:
    """The organization a form is filled for: in the user's subtree (404 otherwise) and in the owner's."""
    if not code:
        return default_fill_org(user, template)
    org = access.get_org_for_user(user, code.strip())
    if not template.owner.contains(org):
        raise Http404
    return org


def get_draft_for_user(user, pk) -> Draft:
    """A checked upload is seen by the person who uploaded it, and by nobody else."""
    try:
        return Draft.objects.select_related("template__form").get(pk=int(pk), user=user)
    except (Draft.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_uploader(user) -> None:
    if not access.can_write(user, WRITERS):
        raise PermissionDenied
