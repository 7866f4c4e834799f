/* Dashboard charts (Chart.js, vendored). Data comes from the json_script block; every figure
   is also in a table on the page, so the charts are a convenience, not the only view. */
(function () {
  "use strict";
  var node = document.getElementById("coverage-chart-data");
  if (!node || typeof Chart === "undefined") return;
  var d = JSON.parse(node.textContent);
  var palette = ["#0b6e4f", "#2e86ab", "#e67e22", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d", "#34495e", "#a04000"];
  var nf = new Intl.NumberFormat("id-ID");
  Chart.defaults.font.family = "system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  Chart.defaults.animation = false;

  var trend = document.getElementById("trend-chart");
  if (trend) {
    new Chart(trend, {
      data: {
        labels: d.labels,
        datasets: [
          { type: "bar", label: "BPU Lindung", data: d.lindung, backgroundColor: "#0b6e4f", yAxisID: "y" },
          { type: "bar", label: "Laporan BPJS (PU+BPU+Jakon)", data: d.bpjs, backgroundColor: "#9ecbb9", yAxisID: "y" },
          { type: "line", label: "Cakupan (%)", data: d.percent, borderColor: "#e67e22", backgroundColor: "#e67e22", yAxisID: "pct", spanGaps: true }
        ]
      },
      options: {
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, ticks: { callback: function (v) { return nf.format(v); } }, title: { display: true, text: "Peserta" } },
          pct: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } }
        }
      }
    });
  }
  function bar(id, series, horizontal) {
    var el = document.getElementById(id);
    if (!el || !series || !series.labels.length) return;
    new Chart(el, {
      type: horizontal ? "bar" : "doughnut",
      data: { labels: series.labels, datasets: [{ label: "Peserta aktif", data: series.values, backgroundColor: palette }] },
      options: horizontal ? { indexAxis: "y", plugins: { legend: { display: false } } } : { plugins: { legend: { position: "right" } } }
    });
  }
  bar("sector-chart", d.sector, true);
  bar("funding-chart", d.funding, false);
})();
