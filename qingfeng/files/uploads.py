"""Upload limits checked while the body streams in, before anything is kept.

Django keeps an uploaded file in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and in a temporary file beyond it, and
DATA_UPLOAD_MAX_MEMORY_SIZE covers the non-file fields only: a 50 MB attachment used to be taken whole into
temporary storage before the form's 10 MB check. Here:

- `UploadLimitMiddleware` (before CsrfViewMiddleware, which reads the body) refuses outright (413) a request whose
  declared length exceeds what its view accepts, and puts `LimitedUploadHandler` first for the rest;
- `LimitedUploadHandler` counts each file's bytes as they arrive; past the per-file limit nothing more of that file
  reaches the handlers that store it (what was kept so far is a temporary file deleted with the request), and the
  view receives an `OversizedUpload` whose size says how big it was, so the form refuses it with its usual reason
  (files.checks); past the request's total it stops reading the body.

A view states its own per-file limit with `@upload_limit(bytes or callable)` (the import page: the import limit);
every other view gets the attachment limit (files.checks.max_bytes, 10 MB) per file and MAX_FILES files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Self, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

MAX_FILES = 10  # files in one request at the attachment limit
OVERHEAD = 1024 * 1024  # form fields and multipart boundaries

Limit = int | Callable[[], int]
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def upload_limit(limit: Limit) -> Callable[[View], View]:
    """Decorator: this view takes files of up to `limit` bytes (an int or a callable returning one), one at a time."""

    def mark(view: View) -> View:
        # An attribute of the function, so that functools.wraps carries it to the decorators above.
        view.upload_limit = limit  # type: ignore[attr-defined]  # a plain function attribute, as Django's csrf_exempt
        return view

    return mark


def limits_for(view: Callable[..., object]) -> tuple[int, int]:
    """(per file, per request) for a view."""
    from qingfeng.files.checks import max_bytes

    declared: Limit | None = getattr(view, "upload_limit", None)
    if declared is not None:
        per_file = declared() if callable(declared) else int(declared)
        return per_file, per_file + OVERHEAD
    per_file = max_bytes()
    return per_file, per_file * MAX_FILES + OVERHEAD


class OversizedUpload(UploadedFile[bytes]):
    """A file refused while it arrived: its name and size, no content."""

    def __init__(self, name: str | None, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def read(self, *args: object) -> bytes:
        return b""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return iter(())

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> Self:
        return self

    def close(self) -> None:
        return None


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, per_file: int = 0, total: int = 0) -> None:
        super().__init__(request)
        self.per_file, self.total, self.seen_total = per_file, total, 0
        self.seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        self.seen_total += len(raw_data)
        if self.seen_total > self.total:
            raise StopUpload(connection_reset=True)
        if self.seen > self.per_file:
            return None  # nothing beyond the limit reaches storage
        return raw_data

    def file_complete(self, file_size: int) -> OversizedUpload | None:
        if self.seen > self.per_file:
            return OversizedUpload(self.file_name, self.seen, self.content_type)
        return None


def too_large(declared: int, limit: int) -> HttpResponse:
    text = _("上传的内容过大（%(size)s MB），上限为 %(limit)s MB，未接收。") % {
        "size": f"{declared / 1024 / 1024:.0f}", "limit": f"{limit / 1024 / 1024:.0f}"}
    response = HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
    response["Connection"] = "close"
    return response


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., HttpResponseBase], view_args: tuple[Any, ...],
                     view_kwargs: dict[str, Any]) -> HttpResponse | None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        per_file, total = limits_for(view_func)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > total:
            return too_large(declared, total)
        if request.content_type == "multipart/form-data":
            request.upload_handlers.insert(0, LimitedUploadHandler(request, per_file, total))
        return None
