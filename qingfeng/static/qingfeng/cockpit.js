// The cockpit's comparison of child organizations: the select above it shows one indicator's bars at a time
// (every indicator's bars are on the page, drawn by the server; without this script the first one shows).
(function () {
  "use strict";
  const select = document.querySelector("[data-compare-select]");
  if (!select) return;
  const charts = document.querySelectorAll("[data-chart=compare] [data-bars]");
  select.addEventListener("change", () => {
    charts.forEach((chart, i) => { chart.hidden = String(i) !== select.value; });
  });
})();
