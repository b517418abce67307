"""Personal data is masked wherever it is listed or exported (PIPL): 140105********1234, 139****5678.

The rule, for pages, the API and exports alike:

- An ID number shows its region (six digits) and its last four characters; the eight digits between are the birth
  date. So **the birth date is shown only where the full number may be shown**: on a person's page to the roles
  that may unmask (accounts.access.can_unmask — they may read the full number anyway, one person at a time), and in
  a full-number export. Roles that may not unmask (领导, 宣传部门) never see a birth date beside a masked number.
- An export masks ID and phone numbers and leaves 出生日期 empty, for every role. A full-number export
  (`?numbers=full`) exists only for the roles that may unmask, is asked for explicitly, and is written to the audit
  log as an unmasking (`audit_export`). It is the one to use for export → import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qingfeng.core.http import AuthedRequest

FULL_NUMBERS_PARAM = "numbers"
FULL_NUMBERS_VALUE = "full"


def mask_id(value: str) -> str:
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def mask_rows(rows: Iterable[Sequence[object]], *, ids: Sequence[int] = (), phones: Sequence[int] = (),
              hidden: Sequence[int] = ()) -> Iterator[Sequence[object]]:
    """Rows (sequences of cell values) with the ID columns `ids` and phone columns `phones` masked and the
    columns `hidden` (a birth date beside a masked number) emptied."""
    if not (ids or phones or hidden):
        yield from rows
        return
    for original in rows:
        row = list(original)
        for i in ids:
            if row[i]:
                row[i] = mask_id(str(row[i]))
        for i in phones:
            if row[i]:
                row[i] = mask_phone(str(row[i]))
        for i in hidden:
            row[i] = ""
        yield row


def wants_full_numbers(request: AuthedRequest) -> bool:
    """Whether this export asks for full numbers (`?numbers=full`); PermissionDenied for a role that may not unmask
    — the export is refused rather than quietly masked, so nobody believes they hold full numbers when they don't."""
    from django.core.exceptions import PermissionDenied

    from qingfeng.accounts.access import can_unmask

    if request.GET.get(FULL_NUMBERS_PARAM) != FULL_NUMBERS_VALUE:
        return False
    if not can_unmask(request.user):
        raise PermissionDenied
    return True


def audit_export(request: AuthedRequest, model: str, what: str, full_numbers: bool) -> None:
    """Every list export is logged; a full-number export as an unmasking (查看完整号码)."""
    from qingfeng.audit.context import client_ip
    from qingfeng.audit.models import AuditAction, record

    action = AuditAction.UNMASK if full_numbers else AuditAction.EXPORT
    summary = f"{'完整号码导出' if full_numbers else '导出'} {what} {request.GET.urlencode()}"
    record(request.user, action, model=model, summary=summary[:300],
           after={"filters": request.GET.dict(), "full_numbers": full_numbers}, ip=client_ip(request))
