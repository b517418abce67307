"""Filters shared by every page."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def sheet_label(name: str) -> str:
    """An import sheet as a page names it: its name is what the workbook's tab must say (党员), so it stays; an English
    page adds what it holds (党员 · Members)."""
    if (get_language() or "zh-hans").startswith("zh"):
        return name
    english = _(name)
    if english == name:
        return name
    return f"{name} · {english}"


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width in Chinese, "label: value" in English."""
    return "：" if _chinese() else ": "


@register.filter
def paren(value: object) -> str:
    """A value in brackets after what it qualifies: （3） in Chinese, " (3)" in English."""
    return f"（{value}）" if _chinese() else f" ({value})"
