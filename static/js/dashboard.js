// The staff dashboard's charts (Chart.js from static/vendor). Data comes from the page's #dashboard-data.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  var color = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var palette = {
    password: color("--color-brand", "#5b34e6"),
    kakao: "#f5c400",
    naver: "#03c75a",
    active: color("--color-info", "#2f6fed"),
    buyers: color("--color-live", "#ff2d55"),
    sales: color("--color-brand", "#5b34e6"),
  };

  Chart.defaults.font.family = color("--font-sans", "sans-serif");
  Chart.defaults.color = color("--color-text-muted", "#6b6b76");
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;

  var integerAxis = { beginAtZero: true, ticks: { precision: 0 } };
  var won = function (value) { return Number(value).toLocaleString("ko-KR") + "원"; };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    canvas.dataset.chart = "ready";
    new Chart(canvas, config);
  }

  draw("chart-signups", {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.channels.map(function (channel) {
        return { label: channel.label, data: channel.data, backgroundColor: palette[channel.key] || palette.password, borderRadius: 3 };
      }),
    },
    options: {
      plugins: { legend: { position: "bottom" }, tooltip: { mode: "index", intersect: false } },
      scales: { x: { stacked: true, grid: { display: false } }, y: Object.assign({ stacked: true }, integerAxis) },
    },
  });

  draw("chart-activity", {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "활동 회원", data: data.active, borderColor: palette.active, backgroundColor: palette.active, tension: 0.3, pointRadius: 2 },
        { label: "구매 회원", data: data.buyers, borderColor: palette.buyers, backgroundColor: palette.buyers, tension: 0.3, pointRadius: 2 },
      ],
    },
    options: {
      plugins: { legend: { position: "bottom" }, tooltip: { mode: "index", intersect: false } },
      scales: { x: { grid: { display: false } }, y: integerAxis },
    },
  });

  [["chart-sales-daily", data.sales_daily], ["chart-sales-monthly", data.sales_monthly]].forEach(function (pair) {
    draw(pair[0], {
      type: "bar",
      data: {
        labels: pair[1].map(function (row) { return row.period; }),
        datasets: [{ label: "순매출", data: pair[1].map(function (row) { return row.net; }), backgroundColor: palette.sales, borderRadius: 3 }],
      },
      options: {
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { return won(item.raw); } } } },
        scales: { x: { grid: { display: false } }, y: { beginAtZero: true, ticks: { callback: won } } },
      },
    });
  });
})();
