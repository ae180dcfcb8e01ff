// The seller studio: copy and reveal the stream settings, confirm what cannot be undone, and the live console.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const copy = event.target.closest("[data-copy]");
    if (copy) {
      const input = document.querySelector(copy.dataset.copy);
      const done = function () {
        const label = copy.textContent;
        copy.textContent = "복사됨 ✓";
        setTimeout(function () { copy.textContent = label; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done);
      } else {
        const type = input.type;
        input.type = "text";
        input.select();
        document.execCommand("copy");
        input.type = type;
        done();
      }
    }
    const reveal = event.target.closest("[data-reveal]");
    if (reveal) {
      const input = document.querySelector(reveal.dataset.reveal);
      const hidden = input.type === "password";
      input.type = hidden ? "text" : "password";
      reveal.textContent = hidden ? "숨기기" : "보기";
    }
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();

// The host's console: polls the studio's console JSON every few seconds (numbers, stock, chat-command claims)
// and sends 공지 and 쿠폰 through the room's chat connection (live-chat.js listens for "room:moderate").
(function () {
  "use strict";
  const root = document.querySelector("[data-console-url]");
  if (!root) return;
  const POLL_MS = 3000;
  const won = (n) => n.toLocaleString("ko-KR") + "원";
  const count = (n) => n.toLocaleString("ko-KR");
  const chat = document.getElementById("live-chat");
  const $ = (selector) => root.querySelector(selector);
  const set = (name, text) => { const node = root.querySelector(`[data-console="${name}"]`); if (node) node.textContent = text; };
  let timer = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(data) {
    set("viewers", `${count(data.viewers)}명`);
    set("chat", `${count(data.per_minute.chat)}개`);
    set("hearts", count(data.hearts));
    set("orders", `${count(data.per_minute.orders)}건`);
    set("revenue", won(data.per_minute.revenue));
    set("totals", `방송 누적 ${count(data.totals.orders)}건 · ${won(data.totals.revenue)}`);
    renderMinutes(data.minutes);
    data.items.forEach((item) => {
      const row = root.querySelector(`[data-console-item="${item.item_id}"]`);
      if (!row) return;
      row.classList.toggle("is-soldout", item.sold_out);
      row.querySelector("[data-console-stock]").textContent = item.sold_out ? "품절" : `재고 ${count(item.stock)}개`;
      const parts = [];
      if (item.held) parts.push(`확보 ${item.held}`);
      if (item.waiting) parts.push(`대기 ${item.waiting}`);
      row.querySelector("[data-console-claims]").textContent = parts.length ? `· ${parts.join(" · ")}` : "";
    });
    renderClaims(data.claims);
    $("[data-console-updated]").textContent = `${new Date().toLocaleTimeString("ko-KR")} 기준`;
    root.dataset.loaded = "1";
  }

  function renderMinutes(minutes) {
    const bars = $("[data-console-minutes]");
    const top = Math.max(1, ...minutes.map((m) => m.chat), ...minutes.map((m) => m.orders * 5));
    bars.replaceChildren(...minutes.map((m) => {
      const item = el("li", "console-minutes__minute");
      item.title = `${m.label} · 채팅 ${m.chat}개 · 주문 ${m.orders}건 · ${won(m.revenue)}`;
      const chatBar = el("span", "console-bar console-bar--chat");
      chatBar.style.height = `${Math.round((m.chat / top) * 100)}%`;
      const orderBar = el("span", "console-bar console-bar--orders");
      orderBar.style.height = `${Math.round(((m.orders * 5) / top) * 100)}%`;
      item.append(chatBar, orderBar, el("small", "", m.label.slice(3)));
      return item;
    }));
  }

  function renderClaims(claims) {
    const list = $("[data-console-claims-list]");
    $("[data-console-claims-empty]").hidden = claims.length > 0;
    $("[data-console-claims-count]").textContent = claims.length ? `${claims.length}건` : "";
    list.replaceChildren(...claims.map((claim) => {
      const item = el("li", `console-claim console-claim--${claim.status}`);
      item.dataset.testid = "console-claim";
      item.append(
        el("span", "console-code", claim.code || "–"),
        el("span", "console-claim__who", `${claim.buyer} · ${claim.option} × ${claim.quantity}`),
        el("span", "console-claim__status", claim.place ? `${claim.status_label} ${claim.place}번` : claim.status_label),
        el("small", "muted console-claim__at", claim.note ? `${claim.at} · ${claim.note}` : claim.at),
      );
      return item;
    }));
  }

  async function poll() {
    clearTimeout(timer);
    try {
      const response = await fetch(root.dataset.consoleUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) render(await response.json());
    } catch (error) {
      $("[data-console-updated]").textContent = "연결을 다시 시도하고 있어요…";
    }
    timer = setTimeout(poll, document.hidden ? POLL_MS * 5 : POLL_MS);
  }

  function moderate(detail) {
    if (chat) chat.dispatchEvent(new CustomEvent("room:moderate", { detail }));
  }

  const announce = $("[data-console-announce]");
  announce.addEventListener("submit", (event) => {
    event.preventDefault();
    moderate({ action: "announce", text: announce.elements.text.value });
  });
  $("[data-console-announce-clear]").addEventListener("click", () => {
    announce.elements.text.value = "";
    moderate({ action: "announce", text: "" });
  });
  const coupon = $("[data-console-coupon]");
  coupon.addEventListener("submit", (event) => {
    event.preventDefault();
    const amount = Number(coupon.elements.amount.value);
    moderate({
      action: "coupon",
      title: `라이브 ${amount.toLocaleString("ko-KR")}원 쿠폰`,
      amount,
      quantity: Number(coupon.elements.quantity.value),
      minutes: Number(coupon.elements.minutes.value),
    });
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  poll();
})();
