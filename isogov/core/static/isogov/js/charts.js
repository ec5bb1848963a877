/* isogov — dashboard charts: each <canvas data-chart="ID"> draws the JSON of the
   <script type="application/json" id="ID"> beside it (json_script), with the vendored Chart.js.
   The same figures are in the page's tables, so the page reads without JavaScript. */
(function () {
  "use strict";

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var height = Math.max(120, 28 * data.labels.length + 40);
    canvas.parentNode.style.height = height + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.values,
            backgroundColor: index === 0 ? "#1d5fa8" : "#9bb7d6",
          };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { beginAtZero: true, suggestedMax: data.max || undefined } },
        plugins: { legend: { display: data.series.length > 1 } },
      },
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
