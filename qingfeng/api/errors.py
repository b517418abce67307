"""One error body for every failure of the API: {"code", "message_zh", "message_en"} (plus
"errors" with the offending fields when the request itself did not validate)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from qingfeng.core.api import READ_ERRORS, WRITE_ERRORS, ErrorOut, FieldError  # noqa: F401 — the routes import them here


class ApiError(Exception):
    """Raised by routes for an answer other than success; rendered by the handler below."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str, errors: list | None = None):
        super().__init__(message_en)
        self.status, self.code, self.message_zh, self.message_en, self.errors = status, code, message_zh, message_en, errors


def bad_request(message_zh: str, message_en: str, code: str = "invalid") -> ApiError:
    return ApiError(400, code, message_zh, message_en)


def _in(language: str, message) -> str:
    # Actions speak Chinese through gettext; the English catalogue gives the other half where it can.
    with translation.override(language):
        if isinstance(message, str):
            return str(translation.gettext(message)) if language != "zh-hans" else message
        return str(message)


def _field_errors(exc: DjangoValidationError) -> list[dict] | None:
    if not hasattr(exc, "error_dict"):
        return None
    return [{"loc": ["body", field], "message": _in("zh-hans", m)}
            for field, errors in exc.error_dict.items() for error in errors for m in error.messages]


def install(api) -> None:
    def respond(request, status: int, code: str, zh: str, en: str, errors=None, headers=None):
        body = {"code": code, "message_zh": zh, "message_en": en}
        if errors is not None:
            body["errors"] = errors
        response = api.create_response(request, body, status=status)
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message_zh, exc.message_en, exc.errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, "unauthenticated", "缺少有效的接口令牌（Authorization: Bearer …）。",
                       "A valid API token is required (Authorization: Bearer …).", headers={"WWW-Authenticate": "Bearer"})

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "not_found", "记录不存在或不在您的权限范围内。",
                       "The record does not exist or is outside your scope.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, "forbidden", "您的角色无权进行此操作。", "Your role may not do this.")

    @api.exception_handler(DjangoValidationError)
    def rejected(request, exc: DjangoValidationError):
        # The action refused: nothing was written (every action is one transaction).
        messages = [m for error in exc.error_list for m in error.messages] if not hasattr(exc, "error_dict") else [
            m for errors in exc.error_dict.values() for error in errors for m in error.messages]
        return respond(request, 400, "rejected", "；".join(_in("zh-hans", m) for m in messages),
                       "; ".join(_in("en", m) for m in messages), _field_errors(exc))

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc: NinjaValidationError):
        errors = [{"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())], "message": str(e.get("msg", ""))}
                  for e in exc.errors]
        return respond(request, 400, "invalid", "请求参数不正确。", "The request is not valid.", errors)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        status = exc.status_code
        if status == 401:
            return unauthenticated(request, exc)
        if status == 400:  # ninja's own: a body that is not JSON
            return respond(request, 400, "invalid", "请求体无法解析，应为 JSON。", "The request body is not valid JSON.")
        return respond(request, status, "error", "请求无法处理。", str(exc) or "The request cannot be handled.")


def chinese_first(view):
    """Run every operation in Chinese: the data's own language (kinds, statuses, the actions' reasons),
    whatever the client's Accept-Language; error bodies carry the English beside it."""
    import functools

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with translation.override("zh-hans"):
            return view(*args, **kwargs)

    return wrapper
