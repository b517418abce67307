"""The placeholders of a template (spec/forms.md "The template") and the check that finds them.

A cell whose whole text is `{{ … }}` is a placeholder:

    {{ org.name }}  {{ org.code }}  {{ period.from }}  {{ period.to }}
    {{ ID }}  {{ ID[filters] }}  {{ ID | prior_year }}  {{ ID[filters] | prior_year }}
    {{ each child }}  {{ each branch }}

Everything else about a cell is the officer's own and is left alone. `check()` reads every sheet and
returns every placeholder and every problem, each problem naming its sheet and cell in Chinese."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qingfeng.forms import layout
from qingfeng.indicators import engine

WHOLE = re.compile(r"^\s*\{\{(?P<inner>.*)\}\}\s*$", re.S)
FIELDS = ("org.name", "org.code", "period.from", "period.to")
EACH = {"each child": "child", "each branch": "branch"}
PRIOR_YEAR = "prior_year"


@dataclass(frozen=True)
class Placeholder:
    sheet: str
    row: int
    column: int
    coordinate: str
    text: str  # between the braces, trimmed
    kind: str  # a FIELDS name, "figure" or "each"
    key: engine.Key | None = None
    prior: bool = False
    each: str = ""  # "child" | "branch"

    @property
    def figure(self) -> engine.Key:
        """The indicator key of a figure placeholder."""
        if self.key is None:
            raise ValueError(f"{self.where} is not a figure")
        return self.key

    @property
    def is_rate(self) -> bool:
        return self.key is not None and self.key.indicator.is_rate

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.coordinate}"

    def label(self) -> str:
        """What the cell becomes, in words (the check lists them)."""
        if self.kind == "figure":
            key = self.figure
            text = _(key.indicator.name)
            if key.filters:
                text += "（" + "，".join(f"{k}={'|'.join(v)}" for k, v in key.filters.items()) + "）"
            return text + (_("（上年同期）") if self.prior else "")
        return {
            "org.name": _("组织名称"), "org.code": _("组织编码"), "period.from": _("期间首日"), "period.to": _("期间末日"),
            "each": _("每个下级组织一行") if self.each == "child" else _("每个党支部一行"),
        }[self.kind]


@dataclass(frozen=True)
class Problem:
    sheet: str
    coordinate: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.coordinate}: {self.message}" if self.sheet else self.message


class TemplateError(ValueError):
    """The template cannot be filled; `problems` says where and why (nothing was produced)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Scan:
    placeholders: list[Placeholder] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def repeats(self) -> dict[str, dict[int, str]]:
        """{sheet: {row: "child" | "branch"}}"""
        out: dict[str, dict[int, str]] = {}
        for p in self.placeholders:
            if p.kind == "each":
                out.setdefault(p.sheet, {})[p.row] = p.each
        return out

    def rows(self) -> list[list[str]]:
        """[[sheet, cell, placeholder, label], …] as the check lists them (and a saved version keeps them)."""
        return [[p.sheet, p.coordinate, "{{ " + p.text + " }}", p.label()] for p in self.placeholders]


def known_id(ident: str) -> bool:
    try:
        engine.parse_key(ident)
    except engine.IndicatorError:
        return False
    return True


def parse(sheet: str, row: int, column: int, coordinate: str, inner: str, user) -> Placeholder:
    """One placeholder's text; a Problem (raised as TemplateError with one entry) when it is not one."""
    text = " ".join(inner.split())

    def problem(message: str) -> TemplateError:
        return TemplateError([Problem(sheet, coordinate, message)])

    made = functools.partial(Placeholder, sheet=sheet, row=row, column=column, coordinate=coordinate, text=text)
    if not text:
        raise problem(_("占位符为空"))
    if text in FIELDS:
        return made(kind=text)
    if text in EACH:
        return made(kind="each", each=EACH[text])
    pieces = engine.split_outside_brackets(text, "|")
    key_text, prior = pieces[0].strip(), False
    if len(pieces) > 1:
        modifiers = [p.strip() for p in pieces[1:]]
        if modifiers != [PRIOR_YEAR]:
            raise problem(_("无法识别的写法 “| %(modifier)s”，只支持 “| prior_year”")
                          % {"modifier": " | ".join(m for m in modifiers if m != PRIOR_YEAR) or PRIOR_YEAR})
        prior = True
    ident = key_text.split("[", 1)[0].strip()
    if text.startswith(("org.", "period.")) or text.startswith("each "):
        raise problem(_("无法识别的占位符 “%(text)s”") % {"text": text})
    if not ident or not known_id(ident):
        raise problem(_("未知指标 “%(id)s”") % {"id": ident or text})
    try:
        key = engine.parse_key(key_text)
    except engine.IndicatorError as exc:
        raise problem(str(exc).rstrip("。")) from exc
    if not engine.may_see(key.indicator, user):
        raise problem(_("无权查看指标 “%(id)s”") % {"id": key.indicator.id})
    return made(kind="figure", key=key, prior=prior)


def described(rows: list[list[str]]) -> list[list[str]]:
    """Stored [sheet, cell, placeholder, label] rows with the label said again in the current language."""
    out = []
    for sheet, cell, text, label in rows:
        inner = WHOLE.match(text)
        try:
            label = parse(sheet, 0, 0, cell, inner.group("inner") if inner else text, None).label()
        except TemplateError:
            pass  # an indicator since withdrawn: the words of the day it was saved
        out.append([sheet, cell, text, label])
    return out


def check(wb, user) -> Scan:
    """Every placeholder of the workbook and every problem (unknown ids and filters, indicators the user may
    not see, text around a placeholder, two repeat marks on a row, merged ranges a repeat cannot keep)."""
    scan = Scan()
    for ws in wb.worksheets:
        marks: dict[int, Placeholder] = {}
        # Only the cells the file holds (iter_rows would visit every position up to the furthest one: a file with
        # one cell at XFD1048576 is seventeen billion of them).
        for _position, cell in sorted(ws._cells.items()):
            value = cell.value
            if not isinstance(value, str) or cell.data_type == "f" or ("{{" not in value and "}}" not in value):
                continue
            m = WHOLE.match(value)
            if m is None or "{{" in m.group("inner") or "}}" in m.group("inner"):
                scan.problems.append(Problem(ws.title, cell.coordinate,
                                             _("占位符须独占一个单元格，不能与其他文字写在一起：“%(text)s”")
                                             % {"text": value.strip()[:60]}))
                continue
            try:
                placeholder = parse(ws.title, cell.row, cell.column, cell.coordinate, m.group("inner"), user)
            except TemplateError as exc:
                scan.problems.extend(exc.problems)
                continue
            if placeholder.kind == "each":
                if cell.row in marks:
                    scan.problems.append(Problem(ws.title, cell.coordinate, _(
                        "同一行只能有一个重复行标记（已有 %(other)s）") % {"other": marks[cell.row].where}))
                    continue
                marks[cell.row] = placeholder
            scan.placeholders.append(placeholder)
        for coord in layout.merge_conflicts(ws, marks):
            scan.problems.append(Problem(ws.title, coord, _(
                "合并单元格从重复行延伸到下面的行，逐行复制后无法保留；请只合并重复行本行内的单元格")))
    if not scan.placeholders and not scan.problems:
        scan.problems.append(Problem("", "", _("模板中没有找到占位符（如 {{ org.name }}、{{ members.total }}）")))
    return scan
