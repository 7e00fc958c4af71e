/* The equity page's Lorenz curve (impact/equity.html): the cumulative share of residents against
   the cumulative share of euros they received, neighbourhoods from the least to the most per
   resident, beside the diagonal of perfect equality. The table beside the chart holds the same
   figures (screen readers, no script, printing); the chart only draws them. Data from the page
   (json_script "lorenz-chart-data", words from "lorenz-words"). Loaded only by that page, after
   the vendored Chart.js. */
(function () {
  "use strict";
  var dataEl = document.getElementById("lorenz-chart-data");
  var canvas = document.getElementById("chart-lorenz");
  if (!dataEl || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  if (!data.points.length) { return; }
  var words = (document.getElementById("lorenz-words") || dataEl).dataset;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var percent = new Intl.NumberFormat(data.locale, { maximumFractionDigits: 1 });
  canvas.parentNode.classList.remove("d-none");
  new Chart(canvas, {
    type: "scatter",
    data: {
      datasets: [
        { label: words.curve, data: data.points, showLine: true, borderColor: "#0066cc", backgroundColor: "#0066cc", pointRadius: 2, borderWidth: 2 },
        { label: words.equality, data: [{ x: 0, y: 0 }, { x: 100, y: 100 }], showLine: true, borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0, borderWidth: 1 }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: still ? false : { duration: 300 },
      plugins: {
        tooltip: { callbacks: { label: function (ctx) { return percent.format(ctx.parsed.x) + " % → " + percent.format(ctx.parsed.y) + " %"; } } }
      },
      scales: {
        x: { min: 0, max: 100, title: { display: true, text: words.residents }, ticks: { callback: function (v) { return percent.format(v); } } },
        y: { min: 0, max: 100, title: { display: true, text: words.euros }, ticks: { callback: function (v) { return percent.format(v); } } }
      }
    }
  });
  canvas.setAttribute("data-drawn", "true");
})();
