"""Every row of spec/seed-figures.md, through `qingfeng indicators`, on the demo city the generator built."""

import io
import json

import pytest
from django.core.management import call_command

from tests.demo.seed_rows import ROWS


def indicator(code: str, key: str, start: str, end: str):
    out = io.StringIO()
    call_command("indicators", org=code, start=start, end=end, only=key, format="json", stdout=out)
    values = json.loads(out.getvalue())
    assert list(values) == [key]
    return values[key]


@pytest.mark.parametrize("article, parts, period, expected, at_least", ROWS, ids=[row[0] for row in ROWS])
def test_the_article_figure_comes_out_of_the_records(demo_city, db, article, parts, period, expected, at_least):
    value = sum(indicator(code, key, *period) for code, key in parts)
    if at_least:
        assert value >= expected, article
    else:
        assert value == expected, article
