"""The leader opens the cockpit in Chromium, sees the charts drawn, clicks a bar and lands on its records."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import NoReverseMatch, reverse

from tests.cockpit import scene

PERIOD = "from=2021-01-01&to=2021-06-30"


@pytest.fixture
def city(world):
    scene.build(world)
    return world


def bar_centre(page, chart, index):
    """Page coordinates of the centre of bar `index` in the chart's first series (ECharts' own geometry)."""
    return page.evaluate(
        """([name, index]) => {
            const el = document.querySelector(`[data-chart="${name}"]`);
            const chart = echarts.getInstanceByDom(el);
            const value = chart.getOption().series[0].data[index];
            const v = typeof value === "object" && value !== null ? value.value : value;
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [index, v / 2]);
            const box = el.getBoundingClientRect();
            return [box.left + x, box.top + y];
        }""",
        [chart, index],
    )


def test_the_leader_clicks_a_bar_and_lands_on_the_findings_behind_it(city, new_page, login, live_server):
    try:
        reverse("indicators:drill")
    except NoReverseMatch:
        pytest.fail("the drill-through page (indicators:drill) does not exist")
    page = new_page()
    page.emulate_media(reduced_motion="reduce")  # bars drawn at once, not grown: the click lands on the bar
    login(page, "leader")
    page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
    for name in ("compare", "trend", "gauges", "ranking"):
        page.wait_for_selector(f'[data-chart="{name}"] canvas')
        box = page.locator(f'[data-chart="{name}"] canvas').first.bounding_box()
        assert box["width"] > 100 and box["height"] > 100, name
    # Compare the districts by problems found, then click 小店区's bar (it has the two findings).
    page.select_option("[data-compare-select]", label="发现问题数")
    x, y = bar_centre(page, "compare", 0)
    with page.expect_navigation():
        page.mouse.click(x, y)
    query = parse_qs(urlparse(page.url).query)
    assert query["key"] == ["rectify.found"] and query["org"] == ["140105"]
    assert query["from"] == ["2021-01-01"] and query["to"] == ["2021-06-30"]
    body = page.inner_text("body")
    assert "F1" in body and "F2" in body


def test_the_cockpit_on_a_phone(city, new_page, login, live_server):
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "leader")
    page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
    page.wait_for_selector('[data-chart="compare"] canvas')
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing wider than the screen: tables read as cards
    # The ranking's score opens the explanation of that score.
    page.locator("[data-ranking] [data-score]").first.click()
    page.wait_for_selector("[data-explanation]")
    # each figure of an indicator's card is named by its column
    points = page.locator('[data-explanation] [data-indicator] td[data-label="贡献（分）"]').first
    assert points.is_visible()
    assert page.evaluate("el => getComputedStyle(el, '::before').content", points.element_handle()) == '"贡献（分）"'
