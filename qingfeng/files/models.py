"""Attachments (附件): minutes, evidence photos, supervision documents.

Files live under settings.MEDIA_ROOT, outside the web root; they are served only by
files.views.download, after the access layer has said the user may see the record."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.orgs.models import Organization


class FileKind(models.TextChoices):  # 附件类别
    MINUTES = "minutes", _("会议记录")
    PHOTO = "photo", _("照片")
    EVIDENCE = "evidence", _("整改佐证")
    # 政治监督专项检查: 一书一报告两清单
    OPINION = "opinion", _("政治监督意见书")
    REPORT = "report", _("政治监督报告")
    PROBLEMS = "problems", _("问题清单")
    RECTIFY = "rectify", _("整改清单")
    OTHER = "other", _("其他")


# The four documents a 政治监督专项检查 round produces (一书一报告两清单).
POLITICAL_DOCUMENTS = (FileKind.OPINION, FileKind.REPORT, FileKind.PROBLEMS, FileKind.RECTIFY)


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def of(self, obj: models.Model) -> AttachmentQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Attachment(models.Model):  # 附件 — one uploaded file attached to one record
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    # The owning organization of the record, so lists and the admin can scope by one prefix.
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=FileKind.choices, default=FileKind.OTHER)
    name = models.CharField(_("文件名"), max_length=200)
    mime = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    stored = models.CharField(max_length=300, editable=False)  # path relative to MEDIA_ROOT
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")
