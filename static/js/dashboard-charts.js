/* The city's dashboard charts (impact/dashboard.html): value and hours over time, the funnel
   published → pledged → delivered → verified, and the funnel by theme. The table beside each chart
   holds the same figures (screen readers, no script, printing); the chart only draws them. Data from
   the page (json_script "dashboard-chart-data", words from "dashboard-chart-words"); amounts in the
   city's currency, written as the page's language writes them. Loaded only by that page, after the
   vendored Chart.js. */
(function () {
  "use strict";
  var dataEl = document.getElementById("dashboard-chart-data");
  if (!dataEl || typeof Chart === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var words = (document.getElementById("dashboard-chart-words") || dataEl).dataset;
  var money = new Intl.NumberFormat(data.locale, { style: "currency", currency: data.currency });
  var whole = new Intl.NumberFormat(data.locale, { style: "currency", currency: data.currency, maximumFractionDigits: 0 });
  var count = new Intl.NumberFormat(data.locale, { maximumFractionDigits: 0 });
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Okabe-Ito: colour-blind safe, 3:1 against white
  var colours = ["#0066cc", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000"];

  function draw(id, type, labels, datasets, options) {
    var canvas = document.getElementById(id);
    if (!canvas || !labels.length) { return; }
    canvas.parentNode.classList.remove("d-none");
    options.responsive = true;
    options.maintainAspectRatio = false;
    options.animation = still ? false : { duration: 300 };
    new Chart(canvas, { type: type, data: { labels: labels, datasets: datasets }, options: options });
  }

  function moneyOptions(horizontal, stacked) {
    var axis = horizontal ? "x" : "y";
    var scales = {};
    scales[axis] = { beginAtZero: true, stacked: stacked, ticks: { callback: function (v) { return whole.format(v); } } };
    scales[horizontal ? "y" : "x"] = { stacked: stacked };
    return {
      indexAxis: horizontal ? "y" : "x",
      plugins: { tooltip: { callbacks: { label: function (ctx) {
        return ctx.dataset.label + ": " + money.format(horizontal ? ctx.parsed.x : ctx.parsed.y);
      } } } },
      scales: scales
    };
  }

  draw("chart-value", "bar", data.periods.labels, [
    { label: words.cash, data: data.periods.cash, backgroundColor: colours[0] },
    { label: words.inKind, data: data.periods.in_kind, backgroundColor: colours[1] }
  ], moneyOptions(false, true));
  draw("chart-hours", "line", data.periods.labels, [
    { label: words.hours, data: data.periods.hours, borderColor: colours[2], backgroundColor: colours[2], yAxisID: "y" },
    { label: words.givers, data: data.periods.givers, borderColor: colours[3], backgroundColor: colours[3], yAxisID: "y1", borderDash: [6, 3] }
  ], {
    plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + count.format(ctx.parsed.y); } } } },
    scales: {
      y: { beginAtZero: true, position: "left", ticks: { callback: function (v) { return count.format(v); } } },
      y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
    }
  });
  var funnel = moneyOptions(true, false);
  funnel.plugins.legend = { display: false };
  draw("chart-funnel", "bar", data.funnel.labels, [{
    label: words.value,
    data: data.funnel.values,
    backgroundColor: data.funnel.values.map(function (_, i) { return colours[i % colours.length]; })
  }], funnel);
  draw("chart-themes", "bar", data.themes.labels, data.themes.stages.map(function (stage, i) {
    return { label: stage, data: data.themes.values[i], backgroundColor: colours[i % colours.length] };
  }), moneyOptions(true, false));
})();
