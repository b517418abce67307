"""/forms and /forms/{报表编号}/fill: the saved report forms (一表通) the token's user sees, and one of them
filled for an organization and a period — the same workbook the page downloads and `qingfeng form fill
--form` writes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from qingfeng.api.errors import READ_ERRORS, ApiError
from qingfeng.api.organizations import OrgRef
from qingfeng.api.params import Day
from qingfeng.forms import access, actions, filler
from qingfeng.forms.models import Channel, Version
from qingfeng.forms.placeholders import TemplateError

router = Router(tags=["forms"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FormOut(Schema):
    code: str = Field(description="报表编号 / the form's number in the register")
    name: str
    owner: OrgRef = Field(description="主管组织 / the organization that publishes it")
    version: int = Field(description="最新模板版本 / latest template version")
    answered: int = Field(description="系统生成份数 / times the platform has filled it")
    hand_form_retired_on: dt.date | None = Field(
        None, description="手工报表停用日期（由系统生成等）/ the day the hand-kept form was retired")
    placeholders: list[list[str]] = Field(description="[工作表, 单元格, 占位符, 含义] / [sheet, cell, placeholder, meaning]")


class FillQuery(Schema):
    org: str | None = Field(None, max_length=32, json_schema_extra={"example": "140105001"},
                            description="为哪个组织填写，缺省为本人所在组织 / the organization; default: yours")
    start: Day = Field(..., alias="from", json_schema_extra={"example": "2026-01-01"}, description="首日 / first day")
    end: Day = Field(..., alias="to", json_schema_extra={"example": "2026-06-30"}, description="末日（含）/ last day")
    version: int | None = Field(None, ge=1, le=100_000, description="模板版本，缺省为最新 / template version; default latest")


@router.get("/forms", response={200: list[FormOut], **READ_ERRORS}, summary="一表通报表 / report forms answered by the platform")
def list_forms(request):
    templates = (access.visible_templates(request.auth).annotate(answered=Count("fillings", distinct=True),
                                                          version=Max("versions__number"))
                 .order_by("form__code"))
    latest: dict[int, tuple[int, object]] = {}
    for template_id, number, placeholders in Version.objects.filter(template__in=templates).values_list(
            "template_id", "number", "placeholders"):
        if number >= latest.get(template_id, (0, None))[0]:
            latest[template_id] = (number, placeholders)
    return [{"code": t.form.code, "name": t.form.name, "owner": {"code": t.form.org.code, "name": t.form.org.name},
             "version": t.version or 0, "answered": t.answered, "hand_form_retired_on": t.form.retired_on,
             "placeholders": latest.get(t.pk, (0, []))[1]} for t in templates]


@router.get("/forms/{code}/fill", response={200: None, **READ_ERRORS}, summary="下载填好的报表 / the form filled (.xlsx)",
            openapi_extra={"responses": {"200": {"description": "填好的工作簿 / the filled workbook",
                                                 "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def fill_form(request, code: str, query: Query[FillQuery]):
    """The saved form filled for `org` (any organization of your subtree within the form's) and the period,
    as an .xlsx attachment named after the form; counted in burden.forms_answered."""
    user = request.auth
    template = access.get_template_for_user(user, code)
    org = access.get_fill_org_for_user(user, template, query.org)
    if query.start > query.end:
        raise ApiError(400, "invalid_period", f"开始日期 {query.start} 晚于结束日期 {query.end}。",
                       f"The first day {query.start} is after the last day {query.end}.")
    version = None
    if query.version is not None:
        version = template.versions.filter(number=query.version).first()
        if version is None:
            raise ApiError(404, "not_found", f"报表“{code}”没有第 {query.version} 版。",
                           f"The form {code} has no version {query.version}.")

    def run():
        return actions.answer(template, user=user, org=org, start=query.start, end=query.end, channel=Channel.API,
                              version=version)

    try:
        with translation.override("zh-hans"):
            answer = run()
    except TemplateError as exc:
        zh = [str(p) for p in exc.problems]
        with translation.override("en"):
            try:
                filler.fill(bytes((version or template.latest()).content), org, query.start, query.end, user)
                en = zh
            except TemplateError as again:
                en = [str(p) for p in again.problems]
        raise ApiError(400, "template_problems", "\n".join(zh), "\n".join(en),
                       errors=[{"loc": ["template", p.sheet, p.coordinate], "message": str(p)} for p in exc.problems]) from exc
    response = HttpResponse(answer.content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, answer.filename)
    return response

