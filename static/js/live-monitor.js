// The staff's live monitor: polls the tiles' numbers (viewers, chat and orders a minute, reports waiting, chat
// and report spikes) every few seconds, as the host's console does. A broadcast that went on
// or off the air since the page was drawn reloads the page, so each tile's player starts from the server's
// markup (live-player.js).
(function () {
  "use strict";
  const root = document.querySelector("[data-monitor]");
  if (!root) return;
  const url = root.dataset.figuresUrl;
  const pollMs = (parseInt(root.dataset.pollSeconds, 10) || 5) * 1000;
  const shown = Array.from(root.querySelectorAll("[data-tile]")).map((tile) => tile.dataset.tile).sort().join(",");
  const number = new Intl.NumberFormat("ko-KR");

  function el(tag, text) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderAlerts(broadcasts) {
    const box = root.querySelector("[data-monitor-alerts]");
    const list = root.querySelector("[data-monitor-alert-list]");
    const spiking = broadcasts.filter((b) => b.spike || b.reports_spike);
    list.replaceChildren(...spiking.map((b) => {
      const tile = root.querySelector(`[data-tile="${b.id}"]`);
      const title = tile ? tile.querySelector(".monitor-tile__title a").textContent : `방송 ${b.id}`;
      const item = el("li");
      const link = el("a", title);
      link.href = `#broadcast-${b.id}`;
      item.append(link);
      if (b.spike) item.append(` · 채팅 분당 ${number.format(b.chat_per_minute)}개 (평소 ${b.chat_baseline}개의 ${b.spike_ratio}배)`);
      if (b.reports_spike) item.append(` · 신고 급증 (대기 ${number.format(b.reports_waiting)}건)`);
      return item;
    }));
    box.hidden = spiking.length === 0;
  }

  function renderTile(b) {
    const tile = root.querySelector(`[data-tile="${b.id}"]`);
    if (!tile) return;
    tile.querySelectorAll("[data-figure]").forEach((node) => {
      const value = b[node.dataset.figure];
      if (value !== null && value !== undefined) node.textContent = number.format(value);
    });
    tile.classList.toggle("monitor-tile--spike", b.spike || b.reports_spike);
    tile.querySelector("[data-tile-spike]").hidden = !b.spike;
    tile.querySelector("[data-tile-reports-spike]").hidden = !b.reports_spike;
    tile.querySelector("[data-player-reconnecting]").hidden = !b.reconnecting;
    const baseline = tile.querySelector("[data-tile-baseline]");
    baseline.textContent = b.chat_baseline === null ? "평소 채팅량은 방송 1분 뒤부터 계산해요" : `평소 분당 ${b.chat_baseline}개`;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        const now = data.broadcasts.map((b) => String(b.id)).sort().join(",");
        if (now !== shown) { window.location.reload(); return; }
        data.broadcasts.forEach(renderTile);
        renderAlerts(data.broadcasts);
        root.querySelector("[data-monitor-updated]").textContent = data.updated_at;
        root.dataset.polled = String((parseInt(root.dataset.polled, 10) || 0) + 1);
      })
      .catch(() => { /* offline for a moment: the next round tries again */ })
      .then(() => setTimeout(poll, pollMs));
  }
  setTimeout(poll, pollMs);
})();
