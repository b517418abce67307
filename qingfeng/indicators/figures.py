"""How one indicator value is named, written and linked, the same way on every page and in every report."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext

from qingfeng.core.indicators import Indicator, Value

if TYPE_CHECKING:
    from qingfeng.orgs.models import Organization


def base_id(key: str) -> str:
    return key.split("[", 1)[0].strip()


def indicator(key: str) -> Indicator | None:
    """The registry entry behind a key (filters stripped), or None for an unknown id."""
    from qingfeng.indicators.engine import REGISTRY

    return REGISTRY.get(base_id(key))


def is_rate(key: str) -> bool:
    ind = indicator(key)
    return bool(ind and ind.kind == "rate")


def is_restricted(key: str) -> bool:
    ind = indicator(key)
    return bool(ind and ind.restricted)


def filters_of(key: str) -> list[tuple[str, list[str]]]:
    """[(filter, [values])] of a key as written: `rectify.closed[source=督战|巡察]` → [("source", ["督战", "巡察"])]."""
    if "[" not in key:
        return []
    out = []
    for part in key.split("[", 1)[1].rstrip("]").split(","):
        name, _eq, values = part.partition("=")
        out.append((name.strip(), [v.strip() for v in values.split("|") if v.strip()]))
    return out


def value_label(name: str, value: str) -> str:
    """A filter value as words in the active language. Values are the records' own Chinese words (督战, 突击队员,
    市管, 支部委员会), each the msgid of its choice's label; an activity type carries its own English name."""
    if name == "type":
        from qingfeng.activities.models import ActivityType

        return ActivityType.display_name(value)
    return gettext(value)


def is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "zh-hans").startswith("en")


def label(key: str) -> str:
    """The indicator's name in the active language; a filtered key adds the values it is narrowed to, as words
    (选派(下派)干部人数（突击队员）, never role=突击队员)."""
    ind = indicator(key)
    name = gettext(str(ind.name)) if ind else key
    parts = filters_of(key)
    if not parts:
        return name
    english = is_english()
    text = ("; " if english else "；").join(
        (", " if english else "、").join(value_label(f, v) for v in values) for f, values in parts)
    return f"{name} ({text})" if english else f"{name}（{text}）"


def fmt(value: Value, key: str) -> str:
    """A value as a reader sees it: integers plain, rates with one decimal and %, no value as —."""
    if value is None:
        return "—"
    if is_rate(key):
        return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


@lru_cache(maxsize=8)
def _drill_base(_prefix: str) -> str | None:
    """The drill page's path (per script prefix: a page shows hundreds of links, each built from it)."""
    try:
        return reverse("indicators:drill")
    except NoReverseMatch:
        return None


def drill_url(key: str, org: Organization, start: dt.date, end: dt.date) -> str | None:
    """The drill-through page for one value (indicators:drill), or None while that page does not exist.

    The period goes both as from/to (the names of the CLI and of the cockpit) and as start/end (the names
    the drill page's form reads), so the link holds whichever the page settles on."""
    base = _drill_base(get_script_prefix())
    if base is None:
        return None
    first, last = start.isoformat(), end.isoformat()  # ISO days need no quoting
    return f"{base}?key={_quoted(key)}&org={_quoted(org.code)}&from={first}&to={last}&start={first}&end={last}"


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """A query value as urlencode writes it (quote_plus): a page repeats the same few keys and codes."""
    return quote_plus(text)
