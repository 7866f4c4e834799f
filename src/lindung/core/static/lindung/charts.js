/* Summary charts: every <canvas data-chart="id"> is drawn from the JSON in the script `id`
   (core/charts.py). The same figures are in the table under each chart. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var palette = ["#0b6e4f", "#e67e22", "#2e86ab", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d", "#34495e", "#a04000"];
  var number = new Intl.NumberFormat("id-ID");
  var money = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR", maximumFractionDigits: 0 });
  Chart.defaults.font.family = "system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  Chart.defaults.animation = false;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var node = document.getElementById(canvas.dataset.chart);
    if (!node) return;
    var spec = JSON.parse(node.textContent);
    var fmt = spec.money ? money : number;
    var doughnut = spec.kind === "doughnut";
    var datasets = spec.series.map(function (s, i) {
      return {
        label: s.label,
        data: s.values,
        backgroundColor: doughnut ? palette : palette[i % palette.length],
        borderColor: palette[i % palette.length],
        spanGaps: true
      };
    });
    var scale = { beginAtZero: true, ticks: { callback: function (v) { return fmt.format(v); } } };
    new Chart(canvas, {
      type: spec.kind === "hbar" ? "bar" : spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        indexAxis: spec.kind === "hbar" ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: doughnut || spec.series.length > 1, position: doughnut ? "right" : "top" },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + fmt.format(c.parsed.y !== undefined && spec.kind !== "hbar" && !doughnut ? c.parsed.y : (doughnut ? c.parsed : c.parsed.x)); } } }
        },
        scales: doughnut ? {} : (spec.kind === "hbar" ? { x: scale } : { y: scale })
      }
    });
  });
})();
