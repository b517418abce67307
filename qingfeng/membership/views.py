"""Pages of the member lifecycle: one function view per action."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingfeng.accounts.access import (
    WRITERS_PARTY_WORK,
    can_write,
    get_org_for_user,
    get_person_for_user,
    require_write,
    scope_root,
)
from qingfeng.core import dates
from qingfeng.core.dates import add_months, month_end, month_start
from qingfeng.core.http import AuthedRequest
from qingfeng.core.ledger import people_in_reach, persons_not_found
from qingfeng.core.lists import paginate
from qingfeng.membership import actions, rules
from qingfeng.membership.access import (
    get_candidate_for_user,
    get_letter_for_user,
    get_transfer_for_user,
    visible_candidates,
    visible_transfers,
)
from qingfeng.membership.forms import (
    ApplicationForm,
    DecisionForm,
    DeclarationForm,
    LetterForm,
    PaymentForm,
    StepForm,
    TransferRequestForm,
)
from qingfeng.membership.models import DuesDeclaration, DuesPayment, Stage, TransferStatus
from qingfeng.membership.warnings import development_warnings, lapse_warning, lapsing_members
from qingfeng.people.models import Person

# step → (label, the stage it is taken in, the fields its form shows)
STEPS = {
    "talk": (gettext_lazy("派人谈话"), Stage.APPLICANT, ["on", "note"]),
    "activist": (gettext_lazy("确定为入党积极分子"), Stage.APPLICANT, ["on", "people", "note"]),
    "candidate": (gettext_lazy("确定为发展对象"), Stage.ACTIVIST, ["on", "people", "note"]),
    "review": (gettext_lazy("政治审查与集中培训"), Stage.CANDIDATE, ["on", "days", "hours"]),
    "vote": (gettext_lazy("支部大会讨论接收"), Stage.CANDIDATE, ["on", "due", "present", "yes"]),
    "approve": (gettext_lazy("上级党委审批"), Stage.CANDIDATE, ["on"]),
    "extend": (gettext_lazy("延长预备期"), Stage.PROBATIONARY, ["months", "note"]),
    "full_vote": (gettext_lazy("支部大会讨论转正"), Stage.PROBATIONARY, ["on"]),
    "full": (gettext_lazy("上级党委批准转正"), Stage.PROBATIONARY, ["on"]),
    "close": (gettext_lazy("终止发展程序"), None, ["note"]),
}


# A candidate's history names each step as the procedure does (events store the step's key).
EVENT_NAMES = {"apply": gettext_lazy("递交入党申请"), "review_training": gettext_lazy("政治审查与集中培训"),
               **{key: label for key, (label, _stage, _fields) in STEPS.items()}}


def _today() -> dt.date:
    return dates.today()


def _people_by_ids(text: str, user) -> list[Person]:
    """培养联系人 / 入党介绍人 by ID number: only people the user sees; the same answer for a number that is unknown
    and for one outside the user's subtree."""
    ids = [part.strip().upper() for part in text.replace("，", ",").split(",") if part.strip()]
    found = people_in_reach(user, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(persons_not_found(missing))
    return [found[i] for i in ids]


def _scope_org(request):
    code = request.GET.get("org", "").strip()
    if code:
        return get_org_for_user(request.user, code)
    root = scope_root(request.user)
    if root is None:
        from qingfeng.orgs.models import Organization

        root = Organization.objects.filter(parent__isnull=True).order_by("path").first()
        if root is None:
            raise Http404
    return root


@login_required
def candidates(request: AuthedRequest) -> HttpResponse:
    org = _scope_org(request)
    qs = visible_candidates(request.user).filter(org__path__startswith=org.path).select_related("person", "org")
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    page, query = paginate(request, qs)
    counts = dict(visible_candidates(request.user).filter(org__path__startswith=org.path)
                  .values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    return render(request, "membership/candidates.html", {
        "org": org, "page": page, "query": query, "stage": stage, "stages": Stage.choices,
        "counts": counts, "warnings": development_warnings(org, _today()),
        "can_write": can_write(request.user, WRITERS_PARTY_WORK),
    })


@login_required
def apply(request: AuthedRequest) -> HttpResponse:
    require_write(request.user, WRITERS_PARTY_WORK)
    form = ApplicationForm(request.POST or None, initial={"org": getattr(request.user.org, "code", "")})
    if request.method == "POST" and form.is_valid():
        org = get_org_for_user(request.user, form.cleaned_data["org"], write=True)
        try:
            candidate = actions.register_application(
                org=org, name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"],
                applied_on=form.cleaned_data["applied_on"], phone=form.cleaned_data["phone"], user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记入党申请。"))
            return redirect("membership:candidate", candidate.pk)
    return render(request, "membership/apply.html", {"form": form})


def _timeline(candidate) -> list[dict]:
    """Each milestone with its date, its deadline or earliest date, and whether the rule held."""
    c = candidate
    items = [
        {"label": _("递交入党申请书"), "on": c.applied_on},
        {"label": _("派人谈话"), "on": c.talked_on, "limit": rules.talk_deadline(c.applied_on),
         "limit_label": _("期限")},
        {"label": _("确定为入党积极分子"), "on": c.activist_on},
        {"label": _("确定为发展对象"), "on": c.candidate_on,
         "limit": rules.earliest_candidate_date(c.activist_on) if c.activist_on else None, "limit_label": _("最早")},
        {"label": _("政治审查结论"), "on": c.review_on},
        {"label": _("支部大会讨论接收"), "on": c.vote_on},
        {"label": _("上级党委审批"), "on": c.approved_on,
         "limit": rules.approval_deadline(c.vote_on) if c.vote_on else None, "limit_label": _("期限")},
        {"label": _("预备期满"), "on": None, "limit": c.probation_ends_on, "limit_label": _("日期")},
        {"label": _("支部大会讨论转正"), "on": c.full_vote_on},
        {"label": _("批准转正"), "on": c.full_approved_on,
         "limit": rules.full_approval_deadline(c.probation_ends_on) if c.vote_on else None, "limit_label": _("期限")},
    ]
    today = _today()
    for item in items:
        limit, on = item.get("limit"), item["on"]
        item["late"] = bool(limit and item.get("limit_label") == _("期限") and ((on and on > limit) or (not on and today > limit)))
    return items


@login_required
def candidate(request: AuthedRequest, pk: int) -> HttpResponse:
    c = get_candidate_for_user(request.user, pk)
    steps = [(key, label) for key, (label, stage, _fields) in STEPS.items()
             if (stage == c.stage) or (stage is None and c.stage not in (Stage.FULL, Stage.CLOSED))]
    return render(request, "membership/candidate.html", {
        "c": c, "timeline": _timeline(c), "steps": steps,
        "events": [(e, EVENT_NAMES.get(e.step, e.step)) for e in c.events.select_related("actor")],
        "can_write": can_write(request.user, WRITERS_PARTY_WORK), "step_fields": {k: v[2] for k, v in STEPS.items()},
        "form": StepForm(initial={"on": _today()}),
    })


@login_required
@require_POST
def step(request: AuthedRequest, pk: int, name: str) -> HttpResponse:
    c = get_candidate_for_user(request.user, pk, write=True)
    if name not in STEPS:
        raise Http404
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("输入有误：%(e)s") % {"e": "; ".join(" ".join(map(str, v)) for v in form.errors.values())})
        return redirect("membership:candidate", c.pk)
    d = form.cleaned_data
    on = d.get("on")
    needs_date = "on" in STEPS[name][2]

    def day() -> dt.date:
        if on is None:
            raise ValidationError(_("请填写日期。"))
        return on

    try:
        if needs_date:
            day()
        if name == "talk":
            actions.record_talk(c, day(), request.user, d["note"])
        elif name == "activist":
            actions.make_activist(c, day(), _people_by_ids(d["people"], request.user), request.user, d["note"])
        elif name == "candidate":
            actions.make_candidate(c, day(), _people_by_ids(d["people"], request.user), request.user, d["note"])
        elif name == "review":
            actions.record_review_and_training(c, day(), d["days"], d["hours"], request.user)
        elif name == "vote":
            actions.record_vote(c, day(), d["due"] or 0, d["present"] or 0, d["yes"] or 0, request.user)
        elif name == "approve":
            actions.approve_admission(c, day(), request.user)
        elif name == "extend":
            actions.extend_probation(c, d["months"] or 0, request.user, d["note"])
        elif name == "full_vote":
            actions.record_full_vote(c, day(), request.user)
        elif name == "full":
            actions.approve_full_membership(c, day(), request.user)
        elif name == "close":
            actions.close_candidacy(c, d["note"], request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已记录：%(step)s") % {"step": STEPS[name][0]})
    return redirect("membership:candidate", c.pk)


# ---- transfers ---------------------------------------------------------------------------

@login_required
def transfers(request: AuthedRequest) -> HttpResponse:
    qs = visible_transfers(request.user)
    status = request.GET.get("status", TransferStatus.PENDING)
    if status in TransferStatus.values:
        qs = qs.filter(status=status)
    root = scope_root(request.user)
    page, query = paginate(request, qs)
    for t in page.object_list:
        t.incoming = root is None or t.to_org.path.startswith(root.path)
    return render(request, "membership/transfers.html", {
        "page": page, "query": query, "status": status, "statuses": TransferStatus.choices,
        "can_write": can_write(request.user, WRITERS_PARTY_WORK),
    })


@login_required
def transfer_request(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_pk, write=True)
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from qingfeng.orgs.models import Organization

        to_org = Organization.objects.filter(code=form.cleaned_data["to_org"].strip()).first()
        if to_org is None:
            form.add_error("to_org", _("组织编码不存在。"))
        else:
            try:
                actions.request_transfer(person, to_org, form.cleaned_data["on"], request.user, form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已发出转接申请，待转入组织接收。"))
                return redirect("membership:transfers")
    return render(request, "membership/transfer_request.html", {"person": person, "form": form})


@login_required
@require_POST
def transfer_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("accept", "reject", "cancel"):
        raise Http404
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if decision == "cancel":
            t = get_transfer_for_user(request.user, pk)
            require_write(request.user, WRITERS_PARTY_WORK)
            actions.cancel_transfer(t, request.user)
        else:
            t = get_transfer_for_user(request.user, pk, decide=True)
            actions.decide_transfer(t, decision == "accept", request.user, reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已处理转接申请。"))
    return redirect("membership:transfers")


@login_required
def letter_new(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_pk, write=True)
    form = LetterForm(request.POST or None, initial={"on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            letter = actions.issue_transfer_letter(person, form.cleaned_data["destination"], form.cleaned_data["on"], request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("membership:letter", letter.pk)
    return render(request, "membership/letter_new.html", {"person": person, "form": form})


@login_required
def letter(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "membership/letter.html", {"letter": get_letter_for_user(request.user, pk)})


# ---- dues --------------------------------------------------------------------------------

def _month(request) -> dt.date:
    text = request.GET.get("month", "") or request.POST.get("month", "")
    try:
        return month_start(dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text))
    except ValueError:
        return month_start(_today())


@login_required
def my_dues(request: AuthedRequest) -> HttpResponse:
    """党费 in the menu: the dues page of the user's own organization (the platform's top one for an
    administrator without one)."""
    from qingfeng.orgs.models import Organization

    root = scope_root(request.user)
    if root is None:
        root = Organization.objects.filter(parent__isnull=True).order_by("code").first()
        if root is None:
            raise Http404
    month = request.GET.get("month", "")
    query = f"?{urlencode({'month': month})}" if month else ""
    return redirect(f"{reverse('membership:dues', args=[root.code])}{query}")


@login_required
def dues(request: AuthedRequest, code: str) -> HttpResponse:
    org = get_org_for_user(request.user, code)
    month = _month(request)
    members = Person.objects.within(org).filter(admitted_on__isnull=False).select_related("org").order_by("org__path", "name")
    page, query = paginate(request, members)
    people = list(page.object_list)
    declarations: dict[int, DuesDeclaration] = {}
    for d in DuesDeclaration.objects.filter(person__in=people, since__lte=month).order_by("since"):
        declarations[d.person_id] = d
    paid = {p.person_id: p for p in DuesPayment.objects.filter(person__in=people, month=month)}
    rows = [{"person": p, "declaration": declarations.get(p.pk), "payment": paid.get(p.pk)} for p in people]
    totals = DuesPayment.objects.filter(org__path__startswith=org.path, month=month).aggregate(
        fen=Sum("amount_fen"), n=Count("id"))
    year_totals = DuesPayment.objects.filter(org__path__startswith=org.path, month__year=month.year).aggregate(fen=Sum("amount_fen"))
    children = (org.children.annotate(fen=Sum("dues_payments__amount_fen", filter=Q(dues_payments__month=month)))
                .order_by("code")) if not org.is_branch else []
    return render(request, "membership/dues.html", {
        "org": org, "month": month, "prev": add_months(month, -1), "next": add_months(month, 1), "rows": rows,
        "page": page, "query": query, "totals": totals, "year_total": year_totals["fen"] or 0,
        "member_count": members.count(), "children": children,
        "can_write": can_write(request.user, WRITERS_PARTY_WORK),
        # a payment is recorded on the day it is made: today, or the month's last day for a month already past
        "today": _today(), "pay_day": min(_today(), month_end(month)),
    })


def _back_to_dues(request, person, month) -> HttpResponse:
    """Back to the dues page the form came from: the posted organization if the user sees it, else the member's."""
    code = person.org.code
    posted = (request.POST.get("org") or "").strip()
    if posted:
        try:
            code = get_org_for_user(request.user, posted).code
        except Http404:
            pass  # a code outside the subtree, or not a code at all (org=a/b once answered 500)
    return redirect(f"{reverse('membership:dues', args=[code])}?month={month:%Y-%m}")


@login_required
@require_POST
def dues_declare(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_pk, write=True)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            actions.declare_income(person, form.cleaned_data["since"], form.cleaned_data["kind"], form.cleaned_data["income"], request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已核定 %(name)s 的党费基数。") % {"name": person.name})
    else:
        messages.error(request, _("输入有误，请检查收入类别、金额和月份。"))
    return _back_to_dues(request, person, _month(request))


@login_required
@require_POST
def dues_pay(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_pk, write=True)
    form = PaymentForm(request.POST)
    month = _month(request)
    if form.is_valid():
        try:
            actions.record_payment(person, month, form.cleaned_data["paid_on"], user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已登记 %(name)s %(month)s 的党费。") % {"name": person.name, "month": f"{month:%Y-%m}"})
    else:
        messages.error(request, _("请填写缴纳日期。"))
    return _back_to_dues(request, person, month)


@login_required
def lapses(request: AuthedRequest) -> HttpResponse:
    """Every member of the subtree who has lapsed, page by page, with how many there are."""
    org = _scope_org(request)
    members = lapsing_members(org, _today()).select_related("org").order_by("org__path", "name", "pk")
    page, query = paginate(request, members, per_page=50)
    return render(request, "membership/lapses.html", {
        "org": org, "page": page, "query": query, "warnings": [lapse_warning(p) for p in page.object_list]})
