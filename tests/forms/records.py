"""Saved forms on the test city: one owned by the clerk's branch A ("own"), one by the sibling district's
branch O ("sibling"), each already in the forms register as a hand-kept form since 2020; and a template a
district officer would upload."""

from __future__ import annotations

import datetime as dt

from tests.forms.helpers import township_form, workbook, xlsx


def simple_template() -> bytes:
    return xlsx(workbook({"A1": "{{ org.name }}", "A2": "党员数", "B2": "{{ members.total }}",
                          "A3": "{{ each branch }}", "B3": "{{ members.total }}"}))


def district_template() -> bytes:
    return xlsx(township_form())


def publish(user, content: bytes, *, owner: str, code: str, name: str, existing: str = ""):
    """The page's two steps (check, then publish) through the actions."""
    from qingfeng.forms import actions

    draft = actions.check_upload(user=user, filename=f"{name}.xlsx", content=content)
    return actions.save_form(user=user, draft=draft, existing=existing, org_code=owner, code=code, name=name)


def saved_forms(world) -> dict:
    from qingfeng.burden import actions as register

    found = getattr(world, "saved_forms", None)
    if found is not None:
        return found
    out = {}
    for side, org in (("own", world.branch_a), ("sibling", world.branch_o)):
        code = f"YBT-{org.code[-1]}"
        register.register_form(user=world.admin, org=org, code=code, name=f"党员情况统计表{org.code[-1]}",
                               enabled_on=dt.date(2020, 1, 1))
        out[side] = publish(world.admin, simple_template(), owner="", code="", name="", existing=code)
    world.saved_forms = out
    return out


def district_draft(world):
    """A checked upload of the district officer, waiting to be published."""
    from qingfeng.forms import actions

    draft = getattr(world, "forms_draft", None)
    if draft is None:
        draft = world.forms_draft = actions.check_upload(user=world.district_user, filename="统计表.xlsx",
                                                         content=simple_template())
    return draft
