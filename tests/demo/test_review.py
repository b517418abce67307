"""The year-in-review of the demo city over period Y states every seed figure of that year (spec/seed-figures.md),
in each of its four formats, and in Markdown links each to the records behind it."""

import io
import re
import subprocess
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.core.management import call_command
from django.utils import translation

from qingfeng.indicators.figures import fmt, label
from tests.demo.seed_rows import AT, CITY, ROWS, Y
from tests.demo.test_figures import indicator

# The rows of the year under review: flows over Y, and snapshots at its last day (the review's period end).
YEAR_ROWS = [(article, parts[0][1], expected, at_least) for article, parts, period, expected, at_least in ROWS
             if period in (Y, AT) and len(parts) == 1 and parts[0][0] == CITY]


def review(tmp_path, fmt_: str) -> bytes:
    path = tmp_path / f"review.{fmt_}"
    call_command("report", "--org", CITY, "--from", Y[0], "--to", Y[1], "--format", fmt_, "-o", str(path),
                 "--base-url", "https://qingfeng.example", stdout=io.StringIO())
    return path.read_bytes()


@pytest.fixture(scope="module")
def year_values(demo_city, django_db_blocker):
    """Each year row's value through `qingfeng indicators` — the article's figure (checked by test_figures)."""
    with django_db_blocker.unblock():
        values = {key: indicator(CITY, key, *Y) for _a, key, _e, _l in YEAR_ROWS}
    for article, key, expected, at_least in YEAR_ROWS:
        assert values[key] >= expected if at_least else values[key] == expected, article
    return values


def test_the_year_rows_are_all_there():
    keys = [key for _a, key, _e, _l in YEAR_ROWS]
    assert "training.rotation_trainees[cadre_level=市管]" in keys
    assert "grassroots.dispatch_teams[role=班子成员,village_tag=信教群众聚居村]" in keys and len(keys) >= 15


def test_markdown_states_every_year_figure_linked_to_its_records(demo_city, db, tmp_path, year_values):
    with translation.override("zh-hans"):
        text = review(tmp_path, "md").decode()
    linked: dict[str, set[str]] = {}
    for display, url in re.findall(r"\[([^\]]+)\]\((https://qingfeng\.example[^)]+)\)", text):
        query = parse_qs(urlparse(url).query)
        assert urlparse(url).path.startswith("/")
        if query.get("org") == [CITY] and query.get("from") == [Y[0]] and query.get("to") == [Y[1]]:
            linked.setdefault(unquote(query["key"][0]), set()).add(display)
    for article, key, _e, _l in YEAR_ROWS:
        assert fmt(year_values[key], key) in linked.get(key, set()), article


def test_word_pdf_and_excel_state_every_year_figure(demo_city, db, tmp_path, year_values):
    from docx import Document
    from openpyxl import load_workbook

    with translation.override("zh-hans"):
        docx, pdf, xlsx = (review(tmp_path, f) for f in ("docx", "pdf", "xlsx"))
        labels = {key: label(key) for _a, key, _e, _l in YEAR_ROWS}
    word = {}
    for table in Document(io.BytesIO(docx)).tables:
        for row in table.rows[1:]:
            word.setdefault(row.cells[0].text, row.cells[1].text)
    (tmp_path / "r.pdf").write_bytes(pdf)
    pdf_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              check=True, text=True).stdout
    flat = re.sub(r"\s+", "", pdf_text)
    excel = {}
    for ws in load_workbook(io.BytesIO(xlsx)).worksheets:
        for row in ws.iter_rows(values_only=True):
            if row and len(row) > 2 and isinstance(row[1], str):
                excel.setdefault(row[1], row[2])
    for article, key, _e, _l in YEAR_ROWS:
        shown = fmt(year_values[key], key)
        assert word[labels[key]] == shown, article
        assert excel[key] == year_values[key], article
        assert re.sub(r"\s+", "", labels[key]) + shown in flat, article
