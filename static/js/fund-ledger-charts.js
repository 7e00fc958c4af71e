/* The public ledger's two charts (funds/fund_ledger.html): where a fund's money comes from and
   what it is awarded for. The table beside each chart holds the same figures (screen readers, no
   script, printing); the chart only draws them. Data from the page (json_script
   "ledger-chart-data", words from "ledger-chart-words"); amounts in the city's currency, written as the page's language writes
   them. Loaded only by that page, after the vendored Chart.js. */
(function () {
  "use strict";
  var dataEl = document.getElementById("ledger-chart-data");
  if (!dataEl || typeof Chart === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var words = (document.getElementById("ledger-chart-words") || dataEl).dataset;
  var money = new Intl.NumberFormat(data.locale, { style: "currency", currency: data.currency });
  var whole = new Intl.NumberFormat(data.locale, { style: "currency", currency: data.currency, maximumFractionDigits: 0 });
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Colours that keep 3:1 against white and apart from each other (Okabe-Ito, colour-blind safe)
  var colours = ["#0066cc", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000"];

  function options() {
    return {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: still ? false : { duration: 300 },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) { return money.format(ctx.parsed.x); } } }
      },
      scales: { x: { beginAtZero: true, ticks: { callback: function (v) { return whole.format(v); } } } }
    };
  }

  function draw(id, labels, datasets, legend) {
    var canvas = document.getElementById(id);
    if (!canvas || !labels.length) { return; }
    canvas.parentNode.classList.remove("d-none");
    var config = options();
    config.plugins.legend.display = !!legend;
    new Chart(canvas, { type: "bar", data: { labels: labels, datasets: datasets }, options: config });
  }

  draw("chart-sources", data.sources.labels, [{
    label: words.sourcesLabel,
    data: data.sources.values,
    backgroundColor: data.sources.values.map(function (_, i) { return colours[i % colours.length]; })
  }], false);
  draw("chart-purposes", data.purposes.labels, [
    { label: words.awardedLabel, data: data.purposes.awarded, backgroundColor: colours[0] },
    { label: words.paidLabel, data: data.purposes.paid, backgroundColor: colours[2] }
  ], true);
})();
