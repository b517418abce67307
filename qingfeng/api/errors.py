"""One error body for every failure of the API: {"code", "message_zh", "message_en"} (plus
"errors" with the offending fields when the request itself did not validate)."""

from __future__ import annotations

import functools
import re
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import trans_real
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
            return _english(message) if language != "zh-hans" else message
        return str(message)


# A placeholder of a catalogue sentence: %(name)s, %(n)d, %(x).1f; "%%" is a literal percent sign.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?([sdifr])|%%")
_VALUE = {"d": r"-?\d+", "i": r"-?\d+", "f": r"-?\d+(?:\.\d+)?"}
MAX_MATCHED = 2000  # characters of a reason looked up in the catalogue; a longer one stays as the action said it


@functools.cache
def _sentences(language: str) -> list[tuple[re.Pattern[str], str, dict[str, str]]]:
    """Every catalogue sentence with values in it, as a pattern matching it once its values are filled in (the
    most specific first): (pattern, msgid, name → conversion)."""
    out = []
    catalogue = cast(Any, trans_real.translation(language))._catalog  # noqa: SLF001 — the catalogue Django has loaded
    for msgid in catalogue.keys():
        if not isinstance(msgid, str) or "%(" not in msgid or "\x04" in msgid:
            continue
        parts, names, literal, at = [], {}, 0, 0
        for m in _PLACEHOLDER.finditer(msgid):
            parts.append(re.escape(msgid[at:m.start()]))
            literal += len(msgid[at:m.start()].strip())
            at = m.end()
            name, conversion = m.group(1), m.group(2)
            if name is None:
                parts.append("%")
            elif name in names:
                parts.append(f"(?P={name})")
            else:
                names[name] = conversion
                # A value never holds the character its sentence goes on with: one way to split a message, so a
                # value someone typed (a title full of “、”) cannot make the match try every split of it.
                after = _PLACEHOLDER.sub("", msgid[m.end():])  # the text after it, past any value next to it
                text = f"[^{re.escape(after[0])}]+?" if after else ".+?"
                parts.append(f"(?P<{name}>{_VALUE.get(conversion, text)})")
        parts.append(re.escape(msgid[at:]))
        literal += len(msgid[at:].strip())
        if names and literal >= 2:
            out.append((literal, re.compile("".join(parts), re.DOTALL), msgid, names))
    return [(pattern, msgid, names) for _n, pattern, msgid, names in sorted(out, key=lambda t: -t[0])]


def _word(value: str) -> str:
    """A value in the active language when the catalogue knows it: a choice label, a type's name, or a list of them
    joined by "、"; anything else (a name, a code, a date) as it is."""
    translated = str(translation.gettext(value))
    if translated != value or "、" not in value:
        return translated
    words = [str(translation.gettext(w)) for w in value.split("、")]
    return ", ".join(words) if all(w != v for w, v in zip(words, value.split("、"), strict=True)) else value


def _english(message: str) -> str:
    """An action's reason in the active language. The actions fill their Chinese sentences in before raising, so a
    sentence with values is found again in the catalogue by its fixed words, and its translation is filled with the
    same values — each one translated too when it is a word of the catalogue (the round's type “督导检查”), never
    left Chinese inside an English sentence."""
    plain = str(translation.gettext(message))
    if plain != message:
        return plain
    language = translation.get_language() or "en"
    if len(message) > MAX_MATCHED:
        return message
    for pattern, msgid, names in _sentences(language):
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values: dict[str, object] = {}
        for name, conversion in names.items():
            text = found.group(name)
            values[name] = (int(text) if conversion in "di" else float(text) if conversion == "f"
                            else _word(text))
        try:
            return str(translation.gettext(msgid)) % values
        except (KeyError, TypeError, ValueError):  # a translation that does not take the same values
            return message
    return message


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
