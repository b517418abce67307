"""一表通: report forms answered by the platform.

A saved form is an entry of the forms register (burden.ReportForm, 报表目录) with an Excel template in
versions; every organization in the owner's subtree downloads it filled for itself. Each filling is kept
(Filling): `burden.forms_answered` counts them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.burden.models import ReportForm
from qingfeng.orgs.models import Organization


class Channel(models.TextChoices):  # how a filled form was asked for
    PAGE = "page", _("页面")
    API = "api", _("接口")
    COMMAND = "command", _("命令行")
    DEMO = "demo", _("演示数据")


class TemplateQuerySet(models.QuerySet):
    def published_to(self, org: Organization) -> TemplateQuerySet:
        """Forms whose owner is `org` or one of its ancestors: the forms `org` is asked to answer."""
        return self.filter(form__org__code__in=org.ancestor_codes())

    def owned_within(self, org: Organization) -> TemplateQuerySet:
        return self.filter(form__org__path__startswith=org.path)


class Template(models.Model):  # 一表通报表 — a register entry the platform answers from a template
    form = models.OneToOneField(ReportForm, verbose_name=_("报表"), on_delete=models.PROTECT, related_name="template")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = TemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("一表通报表")
        verbose_name_plural = _("一表通报表")
        ordering = ["form__code"]

    def __str__(self) -> str:
        return str(self.form)

    @property
    def code(self) -> str:
        return self.form.code

    @property
    def name(self) -> str:
        return self.form.name

    @property
    def owner(self) -> Organization:
        return self.form.org

    def latest(self) -> Version:
        return self.versions.latest("number")  # every template is uploaded with its first version


class Version(models.Model):  # 模板版本 — a new upload is a new version; fills use the latest unless asked
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("模板文件"))
    sha256 = models.CharField(max_length=64)
    # What the check found when it was saved: [[sheet, cell, placeholder text, label], …]
    placeholders = models.JSONField(default=list)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="forms_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"


class Filling(models.Model):  # 系统生成 — one form filled by the platform (a download, an API answer, a command)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="fillings")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="fillings")
    org = models.ForeignKey(Organization, verbose_name=_("填报组织"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    # burden.forms_answered counts fillings by the organization of the user who asked, on the platform's day.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    user_org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("生成日期"))
    at = models.DateTimeField(_("生成时间"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("系统生成记录")
        verbose_name_plural = _("系统生成记录")
        indexes = [models.Index(fields=["user_org", "on"])]

    def __str__(self) -> str:
        return f"{self.template.code} {self.org.code} {self.start}..{self.end}"


class Draft(models.Model):  # a checked upload waiting to be saved (the preview step)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    placeholders = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename

