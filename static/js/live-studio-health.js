// The studio's stream health panel: every 5 s while the broadcast is on air, the figures the media server
// measured (apps/live/views/health.py) and a warning for each that is off the README's OBS settings.
(function () {
  "use strict";
  const POLL_MS = 5000;
  const panel = document.querySelector("[data-health-url]");
  if (!panel || !panel.hasAttribute("data-health-live")) return;
  const state = panel.querySelector("[data-health-state]");
  const list = panel.querySelector("[data-health-list]");
  const warnings = panel.querySelector("[data-health-warnings]");

  function stateText(health) {
    if (health.status !== "live") return "방송이 끝났어요.";
    if (health.reconnecting) return "송출이 끊겼어요. OBS가 다시 연결하면 같은 방송으로 이어져요.";
    if (!health.measured) return "미디어 서버에 연결할 수 없어요. 잠시 후 다시 확인할게요.";
    if (!health.publishing) return "미디어 서버에 들어오는 송출이 없어요. OBS에서 '방송 시작'을 눌러 주세요.";
    return health.ok ? "권장 설정대로 송출되고 있어요." : "권장 설정과 다른 값이 있어요.";
  }

  function render(health) {
    state.textContent = stateText(health);
    panel.classList.toggle("has-warnings", health.warnings.length > 0);
    list.replaceChildren.apply(list, health.measures.map(function (measure) {
      const item = document.createElement("div");
      item.className = "studio-health__item" + (measure.ok ? "" : " is-off");
      item.dataset.healthItem = measure.key;
      const label = document.createElement("dt");
      label.textContent = measure.label;
      const value = document.createElement("dd");
      value.textContent = measure.value;
      item.append(label, value);
      return item;
    }));
    warnings.replaceChildren.apply(warnings, health.warnings.map(function (text) {
      const line = document.createElement("li");
      line.textContent = text;
      return line;
    }));
  }

  function poll() {
    fetch(panel.dataset.healthUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (health) {
        if (!health) return;
        render(health);
        if (health.status === "live") setTimeout(poll, POLL_MS);
      })
      .catch(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
