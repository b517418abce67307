"""Upload checks: size, extension and the file's content must agree; the reason is given in Chinese."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES_DEFAULT = 10 * 1024 * 1024

# extension → MIME type served back
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_bytes() -> int:
    return int(getattr(settings, "QINGFENG_FILE_MAX_BYTES", MAX_BYTES_DEFAULT))


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


@dataclass
class Checked:
    name: str
    ext: str
    mime: str
    data: bytes


def _sniff(data: bytes) -> str | None:
    """The type the bytes really are, judged by their content."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _image_ok(data) else None
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg" if _image_ok(data) else None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _image_ok(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 — any decoder failure means "not a readable image"
        return False
    return True


def check_upload(upload: UploadedFile[Any]) -> Checked:
    """Read one UploadedFile and return it checked, or raise ValidationError with the reason."""
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("文件“%(name)s”超过 %(size)s 的大小上限。") % {"name": name, "size": _size(limit)})
    if ext not in ALLOWED:
        raise ValidationError(_("文件“%(name)s”的类型不允许：只接受 PDF、JPG、PNG、DOCX、XLSX。") % {"name": name})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("文件“%(name)s”超过 %(size)s 的大小上限。") % {"name": name, "size": _size(limit)})
    if not data:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name})
    real = _sniff(data)
    normal_ext = "jpg" if ext == "jpeg" else ext
    if real != normal_ext:
        raise ValidationError(_("文件“%(name)s”的内容与扩展名不符，或文件已损坏。") % {"name": name})
    return Checked(name=name, ext=normal_ext, mime=ALLOWED[ext], data=data)
