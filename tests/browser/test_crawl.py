"""The crawler: every page a persona may open (the permission matrix's GET rows), in Chinese and in English, read
as a person reads it — the text between the tags, not the markup. No page shows an indicator's raw key or a filter's
syntax (role=突击队员); an English page shows no built-in Chinese label and no full-width punctuation outside the
records' own text (names, topics, descriptions a user typed), and its days are written one way.
Charts are drawn on the server; their text is checked for overlaps in Chromium by tests/browser/test_cockpit.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models, transaction

from qingfeng.core import sheets as S
from qingfeng.core.indicators import REGISTRY
from tests.permissions import all_rows

PERSONAS = ("city", "clerk", "discipline", "leader")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
FILTER = re.compile(r"\b[a-z_]{2,}=[^\s&]")
ISO_OR_WORDS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}\b|\d{4}年\d{1,2}月\d{1,2}日")
SKIP = ("/api/", "export=", "/admin/", "/calendar/")


class Text(HTMLParser):
    """The text a reader sees: no scripts, styles or templates; nothing inside lang="zh" (the language menu) or
    <code> (what a user types as it must be typed: indicator ids for the assessment, 一表通 placeholders, cells)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.stack: list[bool] = []

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hide = tag in ("script", "style", "template", "title", "code", "kbd", "samp") or (a.get("lang") or "").startswith("zh")
        self.stack.append(hide)
        self.hidden += hide

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        self.hidden -= self.stack.pop()

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.parts


def typed_text() -> list[str]:
    """Every text a user typed or imported into the records (free-text fields, no choices): these stay as written.
    Built-in labels kept as rows (activity types) are not among them: they carry an English name."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.label in ("activities.ActivityType",) or model._meta.app_label in ("auth", "contenttypes",
                                                                                           "sessions", "admin"):
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField) and not f.choices]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            found.update(v for v in row if isinstance(v, str) and CJK.search(v))
    # an audit row keeps what was written as it was written, in the writer's language (出席 8，请假 0，缺席 0)
    from qingfeng.audit.models import AuditLog

    for before, after in AuditLog.objects.values_list("before", "after"):
        for side in (before or {}, after or {}):
            found.update(v for v in side.values() if isinstance(v, str) and CJK.search(v))
    found.update(sheet.name for sheet in S.all_sheets())  # a workbook's tab names are the import format
    for sheet in S.all_sheets():
        found.update(sheet.headers)  # and so are its column headers
    return sorted(found, key=len, reverse=True)


def persona_pages(world, persona: str) -> list[str]:
    user = world.personas[persona]
    urls: list[str] = []
    done = set()
    for row in all_rows():
        if row.method != "GET" or row.name.startswith("admin:"):
            continue
        if row.setup and row.setup not in done:
            done.add(row.setup)
            try:
                with transaction.atomic():
                    row.setup(world)
            except Exception:  # noqa: BLE001 — two rows' setups may build the same records; the first one stands
                pass
        for target, build in row.targets():
            if row.expected(persona, target, user, world) != frozenset([200]):
                continue
            url = build(world)
            if any(s in url for s in SKIP) or url in urls:
                continue
            urls.append(url)
    return urls


def problems_of(text: list[str], english: bool, typed: list[str], keys: set[str]) -> list[str]:
    found = []
    for part in text:
        for key in keys:
            if key in part and re.search(rf"(?<![\w./]){re.escape(key)}(?![\w/])", part):
                found.append(f"raw key {key!r}: {part[:80]!r}")
        if FILTER.search(part):
            found.append(f"filter syntax: {part[:80]!r}")
        if not english:
            continue
        rest = part
        if CJK.search(rest):
            for value in typed:
                if value in rest:
                    rest = rest.replace(value, " ")
                    if not CJK.search(rest):
                        break
        if m := CJK.search(rest):
            found.append(f"Chinese on an English page {m.group()!r}: {part[:80]!r}")
        if m := ISO_OR_WORDS.search(part):
            found.append(f"a day not written as 2021-05-11: {m.group()!r}")
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_reads_as_words_in_both_languages(world, client_for, persona):
    from tests.cockpit import scene

    scene.build(world)
    urls = persona_pages(world, persona)
    assert len(urls) > 30
    typed = typed_text()
    keys = {k for k in REGISTRY if "." in k}
    client = client_for(world.personas[persona])
    report = []
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for problem in problems_of(visible_text(response.content.decode()), language == "en", typed, keys):
                report.append(f"[{language}] {url}: {problem}")
    report = sorted(set(report))
    assert not report, f"{len(report)} problems:\n" + "\n".join(report)
