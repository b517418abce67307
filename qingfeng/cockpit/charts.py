"""The cockpit's charts, drawn on the server: bars as HTML rows (a label, a bar, the value — each on its own
place, so no two labels can meet, at any width and in either language) and the monthly trend as small SVG
multiples, one per indicator on its own scale (活动次数 in the thousands beside 办结 in the tens).

Every bar and point links to the records behind it. The same markup prints and goes into the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qingfeng.indicators import figures

COLORS = {"green": "#2fb344", "yellow": "#f59f00", "red": "#d63939"}
BLUE = "#206bc4"


@dataclass
class Bar:
    label: str
    display: str
    share: float  # 0..1 of the bar's track
    url: str | None = None
    label_url: str | None = None
    color: str = BLUE
    note: str = ""

    @property
    def percent(self) -> str:
        return f"{max(0.0, min(1.0, self.share)) * 100:.1f}"


@dataclass
class BarChart:
    key: str
    title: str
    bars: list[Bar] = field(default_factory=list)


def _share(value, top: float) -> float:
    if value is None or not top:
        return 0.0
    return float(value) / top


def rate_bars(gauges) -> BarChart:
    """覆盖率与落实率: each rate a bar on 0–100 %, its name above it."""
    return BarChart("rates", "", [Bar(g.label, g.display, _share(g.value, 100.0), g.url) for g in gauges])


def compare_charts(cockpit) -> list[BarChart]:
    """下级组织对比: one chart per indicator, a bar per child organization (rates on 0–100 %, counts on the
    largest child's value)."""
    charts = []
    for s in cockpit.compare:
        values = s["values"]
        top = 100.0 if s["rate"] else max((v for v in values if v is not None), default=0) or 0
        charts.append(BarChart(s["key"], s["label"], [
            Bar(child.label, figures.fmt(value, s["key"]), _share(value, top), url)
            for child, value, url in zip(cockpit.children, values, s["urls"], strict=True)]))
    return charts


def ranking_chart(cockpit) -> BarChart:
    """政治生态评估排名: every organization named, a bar per score in its colour, best first."""
    bars = []
    for r in cockpit.ranking:
        bars.append(Bar(r.org.label, "—" if r.score is None else f"{r.score}", _share(r.score, 100.0),
                        cockpit.assessment_url(r.org), color=COLORS.get(r.color or "", "#adb5bd"),
                        note=str(r.rank) if r.rank else ""))
    return BarChart("ranking", "", bars)


# ---- the monthly trend: small multiples -------------------------------------------------------------------

WIDTH, HEIGHT = 320, 132
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 22, 22  # the plot's margins in the viewBox; labels live in the margins


@dataclass
class Point:
    x: float
    y: float
    display: str
    month: str
    url: str | None


@dataclass
class TrendChart:
    key: str
    title: str
    total: str
    top: str  # the scale's top, written in the top margin
    points: list[Point]
    ticks: list[tuple[float, str, str]]  # (x, month, text-anchor) in the bottom margin
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def line(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def baseline(self) -> float:
        return HEIGHT - BOTTOM


def _ticks(months: list[str], xs: list[float]) -> list[tuple[float, str, str]]:
    """The first and the last month, and the middle one when there is room: three labels of 7 characters fit
    the width with space between them whatever the number of months."""
    if not months:
        return []
    if len(months) == 1:
        return [(xs[0], months[0], "middle")]
    ticks = [(xs[0], months[0], "start"), (xs[-1], months[-1], "end")]
    if len(months) >= 5:
        mid = len(months) // 2
        ticks.insert(1, (xs[mid], months[mid], "middle"))
    return ticks


def trend_charts(cockpit) -> list[TrendChart]:
    months = cockpit.trend_months
    n = len(months)
    span = WIDTH - LEFT - RIGHT
    xs = [LEFT + (span * i / (n - 1) if n > 1 else span / 2) for i in range(n)]
    charts = []
    for s in cockpit.trend:
        values = [v or 0 for v in s["values"]]
        top = max(values, default=0) or 1
        plot = HEIGHT - TOP - BOTTOM
        points = [Point(x, TOP + plot * (1 - v / top), figures.fmt(raw, s["key"]), month, url)
                  for x, v, raw, month, url in zip(xs, values, s["values"], months, s["urls"], strict=True)]
        charts.append(TrendChart(s["key"], s["label"], figures.fmt(sum(values), s["key"]),
                                 figures.fmt(top if any(values) else 0, s["key"]), points, _ticks(months, xs)))
    return charts


# ---- the markup, written here rather than by the template engine -------------------------------------------
# A city cockpit draws about 130 bars and 60 points; written by Django's template engine they were most of the
# page's rendering time. The markup is the same, built once per set of figures (cockpit.views keeps it with them).

def bars_html(chart: BarChart, *, stacked: bool = False, hidden: bool = False) -> SafeString:
    out = [f'<ol class="qf-bars{" qf-bars-stacked" if stacked else ""}" data-bars="{escape(chart.key)}"'
           f'{" hidden" if hidden else ""}>']
    for bar in chart.bars:
        label, display = escape(bar.label), escape(bar.display)
        note = f'<span class="qf-bar-rank">{escape(bar.note)}</span>' if bar.note else ""
        named = f'<a href="{escape(bar.label_url)}">{label}</a>' if bar.label_url else label
        fill = f'<span class="qf-bar-fill" style="width: {bar.percent}%; background: {escape(bar.color)}"></span>'
        if bar.url:
            url = escape(bar.url)
            track = f'<a class="qf-bar-track" href="{url}" aria-label="{label} {display}">{fill}</a>'
            value = f'<a class="qf-bar-value qf-num" href="{url}" data-value>{display}</a>'
        else:
            track = f'<span class="qf-bar-track">{fill}</span>'
            value = f'<span class="qf-bar-value qf-num" data-value>{display}</span>'
        out.append(f'<li class="qf-bar-row"><span class="qf-bar-label">{note}{named}</span>{track}{value}</li>')
    if not chart.bars:
        nothing = _("没有数据。")  # the catalogue's words outside f-strings, where makemessages finds them
        out.append(f'<li class="text-secondary">{escape(nothing)}</li>')
    out.append("</ol>")
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


def trend_html(trend: list[TrendChart]) -> SafeString:
    out = ['<div class="row g-3" data-chart="trend">']
    total = escape(_("合计"))
    for c in trend:
        title, top = escape(c.title), escape(_("最高 %(n)s") % {"n": c.top})
        out.append(
            f'<div class="col-12 col-md-6 col-xl-4"><figure class="m-0" data-trend="{escape(c.key)}">'
            f'<figcaption class="d-flex gap-2 align-items-baseline"><span class="fw-bold">{title}</span>'
            f'<span class="ms-auto text-secondary small text-nowrap">{total} '
            f'<span class="qf-num" data-total>{escape(c.total)}</span></span></figcaption>'
            f'<svg class="qf-trend" viewBox="0 0 {c.width} {c.height}" role="img" aria-label="{title}">'
            f'<text x="8" y="14" class="qf-axis">{top}</text>'
            f'<line x1="8" y1="{c.baseline}" x2="{c.width - 8}" y2="{c.baseline}" class="qf-axis-line"/>'
            f'<polyline points="{c.line}" class="qf-trend-line"/>')
        for p in c.points:
            month, display = escape(p.month), escape(p.display)
            circle = (f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="4" class="qf-trend-point" data-month="{month}" '
                      f'data-value="{display}"><title>{month} · {display}</title></circle>')
            out.append(f'<a href="{escape(p.url)}">{circle}</a>' if p.url else circle)
        for x, tick, anchor in c.ticks:
            out.append(f'<text x="{x:.1f}" y="{c.height - 6}" text-anchor="{anchor}" class="qf-axis">{escape(tick)}</text>')
        out.append("</svg></figure></div>")
    out.append("</div>")
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


def page_charts(cockpit) -> dict[str, SafeString]:
    """Every chart of the cockpit's page as markup: the comparison (one chart shown at a time), the rates, the trend
    and the ranking."""
    return {
        "compare": mark_safe("".join(bars_html(c, hidden=i > 0) for i, c in enumerate(compare_charts(cockpit)))),  # noqa: S308
        "rates": bars_html(rate_bars(cockpit.gauges), stacked=True),
        "trend": trend_html(trend_charts(cockpit)),
        "ranking": bars_html(ranking_chart(cockpit)),
    }
