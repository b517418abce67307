from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.files.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin[Attachment]):
    list_display = ["name", "kind", "org", "mime", "size", "uploaded_at"]
    list_filter = ["kind"]
    readonly_fields = ["key", "content_type", "object_id", "org", "name", "mime", "size", "sha256", "stored",
                       "uploaded_by", "uploaded_at"]
