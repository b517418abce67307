// The cockpit's charts (ECharts). Data comes from <script type="application/json" id="cockpit-data">;
// every bar, point and gauge opens the drill-through page of the value it shows.
(function () {
  "use strict";
  const source = document.getElementById("cockpit-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const charts = [];
  const COLORS = { green: "#2fb344", yellow: "#f59f00", red: "#d63939" };
  // Honour the reader's wish for less motion: no growing bars, no sweeping lines.
  const animation = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  function open(url) { if (url) window.location.assign(url); }

  function mount(name) {
    const el = document.querySelector('[data-chart="' + name + '"]');
    if (!el) return null;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({ animation: animation });
    charts.push(chart);
    return chart;
  }

  // Child-organization comparison: one indicator at a time, chosen with the select above the chart.
  const compare = mount("compare");
  if (compare && data.compare.series.length) {
    const select = document.querySelector("[data-compare-select]");
    const draw = (index) => {
      const s = data.compare.series[index];
      compare.setOption({
        animation: animation,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 48, right: 16, top: 24, bottom: 72 },
        xAxis: { type: "category", data: data.compare.orgs, axisLabel: { interval: 0, rotate: 35 } },
        yAxis: { type: "value", name: s.rate ? "%" : "", max: s.rate ? 100 : null },
        series: [{ name: s.label, type: "bar", data: s.values, itemStyle: { color: "#206bc4" },
                   label: { show: data.compare.orgs.length <= 12, position: "top" } }],
      }, true);
      compare.off("click");
      compare.on("click", (p) => open(s.urls[p.dataIndex]));
    };
    draw(0);
    if (select) select.addEventListener("change", () => draw(Number(select.value)));
  }

  // Monthly trends: a line per indicator; a point opens that month's records.
  const trend = mount("trend");
  if (trend) {
    trend.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value" },
      series: data.trend.series.map((s) => ({ name: s.label, type: "line", data: s.values, symbolSize: 8 })),
    });
    trend.on("click", (p) => open(data.trend.series[p.seriesIndex].urls[p.dataIndex]));
  }

  // Coverage and compliance gauges, laid out three to a row.
  const gauges = mount("gauges");
  if (gauges && data.gauges.length) {
    const perRow = 3;
    const rows = Math.ceil(data.gauges.length / perRow);
    gauges.setOption({
      series: data.gauges.map((g, i) => ({
        type: "gauge", min: 0, max: 100, radius: (90 / Math.max(rows, 2)) + "%",
        center: [((i % perRow) * 2 + 1) * (100 / (perRow * 2)) + "%", (Math.floor(i / perRow) * 2 + 1) * (100 / (rows * 2)) + 2 + "%"],
        progress: { show: true, width: 8 }, axisLine: { lineStyle: { width: 8 } },
        axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
        title: { offsetCenter: [0, "70%"], fontSize: 11 },
        detail: { offsetCenter: [0, 0], fontSize: 16, formatter: () => g.display },
        data: [{ value: g.value === null ? 0 : g.value, name: g.label }],
      })),
    });
    gauges.on("click", (p) => open(data.gauges[p.seriesIndex].url));
  }

  // Assessment ranking: horizontal bars coloured red/yellow/green; a bar opens the score's explanation.
  const ranking = mount("ranking");
  if (ranking && data.ranking.orgs.length) {
    ranking.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: data.ranking.orgs.slice().reverse() },
      series: [{
        name: data.text.score, type: "bar", label: { show: true, position: "right" },
        data: data.ranking.scores.map((v, i) => ({ value: v, itemStyle: { color: COLORS[data.ranking.colors[i]] || "#adb5bd" } })).reverse(),
      }],
    });
    ranking.on("click", (p) => open(data.ranking.urls[data.ranking.orgs.length - 1 - p.dataIndex]));
  }

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
