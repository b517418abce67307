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


# Every piece of text inside the charts, with its box: leaf elements holding text, and SVG <text>.
TEXT_BOXES = """() => {
  const boxes = [];
  for (const chart of document.querySelectorAll('[data-chart]')) {
    if (chart.closest('[hidden]')) continue;
    const frame = chart.getBoundingClientRect();
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('[hidden], title')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width && r.height) boxes.push({chart: chart.dataset.chart, text: node.textContent.trim(),
          left: r.left, right: r.right, top: r.top, bottom: r.bottom, frameLeft: frame.left, frameRight: frame.right});
      }
    }
  }
  return boxes;
}"""


def collisions(page) -> list[str]:
    """Text boxes that overlap one another, or stick out of their chart's box."""
    boxes = page.evaluate(TEXT_BOXES)
    found = []
    for i, a in enumerate(boxes):
        if a["left"] < a["frameLeft"] - 1 or a["right"] > a["frameRight"] + 1:
            found.append(f"{a['chart']}: “{a['text']}” is cut off")
        for b in boxes[i + 1:]:
            overlap_x = min(a["right"], b["right"]) - max(a["left"], b["left"])
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if overlap_x > 1 and overlap_y > 1:
                found.append(f"{a['chart']}: “{a['text']}” overlaps “{b['text']}”")
    assert boxes, "no chart text found"
    return found


def test_the_leader_clicks_a_bar_and_lands_on_the_findings_behind_it(city, new_page, login, live_server):
    try:
        reverse("indicators:drill")
    except NoReverseMatch:
        pytest.fail("the drill-through page (indicators:drill) does not exist")
    page = new_page()
    login(page, "leader")
    page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
    for name in ("compare", "trend", "gauges", "ranking"):
        box = page.locator(f'[data-chart="{name}"]').first.bounding_box()
        assert box["width"] > 100 and box["height"] > 20, name
    # every ranked organization is named
    names = page.locator('[data-chart="ranking"] .qf-bar-label').all_inner_texts()
    assert len(names) == 2 and any("小店区委" in n for n in names) and any("迎泽区委" in n for n in names)
    # Compare the districts by problems found, then click 小店区's bar (it has the two findings).
    page.select_option("[data-compare-select]", label="发现问题数")
    chart = page.locator('[data-chart="compare"] [data-bars="rectify.found"]')
    assert chart.is_visible() and page.locator('[data-chart="compare"] [data-bars]:visible').count() == 1
    with page.expect_navigation():
        chart.locator(".qf-bar-track").first.click()
    query = parse_qs(urlparse(page.url).query)
    assert query["key"] == ["rectify.found"] and query["org"] == ["140105"]
    assert query["from"] == ["2021-01-01"] and query["to"] == ["2021-06-30"]
    body = page.inner_text("body")
    assert "F1" in body and "F2" in body


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("width", [1366, 390])
def test_no_chart_text_overlaps_at_desktop_or_phone_width_in_either_language(city, new_page, login, live_server,
                                                                              width, locale):
    page = new_page(viewport={"width": width, "height": 900}, locale=locale)
    login(page, "leader")
    if locale.startswith("en"):
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
    problems = collisions(page)
    assert not problems, "\n".join(problems)
    # each monthly series has its own scale: 活动次数 and 办结事项 both reach the top of their own chart
    tops = page.locator("[data-trend] .qf-trend-point").evaluate_all(
        "els => els.map(e => [e.closest('[data-trend]').dataset.trend, Number(e.getAttribute('cy'))])")
    highest: dict[str, float] = {}
    for key, y in tops:
        highest[key] = min(highest.get(key, 999.0), y)
    drawn = {key: y for key, y in highest.items() if y < 110}  # a series all zero lies on its baseline
    assert "activities.count" in drawn and all(y == 22 for y in drawn.values()), highest


def test_the_cockpit_on_a_phone(city, new_page, login, live_server):
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "leader")
    page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
    page.wait_for_selector('[data-chart="compare"]')
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing wider than the screen: tables read as cards
    # The ranking's score opens the explanation of that score.
    page.locator("[data-ranking] [data-score]").first.click()
    page.wait_for_selector("[data-explanation]")
    # each figure of an indicator's card is named by its column
    points = page.locator('[data-explanation] [data-indicator] td[data-label="贡献（分）"]').first
    assert points.is_visible()
    assert page.evaluate("el => getComputedStyle(el, '::before').content", points.element_handle()) == '"贡献（分）"'
