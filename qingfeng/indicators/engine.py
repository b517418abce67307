"""The indicators engine: parse keys like `grassroots.dispatched[role=党组织书记,sector=学校|医院]`,
compute values for an organization's subtree and a period, and drill to the records behind them.

Values come from the pre-aggregated facts (facts.py) where they cover the question and from the raw
records (direct.py) otherwise; both give identical values (tests/indicators/test_property.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from qingfeng.core.indicators import FREE_TEXT, REGISTRY, SECTIONS, Indicator, Value
from qingfeng.indicators import direct

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingfeng.accounts.models import User
    from qingfeng.orgs.models import Organization

    Viewer = User | AnonymousUser | None  # who asks: restricted indicators are shown to some users only

# A question of compute_grid: (organization, start, end, the keys asked or None for every one the user may see).
GridAsk = tuple["Organization", dt.date, dt.date, "list[str] | None"]

__all__ = ["REGISTRY", "SECTIONS", "Indicator", "IndicatorError", "IndicatorForbidden", "Key", "Drill", "parse_keys",
           "parse_key", "compute", "compute_grid", "compute_many", "drill", "records", "visible_ids"]


class IndicatorError(ValueError):
    """An unknown indicator id, filter or filter value; the message lists the valid ones."""


class IndicatorForbidden(PermissionError):
    """A restricted (discipline) indicator asked by a user who may not see it."""


@dataclass(frozen=True)
class Key:
    text: str  # exactly as asked
    indicator: Indicator
    filters: dict[str, tuple[str, ...]]

    def effective_filters(self) -> dict[str, tuple[str, ...]]:
        merged = dict(self.indicator.defaults)
        merged.update(self.filters)
        return merged


@dataclass
class Drill:
    model: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    numerator: list[list[object]] = field(default_factory=list)
    denominator: list[list[object]] = field(default_factory=list)
    value: int | float | None = None
    key: str = ""
    is_rate: bool = False


def split_outside_brackets(text: str, sep: str = ",") -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def valid_ids_text() -> str:
    return ", ".join(REGISTRY)


def allowed_values(indicator: Indicator, name: str) -> tuple[str, ...]:
    """The values a filter accepts (for filters on data, such as activity types, read from the database)."""
    return indicator.choices(name)


def parse_key(text: str) -> Key:
    raw = text.strip()
    if not raw:
        raise IndicatorError(_("指标不能为空。可用指标：%(ids)s") % {"ids": valid_ids_text()})
    ident, filters_text = raw, None
    if "[" in raw:
        if not raw.endswith("]") or raw.count("[") != 1 or raw.count("]") != 1:
            raise IndicatorError(_("指标“%(key)s”的写法有误，应为 指标[筛选=值|值,筛选=值]。") % {"key": raw})
        ident, filters_text = raw[:-1].split("[", 1)
        ident = ident.strip()
    indicator = REGISTRY.get(ident)
    if indicator is None:
        raise IndicatorError(_("未知指标“%(id)s”。可用指标：%(ids)s") % {"id": ident, "ids": valid_ids_text()})
    filters: dict[str, tuple[str, ...]] = {}
    if filters_text is not None:
        for part in split_outside_brackets(filters_text):
            name, eq, values_text = part.partition("=")
            name = name.strip()
            valid_names = ", ".join(indicator.filters) or _("（无）")
            if name not in indicator.filters:
                raise IndicatorError(_("指标“%(id)s”没有筛选“%(name)s”。可用筛选：%(names)s")
                                     % {"id": ident, "name": name, "names": valid_names})
            if not eq:
                raise IndicatorError(_("筛选“%(name)s”缺少取值。") % {"name": name})
            if name in filters:
                raise IndicatorError(_("筛选“%(name)s”重复。") % {"name": name})
            values = tuple(v.strip() for v in values_text.split("|"))
            check_values(indicator, name, values)
            filters[name] = tuple(dict.fromkeys(values))
    missing = sorted(indicator.required - set(filters))
    if missing:
        raise IndicatorError(_("指标“%(id)s”必须给出筛选：%(names)s（如 %(id)s[%(name)s=…]）。")
                             % {"id": ident, "names": ", ".join(missing), "name": missing[0]})
    return Key(text=text.strip(), indicator=indicator, filters=filters)


def check_values(indicator: Indicator, name: str, values: tuple[str, ...]) -> None:
    """Values of a filter: one of those allowed, or for a free-text filter (专题) any non-empty words of bounded
    length."""
    if indicator.is_free_text(name):
        for v in values:
            if not v or len(v) > FREE_TEXT.max_length:
                raise IndicatorError(_("筛选“%(name)s”的取值应为 1 至 %(n)s 个字。")
                                     % {"name": name, "n": FREE_TEXT.max_length})
        return
    allowed = allowed_values(indicator, name)
    for v in values:
        if v not in allowed:
            raise IndicatorError(_("筛选“%(name)s”的取值“%(value)s”无效。可用取值：%(values)s")
                                 % {"name": name, "value": v, "values": ", ".join(allowed)})


def parse_keys(text: str) -> list[str]:
    """Split a comma list of keys (commas inside brackets belong to the key) and validate each."""
    keys = [k.strip() for k in split_outside_brackets(text or "") if k.strip()]
    if not keys:
        raise IndicatorError(_("未指定指标。可用指标：%(ids)s") % {"ids": valid_ids_text()})
    for k in keys:
        parse_key(k)
    return keys


def may_see(indicator: Indicator, user: Viewer) -> bool:
    return not indicator.restricted or user is None or bool(getattr(user, "sees_discipline", False))


def visible_ids(user: Viewer = None) -> list[str]:
    return [i for i, ind in REGISTRY.items() if may_see(ind, user)]


def answerable_ids(user: Viewer = None) -> list[str]:
    """The ids a key can name alone ("every indicator"): those the user may see that need no filter given."""
    return [i for i in visible_ids(user) if not REGISTRY[i].required]


def _parsed(keys: list[str] | None, user: Viewer) -> list[Key]:
    parsed = [parse_key(k) for k in keys] if keys is not None else [parse_key(k) for k in answerable_ids(user)]
    for key in parsed:
        if not may_see(key.indicator, user):
            raise IndicatorForbidden(_("无权查看指标“%(id)s”。") % {"id": key.indicator.id})
    return parsed


def check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise IndicatorError(_("开始日期 %(start)s 晚于结束日期 %(end)s。") % {"start": start, "end": end})


def compute(org: Organization, start: dt.date, end: dt.date, keys: list[str] | None = None,
            user: Viewer = None) -> dict[str, Value]:
    """{key: value} for the keys as asked, in order (None: every unfiltered indicator the user may see)."""
    check_period(start, end)
    parsed = _parsed(keys, user)
    from qingfeng.indicators import facts

    return facts.compute_keys(org, start, end, parsed)


def compute_grid(asks: Sequence[GridAsk], user: Viewer = None) -> list[dict[str, Value]]:
    """Values for many questions at once: each ask is (org, start, end, keys or None); the answer for each is
    the dict compute() would give. The facts behind all of them are read in a few queries, so a page
    showing many organizations or months costs little more than one showing one."""
    from qingfeng.indicators import facts

    items: list[facts.Item] = []
    parsed: dict[tuple[str, ...] | None, list[Key]] = {}
    for org, start, end, keys in asks:
        check_period(start, end)
        asked = None if keys is None else tuple(keys)
        if asked not in parsed:
            parsed[asked] = _parsed(keys, user)
        items.append((org, start, end, parsed[asked]))
    return facts.compute_grid(items)


def compute_many(orgs: Iterable[Organization], start: dt.date, end: dt.date, keys: list[str] | None = None,
                 user: Viewer = None) -> dict[int, dict[str, Value]]:
    """{org.pk: {key: value}} for several organizations over one period."""
    listed = list(orgs)
    return {o.pk: v for o, v in zip(listed, compute_grid([(o, start, end, keys) for o in listed], user), strict=True)}


def compute_direct(org: Organization, start: dt.date, end: dt.date, keys: list[str] | None = None,
                   user: Viewer = None) -> dict[str, Value]:
    """The same values straight from the raw records (the reference the facts are checked against)."""
    check_period(start, end)
    return {k.text: direct.value(k.indicator.id, direct.Ask(org, start, end, k.effective_filters()))
            for k in _parsed(keys, user)}


def records(key: str, org: Organization, start: dt.date, end: dt.date, user: Viewer = None) -> tuple[Key, direct.Parts]:
    """The record sets behind one value, not yet read: a page lists one page of them (RecordSet.slice), an
    export streams them (RecordSet.rows)."""
    check_period(start, end)
    (parsed,) = _parsed([key], user)
    return parsed, direct.parts(parsed.indicator.id, direct.Ask(org, start, end, parsed.effective_filters()))


def drill(key: str, org: Organization, start: dt.date, end: dt.date, user: Viewer = None) -> Drill:
    """The records behind one value (for a rate: the numerator's and the denominator's), every row read."""
    parsed, p = records(key, org, start, end, user)
    if p.records is not None:
        return Drill(model=p.records.model, columns=p.records.columns, rows=[list(r) for r in p.records.rows()],
                     value=p.value(), key=parsed.text)
    numerator, denominator = p.rate()
    return Drill(model=denominator.model, columns=denominator.columns,
                 numerator=[list(r) for r in numerator.rows()], denominator=[list(r) for r in denominator.rows()],
                 value=p.value(), key=parsed.text, is_rate=True)
