"""The JSON API, version 1, mounted at /api/v1/ (spec/interfaces.md "HTTP").

A thin typed layer: every object comes through qingfeng.accounts.access and every write through
an app's actions, exactly as for the pages."""

from __future__ import annotations

import datetime as dt

from ninja import Field, NinjaAPI, Schema
from ninja.parser import Parser

from qingfeng.api import (
    activities,
    errors,
    findings,
    indicators,
    organizations,
    people,
    reminders,
    report_forms,
    service,
)
from qingfeng.api.actions import issue_token
from qingfeng.api.auth import CredentialsRejected, TokenAuth, check_credentials
from qingfeng.api.errors import ErrorOut
from qingfeng.core.api import mounted_routers

TOKEN_DAYS = 30
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyParser(Parser):
    """JSON bodies, and flat bodies form-encoded as well (as OAuth token endpoints take them)."""

    def parse_body(self, request):
        if request.content_type in FORM_TYPES:
            return {key: values[0] if len(values) == 1 else values for key, values in request.POST.lists()}
        return super().parse_body(request)


api = NinjaAPI(
    title="清风 Qingfeng API",
    version="1",
    description=(
        "党建工作台账与指标接口。除 `auth/token` 与 `openapi.json` 外，请求须带 `Authorization: Bearer <令牌>`。"
        "错误统一返回 `{code, message_zh, message_en}`。\n\n"
        "Party-building ledgers and indicators. Every route except `auth/token` and `openapi.json` needs "
        "`Authorization: Bearer <token>`. Errors always answer `{code, message_zh, message_en}`."
    ),
    auth=TokenAuth(),
    urls_namespace="api_v1",
    docs_url=None,
    parser=BodyParser(),
)
errors.install(api)
api.add_decorator(errors.chinese_first)


class Credentials(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    otp: str | None = Field(None, max_length=10, description="动态口令（已启用时）/ one-time code when enrolled")


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime | None


@api.post("/auth/token", auth=None, response={200: TokenOut, 400: ErrorOut, 401: ErrorOut},
          summary="以用户名和密码换取令牌 / exchange credentials for a token", tags=["auth"])
def create_token(request, credentials: Credentials):
    try:
        user = check_credentials(request, credentials.username, credentials.password, otp=credentials.otp)
    except CredentialsRejected as exc:
        raise errors.ApiError(401, exc.code, exc.message_zh, exc.message_en) from exc
    token, raw = issue_token(user, "接口登录", days=TOKEN_DAYS)
    return {"token": raw, "expires_at": token.expires_at}


class MeOut(Schema):
    username: str
    name: str = Field(alias="get_full_name")
    role: str
    role_name: str = Field(alias="get_role_display")
    org: organizations.OrgRef | None
    sees_discipline: bool
    read_only: bool = Field(alias="is_read_only")


@api.get("/me", response={200: MeOut, 401: ErrorOut}, summary="当前用户 / the token's user", tags=["auth"])
def me(request):
    return request.auth


api.add_router("", organizations.router)
api.add_router("", people.router)
api.add_router("", activities.router)
api.add_router("", findings.router)
api.add_router("", service.router)
api.add_router("", indicators.router)
api.add_router("", reminders.router)
api.add_router("", report_forms.router)

# A register's own routes: mounted by its AppConfig.ready() through qingfeng.core.api.mount.
for _router in mounted_routers():
    api.add_router("", _router)
