"""What is due (待办) for a user on a day, derived from the ledgers every time — nothing here is stored.

An item is something a record says must happen by a date and that no record yet shows as done: the month's
支部委员会 with no meeting of that type dated in the month, a finding still being rectified, a term ending, a
development step with a deadline (or an earliest date) not yet taken, a transfer waiting for the receiver, a
member whose dues are months behind, a 办实事 item not yet completed. Writing the record that satisfies it —
through the page, the API or an import — removes the item by itself, because the next read derives again.

Whose items? The same scope as every read (accounts.access.scope_root), narrowed to the work the user does:

* 党组织管理员 (the clerk) keeps the ledgers of their organization and below: every item of that subtree.
* 组织部门 officers and 系统管理员 keep their own organization's ledgers (its own items) and oversee the
  subtree: findings submitted for verification (as supervision.access.can_verify allows), transfers waiting
  for acceptance, the terms of the organizations directly under them (the superior approves an early or late
  换届 and the elected secretary), and, per current 三会一课/主题党日 window, how many branches under them have
  recorded no meeting yet — one item per window, counted from the compliance facts (see `_meeting_summaries`).
* 纪检监察 officers verify findings; 领导 (read-only) see the oversight items of their subtree (terms and the
  window counts) to know what is coming; 宣传部门 have no codified deadline here.

Records are read as of the day asked (a meeting dated after `on` was not yet held on `on`; a finding closed
after it was still open), except for states that keep no date (a finding's status, a transfer's status) and
the window counts of the compliance facts, which count any meeting recorded in the window."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import quote, urlencode

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.accounts import access
from qingfeng.accounts.models import Role, User
from qingfeng.core import dates
from qingfeng.core.dates import add_months, add_years, month_end, month_start
from qingfeng.orgs.models import REQUIREMENT_KINDS, Election, Organization

KINDS = {
    "meeting": gettext_lazy("组织生活"),
    "meetings_below": gettext_lazy("下级组织生活"),
    "finding": gettext_lazy("问题整改"),
    "verify": gettext_lazy("整改核验"),
    "election": gettext_lazy("换届"),
    "development": gettext_lazy("发展党员"),
    "transfer": gettext_lazy("组织关系转接"),
    "dues": gettext_lazy("党费"),
    "service": gettext_lazy("办实事"),
}

# A missed window stays in the inbox this long after it ended (the meeting may have been held and not yet
# entered); older misses are the warnings page's (indicators.warnings, red).
MEETING_GRACE = dt.timedelta(days=30)
# Terms ending within six months (or already ended) are due.
TERM_NOTICE_MONTHS = 6
TITLE_TEXT = 24  # characters of a finding's description in its title

OVERSEERS = {Role.ADMIN, Role.ORGANIZATION, Role.LEADER}
# Days one may ask about (a term's end is years ahead of its day; beyond these the calendar runs out).
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def in_range(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


class Text:
    """A message and its arguments, rendered in the language active when it is shown (a page in English, the
    API's Chinese and English titles, the e-mail in the platform's language)."""

    __slots__ = ("message", "params")

    def __init__(self, message, **params):
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return str(self.message) % {k: str(v) for k, v in self.params.items()}

    def __repr__(self) -> str:
        return f"Text({str(self)!r})"


@dataclass(frozen=True)
class Item:
    kind: str
    key: str  # stable across reads and days: the calendar's UID, the handle for hiding
    text: Text
    due: dt.date
    org_id: int
    org_code: str
    org_name: str
    org_path: str
    url: str

    @property
    def title(self) -> str:
        return str(self.text)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def sort_key(self) -> tuple:
        return (self.due, self.org_path, self.kind, self.key)


@dataclass
class Scope:
    """What of the platform is the user's work on a day (see the module docstring)."""

    user: User
    on: dt.date
    root: Organization | None  # the subtree the user sees; None: the whole platform
    own_subtree: bool  # own work covers the whole subtree (the clerk), not just the organization itself
    own: bool  # the user keeps ledgers at all
    verify: bool
    transfers: bool
    oversee: bool

    @classmethod
    def of(cls, user, on: dt.date) -> Scope:
        from qingfeng.supervision.access import VERIFIERS

        root = access.scope_root(user)
        writer = access.can_write(user, access.WRITERS_PARTY_WORK)
        admin = user.is_platform_admin
        return cls(
            user=user, on=on, root=root,
            own_subtree=user.role == Role.CLERK and not admin,
            own=writer and root is not None,
            verify=admin or user.role in VERIFIERS,
            transfers=writer,
            oversee=admin or user.role in OVERSEERS,
        )

    def own_q(self, field: str = "org") -> Q | None:
        """Records whose organization is the user's own work; None when there is none."""
        if not self.own or self.root is None:
            return None
        if self.own_subtree:
            return Q(**{f"{field}__path__startswith" if field else "path__startswith": self.root.path})
        return Q(**{f"{field}_id" if field else "pk": self.root.pk})

    def subtree_q(self, field: str = "org") -> Q:
        if self.root is None:
            return Q()
        return Q(**{f"{field}__path__startswith" if field else "path__startswith": self.root.path})


def _item(kind, key, title: Text, due, org_id, code, name, path, url) -> Item:
    return Item(kind, key, title, due, org_id, code, name, path, url)


_SLOT = "QFSLOT"
_INT_SLOT = 8_642_000_000
_TEMPLATES: dict[tuple, str] = {}


def _url(name: str, *args, **query) -> str:
    """reverse(name, args) + the query string. A subtree's hundreds of items share a few URL patterns: each pattern
    is reversed once (per URLconf prefix) and its arguments quoted in as reverse() quotes them."""
    from django.urls import get_script_prefix

    # A placeholder each argument's converter accepts: digits for an int (a pk), letters for a code.
    slots = [str(_INT_SLOT + i) if isinstance(arg, int) else f"{_SLOT}{i}" for i, arg in enumerate(args)]
    key = (name, tuple(slots), get_script_prefix())
    template = _TEMPLATES.get(key)
    if template is None:
        template = _TEMPLATES[key] = reverse(name, args=slots)
    url = template
    for slot, arg in zip(slots, args, strict=True):
        url = url.replace(slot, quote(str(arg), safe=RFC3986_SUBDELIMS + "/~:@"))
    if query:
        url += "?" + urlencode(query)
    return url


def _done(day: dt.date | None, on: dt.date) -> TypeGuard[dt.date]:
    """A dated step counts as taken on `on` when it is dated on or before it."""
    return day is not None and day <= on


# ---- 三会一课 and 主题党日 ---------------------------------------------------------------------

def window_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month, quarter or year (by cadence) holding `day`: (first day, last day)."""
    from qingfeng.indicators.compliance import CADENCE_MONTHS

    months = CADENCE_MONTHS[cadence]
    ws = dt.date(day.year, ((day.month - 1) // months) * months + 1, 1)
    return ws, month_end(add_months(ws, months - 1))


def period_label(cadence: str, ws: dt.date) -> Text:
    from qingfeng.indicators.compliance import CADENCE_MONTHS

    months = CADENCE_MONTHS[cadence]
    if months == 1:
        return Text(gettext_lazy("%(year)s年%(month)s月"), year=ws.year, month=ws.month)
    if months == 3:
        return Text(gettext_lazy("%(year)s年第%(quarter)s季度"), year=ws.year, quarter=(ws.month - 1) // 3 + 1)
    return Text(gettext_lazy("%(year)s年度"), year=ws.year)


def _windows_open(requirements, on: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Per requirement, the windows an inbox may show on `on`: the current one and those that ended within
    MEETING_GRACE."""
    out = {}
    for r in requirements:
        ws, we = window_of(r.cadence, on)
        spans = [(ws, we)]
        while True:
            prev_end = spans[0][0] - dt.timedelta(days=1)
            if prev_end < on - MEETING_GRACE:
                break
            spans.insert(0, window_of(r.cadence, prev_end))
        out[r.pk] = spans
    return out


def _meetings(s: Scope) -> list[Item]:
    """The branches' own windows not yet met as of `on`: one item per branch, requirement and window."""
    from qingfeng.activities.models import Activity, TypeName
    from qingfeng.indicators import compliance

    q = s.own_q("")
    if q is None:
        return []
    requirements = compliance.active_requirements()
    if not requirements:
        return []
    open_windows = _windows_open(requirements, s.on)
    lo = min(ws for spans in open_windows.values() for ws, _we in spans)
    hi = max(we for spans in open_windows.values() for _ws, we in spans)
    branches = list(Organization.objects.filter(q, kind__in=REQUIREMENT_KINDS).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=hi)).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=lo)).only(
        "id", "code", "name", "path", "established_on", "dissolved_on"))
    if not branches:
        return []
    by_id = {b.pk: b for b in branches}
    wanted = {(r.activity_type_id, r.cadence, ws) for r in requirements for ws, _we in open_windows[r.pk]}
    held: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for org_id, type_id, day in Activity.objects.filter(
            org_id__in=list(by_id), type_id__in=[r.activity_type_id for r in requirements], date__gte=lo,
            date__lte=s.on).order_by().values_list("org_id", "type_id", "date"):
        held[(org_id, type_id)].append(day)
    out = []
    # windows_for_branches decides which windows are due at all (the branch existed throughout, it had the
    # requirement's minimum of 正式党员); whether they are met is decided here, as of `on`.
    for w in compliance.windows_for_branches(branches, requirements, lo, hi):
        if (w.type_id, w.cadence, w.start) not in wanted:
            continue
        last = min(w.end, s.on)
        if any(w.start <= d <= last for d in held.get((w.org_id, w.type_id), ())):
            continue
        b = by_id[w.org_id]
        period = period_label(w.cadence, w.start)
        title = Text(gettext_lazy("%(type)s（%(period)s）尚未召开"), type=TypeName(w.requirement), period=period)
        out.append(_item("meeting", f"meeting:{b.code}:{w.type_id}:{w.start.isoformat()}", title, w.end, b.pk,
                         b.code, b.name, b.path, _url("activities:create", org=b.code, type=w.type_id)))
    return out


def _summary_roots(s: Scope) -> list[Organization]:
    if s.root is not None:
        return [] if s.root.kind in REQUIREMENT_KINDS else [s.root]
    return list(Organization.objects.filter(parent__isnull=True).order_by("path"))


def _meeting_summaries(s: Scope) -> list[Item]:
    """For an overseer: per requirement and current window, the branches under them with no meeting recorded
    in it yet — one item each, counted from the rolled-up compliance facts (a key lookup per window, whatever
    the subtree's size), or from the records when the facts do not hold the window."""
    from qingfeng.activities.models import TypeName
    from qingfeng.indicators import compliance

    if not s.oversee:
        return []
    roots = _summary_roots(s)
    requirements = compliance.active_requirements()
    if not roots or not requirements:
        return []
    current = {r.pk: window_of(r.cadence, s.on) for r in requirements}
    missing = unmet_counts(roots, requirements, current)
    out = []
    for root in roots:
        for r in requirements:
            n = missing.get((root.pk, r.pk), 0)
            if n <= 0:
                continue
            ws, we = current[r.pk]
            title = Text(gettext_lazy("%(type)s（%(period)s）：下级 %(n)s 个党支部尚未记录"),
                         type=TypeName(r.activity_type.name), period=period_label(r.cadence, ws), n=n)
            key = f"meetings_below:{root.code}:{r.activity_type_id}:{ws.isoformat()}"
            out.append(_item("meetings_below", key, title, we, root.pk, root.code, root.name, root.path,
                             _url("indicators:warnings", org=root.code, kind="meetings")))
    return out


def unmet_counts(roots: list[Organization], requirements, windows: dict) -> dict[tuple[int, int], int]:
    """(root id, requirement id) → branches in the root's subtree whose window (windows[requirement id]) is due
    and has no meeting recorded: from the facts when they hold every window asked, else from the records."""
    from qingfeng.indicators import store

    lo = min(ws for ws, _we in windows.values())
    hi = max(we for _ws, we in windows.values())
    if store.covered_windows(store.state(), requirements, lo, hi) is not None:
        return _unmet_from_facts(roots, requirements, windows)
    return unmet_from_records(roots, requirements, windows)


def _unmet_from_facts(roots, requirements, windows) -> dict[tuple[int, int], int]:
    from qingfeng.indicators.models import Fact

    wanted = Q()
    for r in requirements:
        wanted |= Q(d1=str(r.activity_type_id), d2=r.cadence, day=windows[r.pk][0])
    by_key = {(str(r.activity_type_id), r.cadence, windows[r.pk][0]): r.pk for r in requirements}
    out: dict[tuple[int, int], int] = {}
    for org_id, d1, d2, day, n, met in Fact.objects.filter(
            org_id__in=[root.pk for root in roots], grain="w", metric="win").filter(wanted).values_list(
            "org_id", "d1", "d2", "day", "n", "total"):
        req = by_key.get((d1, d2, day))
        if req is not None:
            out[(org_id, req)] = out.get((org_id, req), 0) + n - met
    return out


def unmet_from_records(roots, requirements, windows) -> dict[tuple[int, int], int]:
    """The same counts computed from every branch's activities (the facts' fallback, and the benchmark's
    baseline)."""
    from qingfeng.indicators import compliance

    out: dict[tuple[int, int], int] = {}
    for root in roots:
        for r in requirements:
            ws, we = windows[r.pk]
            branches = compliance.requirement_branches(root, ws, we)
            n = sum(1 for w in compliance.windows_for_branches(branches, [r], ws, we) if not w.met)
            out[(root.pk, r.pk)] = n
    return out


# ---- findings -------------------------------------------------------------------------------

def _finding_text(description: str) -> str:
    text = " ".join(description.split())
    return text if len(text) <= TITLE_TEXT else text[:TITLE_TEXT] + "…"


def _findings(s: Scope) -> list[Item]:
    """Findings of the user's own work still being rectified (or returned) as of `on`, due by their deadline."""
    from qingfeng.supervision.models import Finding, FindingStatus

    q = s.own_q()
    if q is None:
        return []
    qs = Finding.objects.filter(q, status__in=[FindingStatus.RECTIFYING, FindingStatus.RETURNED],
                                found_on__lte=s.on).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=s.on))
    out = []
    for code, status, text, deadline, org_id, org_code, org_name, path in qs.order_by().values_list(
            "code", "status", "description", "deadline", "org_id", "org__code", "org__name", "org__path"):
        if status == FindingStatus.RETURNED:
            title = gettext_lazy("问题 %(code)s 整改被退回，请重新整改：%(text)s")
        else:
            title = gettext_lazy("问题 %(code)s 待整改：%(text)s")
        out.append(_item("finding", f"finding:{code}", Text(title, code=code, text=_finding_text(text)), deadline,
                         org_id, org_code, org_name, path, _url("supervision:detail", code)))
    return out


def _verifications(s: Scope) -> list[Item]:
    """Findings under the user submitted as rectified, waiting for an officer to close (销号) or return them."""
    from qingfeng.supervision.models import Finding, FindingStatus

    if not s.verify:
        return []
    qs = Finding.objects.filter(s.subtree_q(), status=FindingStatus.SUBMITTED)
    if not s.user.is_platform_admin:
        qs = qs.exclude(org_id=s.user.org_id)  # nobody verifies their own organization's work
    out = []
    for code, text, deadline, org_id, org_code, org_name, path in qs.order_by().values_list(
            "code", "description", "deadline", "org_id", "org__code", "org__name", "org__path"):
        title = Text(gettext_lazy("问题 %(code)s 已报整改，待核验销号：%(text)s"), code=code, text=_finding_text(text))
        out.append(_item("verify", f"verify:{code}", title, deadline, org_id, org_code, org_name, path,
                         _url("supervision:detail", code)))
    return out


# ---- terms (换届) -----------------------------------------------------------------------------

def _terms(s: Scope, orgs) -> list[Item]:
    """Organizations (a queryset) whose current term as of `on` ends within TERM_NOTICE_MONTHS or has ended.

    The current term is the organization's recorded one (orgs.actions.record_election keeps it), filtered in
    SQL per term length; an organization elected after `on` has its term of `on` looked up in its elections."""
    on = s.on
    horizon = add_months(on, TERM_NOTICE_MONTHS)
    active = orgs.filter(Q(established_on__isnull=True) | Q(established_on__lte=on)).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
    fields = ("id", "code", "name", "path", "term_started_on", "term_years")
    ending = Q()
    for years in (3, 5):
        ending |= Q(term_years=years, term_started_on__lte=add_years(horizon, -years))
    rows = list(active.filter(term_started_on__lte=on).filter(ending | ~Q(term_years__in=(3, 5))).values_list(*fields))
    later = {r[0]: r for r in active.filter(term_started_on__gt=on).values_list(*fields)}
    if later:
        latest: dict[int, tuple[dt.date, int]] = {}
        for org_id, held_on, years in Election.objects.filter(org_id__in=list(later), held_on__lte=on).order_by(
                "org_id", "held_on", "id").values_list("org_id", "held_on", "term_years"):
            latest[org_id] = (held_on, years)
        rows += [(*later[org_id][:4], held_on, years) for org_id, (held_on, years) in latest.items()]
    out = []
    for org_id, code, name, path, started, years in rows:
        if started is None or not years:
            continue
        ends = add_years(started, years)
        if ends > horizon:
            continue
        if ends <= on:
            title = Text(gettext_lazy("本届任期已于 %(date)s 届满，尚未换届"), date=ends.isoformat())
        else:
            title = Text(gettext_lazy("本届任期将于 %(date)s 届满，应按期换届"), date=ends.isoformat())
        out.append(_item("election", f"election:{code}:{started.isoformat()}", title, ends, org_id, code, name, path,
                         _url("grassroots:election_create", org=code)))
    return out


def _elections(s: Scope) -> list[Item]:
    out = []
    q = s.own_q("")
    if q is not None:
        out += _terms(s, Organization.objects.filter(q))
    if s.oversee:
        below = Organization.objects.filter(parent=s.root) if s.root is not None else \
            Organization.objects.filter(parent__isnull=True)
        out += _terms(s, below)
    return out


# ---- the member lifecycle ---------------------------------------------------------------------

def _development(s: Scope) -> list[Item]:
    """Each candidacy's next dated step as of `on`: the talk within a month of the application, the earliest day
    an activist may become a 发展对象, the superior's approval within three months of the branch vote, the end of
    the probation (the 转正 discussion) and the approval of full membership within three months after it."""
    from qingfeng.membership import rules
    from qingfeng.membership.models import Candidate

    q = s.own_q()
    if q is None:
        return []
    on = s.on
    qs = Candidate.objects.filter(q, applied_on__lte=on).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on)).filter(
        Q(full_approved_on__isnull=True) | Q(full_approved_on__gt=on)).select_related("person", "org")
    out = []
    for c in qs.order_by():
        steps = []
        if not _done(c.talked_on, on) and not _done(c.activist_on, on):
            steps.append(("talk", gettext_lazy("%(name)s：递交入党申请一个月内派人谈话"), rules.talk_deadline(c.applied_on)))
        if _done(c.activist_on, on) and not _done(c.candidate_on, on):
            steps.append(("candidate", gettext_lazy("%(name)s：培养考察满一年，可确定为发展对象"),
                          rules.earliest_candidate_date(c.activist_on)))
        if _done(c.vote_on, on) and not _done(c.approved_on, on):
            steps.append(("approve", gettext_lazy("%(name)s：支部大会通过后三个月内报上级党委审批"), rules.approval_deadline(c.vote_on)))
        if _done(c.approved_on, on) and c.vote_on:
            ends = rules.probation_end(c.vote_on, c.extension_months)
            if not _done(c.full_vote_on, on):
                steps.append(("full_vote", gettext_lazy("%(name)s：预备期满，支部大会讨论转正"), ends))
            else:
                steps.append(("full", gettext_lazy("%(name)s：预备期满三个月内报上级党委审批转正"), rules.full_approval_deadline(ends)))
        for step, title, due in steps:
            out.append(_item("development", f"candidate:{c.pk}:{step}", Text(title, name=c.person.name), due, c.org_id,
                             c.org.code, c.org.name, c.org.path, _url("membership:candidate", c.pk)))
    return out


def _transfers(s: Scope) -> list[Item]:
    """Transfers into the user's subtree waiting for the receiver to accept or return them."""
    from qingfeng.membership.models import TransferRequest, TransferStatus

    if not s.transfers:
        return []
    qs = TransferRequest.objects.filter(s.subtree_q("to_org"), status=TransferStatus.PENDING).select_related(
        "person", "from_org", "to_org")
    out = []
    for t in qs.order_by():
        title = Text(gettext_lazy("%(name)s 的组织关系由 %(from)s 转入，待接收"), name=t.person.name, **{"from": t.from_org.name})
        out.append(_item("transfer", f"transfer:{t.pk}", title, t.on, t.to_org_id, t.to_org.code, t.to_org.name,
                         t.to_org.path, _url("membership:transfers")))
    return out


def _dues(s: Scope) -> list[Item]:
    """Members of the user's own work whose dues, paid monthly, are a month or more behind their last paid
    month as of `on` (members with no payment recorded at all are not tracked here: their branch does not keep
    its dues on the platform). Due: the last day of the sixth unpaid month — 补交 is limited to six months, and
    six months unpaid is 自行脱党 (党章 第九条)."""
    from qingfeng.membership import rules
    from qingfeng.membership.models import DuesPayment

    q = s.own_q("person__org")
    if q is None:
        return []
    on = s.on
    this_month = on.year * 12 + on.month
    rows = DuesPayment.objects.filter(q, person__admitted_on__isnull=False, paid_on__lte=on).order_by().values(
        "person_id", "person__name", "person__org_id", "person__org__code", "person__org__name",
        "person__org__path").annotate(last=Max("month"))
    out = []
    for r in rows:
        first = month_start(add_months(r["last"], 1))
        behind = this_month - (first.year * 12 + first.month)
        if behind < 1:
            continue
        due = month_end(add_months(first, rules.LAPSE_MONTHS - 1))
        title = Text(gettext_lazy("%(name)s 已有 %(n)s 个月未交党费（%(month)s 起）"), name=r["person__name"], n=behind,
                     month=f"{first:%Y-%m}")
        out.append(_item("dues", f"dues:{r['person_id']}:{first:%Y-%m}", title, due, r["person__org_id"],
                         r["person__org__code"], r["person__org__name"], r["person__org__path"],
                         _url("membership:dues", r["person__org__code"], month=f"{first:%Y-%m}")))
    return out


# ---- 我为群众办实事 -----------------------------------------------------------------------------

def _service(s: Scope) -> list[Item]:
    from qingfeng.service.models import ServiceItem

    q = s.own_q()
    if q is None:
        return []
    qs = ServiceItem.objects.filter(q, committed_on__lte=s.on).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=s.on))
    out = []
    for code, name, planned, org_id, org_code, org_name, path in qs.order_by().values_list(
            "code", "name", "planned_on", "org_id", "org__code", "org__name", "org__path"):
        title = Text(gettext_lazy("办实事“%(name)s”计划 %(date)s 完成"), name=name, date=planned.isoformat())
        out.append(_item("service", f"service:{code}", title, planned, org_id, org_code, org_name, path,
                         _url("service:detail", code)))
    return out


SOURCES = (_meetings, _meeting_summaries, _findings, _verifications, _elections, _development, _transfers, _dues,
           _service)


def derive(user, on: dt.date | None = None) -> list[Item]:
    """Every item due for `user` on `on` (default: the platform's today), hidden ones included, sorted by due day,
    organization and kind. An account that sees nothing has nothing due."""
    from django.http import Http404

    on = on or dates.today()
    if not in_range(on):
        raise ValueError(f"{on} is outside {FIRST_DAY}..{LAST_DAY}")
    try:
        scope = Scope.of(user, on)
    except Http404:
        return []
    found: dict[str, Item] = {}
    for source in SOURCES:
        for item in source(scope):
            found.setdefault(item.key, item)  # a term both own and overseen is one item
    return sorted(found.values(), key=Item.sort_key)


def hidden_keys(user) -> set[str]:
    from qingfeng.reminders.models import HiddenItem

    return set(HiddenItem.objects.filter(user=user).values_list("item", flat=True))


def items_for(user, on: dt.date | None = None) -> list[Item]:
    """What is due for the user, without the items they chose to hide."""
    hidden = hidden_keys(user)
    return [i for i in derive(user, on) if i.key not in hidden]


# ---- the inbox's groups -------------------------------------------------------------------------

SOON = dt.timedelta(days=6)  # "this week": today and the six days after


@dataclass
class Inbox:
    on: dt.date
    overdue: list[Item]
    week: list[Item]
    month: list[Item]

    @classmethod
    def build(cls, items: list[Item], on: dt.date) -> Inbox:
        overdue, week, month = [], [], []
        for item in items:
            if item.due < on:
                overdue.append(item)
            elif item.due <= on + SOON:
                week.append(item)
            elif item.due <= month_end(on):
                month.append(item)
        return cls(on, overdue, week, month)

    @property
    def count(self) -> int:
        """The bell: items overdue or due within the week."""
        return len(self.overdue) + len(self.week)

    @property
    def items(self) -> list[Item]:
        return [*self.overdue, *self.week, *self.month]

    def groups(self) -> list[tuple[str, str, list[Item]]]:
        return [("overdue", _("已到期"), self.overdue), ("week", _("本周到期"), self.week),
                ("month", _("本月稍后"), self.month)]


def inbox_for(user, on: dt.date | None = None) -> Inbox:
    on = on or dates.today()
    return Inbox.build(items_for(user, on), on)

