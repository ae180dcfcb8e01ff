// The studio's broadcast report charts (Chart.js from static/vendor). Data comes from the page's #report-data.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  var color = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var live = color("--color-live", "#ff2d55");
  var info = color("--color-info", "#2f6fed");
  var brand = color("--color-brand", "#5b34e6");
  var won = function (value) { return Number(value).toLocaleString("ko-KR") + "원"; };
  var minute = function (value) { return value + "분"; };

  Chart.defaults.font.family = color("--font-sans", "sans-serif");
  Chart.defaults.color = color("--color-text-muted", "#6b6b76");
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    canvas.dataset.chart = "ready";
    new Chart(canvas, config);
  }

  draw("chart-viewers", {
    type: "line",
    data: {
      labels: data.viewers.map(function (point) { return minute(point.minute); }),
      datasets: [{ label: "시청자", data: data.viewers.map(function (point) { return point.count; }), borderColor: live, backgroundColor: live, tension: 0.3, pointRadius: 0, fill: false }],
    },
    options: {
      plugins: { legend: { display: false }, tooltip: { mode: "index", intersect: false } },
      scales: { x: { grid: { display: false }, ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });

  draw("chart-chat", {
    type: "bar",
    data: {
      labels: data.chat.map(function (point) { return minute(point.minute); }),
      datasets: [{ label: "채팅", data: data.chat.map(function (point) { return point.count; }), backgroundColor: info, borderRadius: 2 }],
    },
    options: {
      plugins: { legend: { display: false } },
      scales: { x: { grid: { display: false }, ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });

  draw("chart-pins", {
    type: "bar",
    data: {
      labels: data.pins.map(function (pin) { return pin.label.length > 14 ? pin.label.slice(0, 13) + "…" : pin.label; }),
      datasets: [{ label: "매출", data: data.pins.map(function (pin) { return pin.revenue; }), backgroundColor: brand, borderRadius: 3 }],
    },
    options: {
      indexAxis: "y",
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { return won(item.raw); } } } },
      scales: { x: { beginAtZero: true, ticks: { callback: won, maxTicksLimit: 5 } }, y: { grid: { display: false } } },
    },
  });
})();
