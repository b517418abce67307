"""Access to the report-forms register (the shared subtree rule of accounts.access)."""

from __future__ import annotations

from qingfeng.accounts.access import WRITERS_PARTY_WORK, get_in_scope, require_write
from qingfeng.burden.models import ReportForm
from qingfeng.files.access import attachable


def get_report_form_for_user(user, code: str, write: bool = False) -> ReportForm:
    obj = get_in_scope(ReportForm.objects.select_related("org"), user, "org", code=code)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return obj


attachable("burden.reportform", lambda user, obj: get_report_form_for_user(user, obj.code))
