"""The member lifecycle: development (发展党员) from application to full membership, transfers
between organizations with the receiver's acceptance, and dues (党费).

Milestone dates live on the candidate; every change is also an append-only event row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


class Stage(models.TextChoices):  # the five stages (环节) of 发展党员
    APPLICANT = "applicant", _("申请入党")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    CLOSED = "closed", _("已终止")


class CandidateQuerySet(models.QuerySet):
    def within(self, org: Organization) -> CandidateQuerySet:
        return self.filter(org__path__startswith=org.path)

    def in_progress(self) -> CandidateQuerySet:
        return self.exclude(stage__in=[Stage.FULL, Stage.CLOSED])


class Candidate(models.Model):  # 发展对象 in the broad sense: one person's way from application to 转正
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="candidacies")
    org = models.ForeignKey(Organization, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="candidates")
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.APPLICANT)
    # Stage 1: application
    applied_on = models.DateField(_("递交入党申请书日期"))
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    # Stage 2: activist
    activist_on = models.DateField(_("确定入党积极分子日期"), null=True, blank=True)
    contact_1 = models.ForeignKey(Person, verbose_name=_("培养联系人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    contact_2 = models.ForeignKey(Person, verbose_name=_("培养联系人（二）"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Stage 3: candidate for admission
    candidate_on = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    introducer_1 = models.ForeignKey(Person, verbose_name=_("入党介绍人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    introducer_2 = models.ForeignKey(Person, verbose_name=_("入党介绍人（二）"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField(_("政治审查结论日期"), null=True, blank=True)
    training_days = models.PositiveSmallIntegerField(_("集中培训天数"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("集中培训学时"), null=True, blank=True)
    # Stage 4: admission as 预备党员 — the probation counts from the branch vote
    vote_on = models.DateField(_("支部大会讨论日期"), null=True, blank=True)
    votes_due = models.PositiveSmallIntegerField(_("应到有表决权党员"), null=True, blank=True)
    votes_present = models.PositiveSmallIntegerField(_("实到有表决权党员"), null=True, blank=True)
    votes_yes = models.PositiveSmallIntegerField(_("赞成票"), null=True, blank=True)
    approved_on = models.DateField(_("上级党委审批日期"), null=True, blank=True)
    # Stage 5: probation and full membership
    extension_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), null=True, blank=True)
    full_vote_on = models.DateField(_("转正支部大会日期"), null=True, blank=True)
    full_approved_on = models.DateField(_("转正审批日期"), null=True, blank=True)
    closed_on = models.DateField(_("终止日期"), null=True, blank=True)
    closed_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_stage_display()}"

    @property
    def probation_ends_on(self):
        from qingfeng.membership.rules import probation_end

        return probation_end(self.vote_on, self.extension_months) if self.vote_on else None


def stage_from_dates(candidate: Candidate) -> str:
    """The stage the milestone dates put a candidacy in (imports write dates, not stages)."""
    if candidate.closed_on:
        return Stage.CLOSED
    if candidate.full_approved_on:
        return Stage.FULL
    if candidate.approved_on:
        return Stage.PROBATIONARY
    if candidate.candidate_on:
        return Stage.CANDIDATE
    if candidate.activist_on:
        return Stage.ACTIVIST
    return Stage.APPLICANT


class CandidateEvent(models.Model):  # history of a candidacy, append-only
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    step = models.CharField(_("步骤"), max_length=40)
    on = models.DateField(_("日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("发展记录")
        verbose_name_plural = _("发展记录")
        ordering = ["candidate", "at", "id"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.step} {self.on or ''}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已撤回")


class TransferRequest(models.Model):  # 组织关系转接 within the platform, pending the receiver's acceptance
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfer_requests")
    from_org = models.ForeignKey(Organization, verbose_name=_("转出组织"), on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Organization, verbose_name=_("转入组织"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("转接日期"))
    status = models.CharField(_("状态"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("转接申请")
        verbose_name_plural = _("转接申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.from_org.code}→{self.to_org.code}"


class TransferLetter(models.Model):  # 介绍信 for a member leaving the platform
    number = models.CharField(_("介绍信编号"), max_length=40, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfer_letters")
    from_org = models.ForeignKey(Organization, verbose_name=_("转出组织"), on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("去往单位"), max_length=200)
    on = models.DateField(_("转出日期"))
    valid_days = models.PositiveSmallIntegerField(_("有效期（天）"), default=30)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("组织关系介绍信")
        verbose_name_plural = _("组织关系介绍信")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class IncomeKind(models.TextChoices):  # the base the dues rate applies to
    SALARY = "salary", _("在职（税后月工资）")
    RETIRED = "retired", _("离退休（离退休费）")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业、低保等")
    SELF_EMPLOYED = "self", _("个体经营（上季度月均纯收入）")


class DuesDeclaration(models.Model):  # 党费基数: declared monthly income from a month on
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_declarations")
    since = models.DateField(_("起始月份"), help_text=_("该月第一天"))
    kind = models.CharField(_("收入类别"), max_length=12, choices=IncomeKind.choices)
    income = models.PositiveIntegerField(_("月收入（元）"), default=0)
    monthly_fen = models.PositiveIntegerField(_("每月应交（分）"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党费基数")
        verbose_name_plural = _("党费基数")
        ordering = ["person", "since"]
        constraints = [models.UniqueConstraint(fields=["person", "since"], name="dues_declaration_month")]

    def __str__(self) -> str:
        return f"{self.person} {self.since:%Y-%m} {self.monthly_fen / 100:.2f}"


class DuesPayment(models.Model):  # a payment for one month (payment processing is out of scope)
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_payments")
    org = models.ForeignKey(Organization, verbose_name=_("收缴组织"), on_delete=models.PROTECT, related_name="dues_payments")
    month = models.DateField(_("所属月份"), help_text=_("该月第一天"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    paid_on = models.DateField(_("缴纳日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党费缴纳")
        verbose_name_plural = _("党费缴纳")
        ordering = ["-month", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="dues_payment_month")]
        indexes = [models.Index(fields=["org", "month"])]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m} {self.amount_fen / 100:.2f}"
