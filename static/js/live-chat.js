// A broadcast's room: chat, pinned product with 바로 구매, viewers, hearts and coupons over STOMP 1.2
// (@stomp/stompjs, global StompJs). Every text from the room is put in with textContent, never as HTML.
(function () {
  "use strict";
  const root = document.getElementById("live-chat");
  if (!root || typeof StompJs === "undefined") return;

  const id = root.dataset.broadcast;
  const $ = (selector) => root.querySelector(selector);
  const list = $("[data-room-messages]");
  const empty = $("[data-room-empty]");
  const input = $("[data-room-input]");
  const sendButton = $("[data-room-send]");
  const errorBox = $("[data-room-error]");
  const pinned = document.getElementById("live-pinned");
  const won = (n) => n.toLocaleString("ko-KR") + "원";
  const MAX_MESSAGES = 200;
  let me = { user_id: null, moderator: false, seller: false };
  let coupon = null;
  let pin = null;
  let errorTimer = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = root.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(() => { errorBox.hidden = true; }, 4000);
  }

  // ---- Chat ------------------------------------------------------------------------------------------------

  // The newest message shown: a reconnect asks the room for those after it (SUBSCRIBE's since-id).
  let lastId = 0;

  function addMessage(m) {
    lastId = Math.max(lastId, m.id);
    if (list.querySelector(`[data-id="${m.id}"]`)) return;
    const item = el("li", "room__msg" + (m.seller ? " room__msg--seller" : ""));
    item.dataset.id = m.id;
    item.dataset.user = m.user_id;
    item.dataset.testid = "chat-message";
    const name = el("span", "room__name", m.name);
    if (m.seller) name.prepend(el("span", "room__badge", "셀러"));
    item.append(name, el("span", "room__text", m.text));
    const mayReport = me.user_id && m.user_id !== me.user_id;
    if ((me.moderator && !m.seller) || mayReport) {
      const menu = el("button", "room__more", "⋯");
      menu.type = "button";
      menu.setAttribute("aria-label", me.moderator ? "메시지 관리" : "메시지 신고");
      menu.dataset.testid = "message-menu";
      menu.addEventListener("click", () => openMenu(item, m));
      item.append(menu);
    }
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.append(item);
    while (list.children.length > MAX_MESSAGES) list.firstElementChild.remove();
    empty.hidden = true;
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  function openMenu(item, m) {
    root.querySelectorAll(".room__menu").forEach((node) => node.remove());
    const menu = el("div", "room__menu");
    if (me.moderator && !m.seller) {
      const del = el("button", "", "메시지 삭제");
      del.type = "button";
      del.dataset.testid = "message-delete";
      del.addEventListener("click", () => { moderate({ action: "delete", id: m.id }); menu.remove(); });
      const mute = el("button", "", `${m.name} 채팅 금지`);
      mute.type = "button";
      mute.addEventListener("click", () => { moderate({ action: "mute", user_id: m.user_id }); menu.remove(); });
      menu.append(del, mute);
    }
    if (m.user_id !== me.user_id) {
      const report = el("button", "room__menu-report", "신고하기");
      report.type = "button";
      report.dataset.testid = "message-report";
      report.addEventListener("click", () => { menu.remove(); openReport(m); });
      menu.append(report);
    }
    item.append(menu);
  }

  function onChat(message) {
    const data = JSON.parse(message.body);
    if (data.type === "message") addMessage(data);
    else if (data.type === "deleted") removeMessage(data.id);
    else if (data.type === "announcement") setAnnouncement(data.text);
    else if (data.type === "slow_mode") {
      if (data.seconds) addNotice(`슬로우 모드가 켜졌어요 (${data.seconds}초에 한 번)`);
      else addNotice("슬로우 모드가 꺼졌어요");
    } else if (data.type === "muted" && data.user_id === me.user_id) {
      addNotice(data.on ? "이 방송에서 채팅이 제한되었어요." : "채팅 제한이 풀렸어요.");
    }
  }

  // A reply meant for this member alone (a chat-command order: held, waiting, offered, or a hint).
  function addPrivate(data) {
    const item = el("li", "room__private room__private--" + data.kind);
    item.dataset.testid = "private-reply";
    item.append(el("span", "room__private-tag", "나에게만 보여요"), el("span", "room__text", data.text));
    if (data.checkout_url) {
      const pay = el("a", "btn btn-sm btn-live room__private-pay", "결제하기");
      pay.href = data.checkout_url;
      pay.dataset.testid = "private-checkout";
      item.append(pay);
    }
    list.append(item);
    empty.hidden = true;
    list.scrollTop = list.scrollHeight;
  }

  function removeMessage(messageId) {
    list.querySelector(`[data-id="${messageId}"]`)?.remove();
  }

  function addNotice(text) {
    const item = el("li", "room__system", text);
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function setAnnouncement(text) {
    const box = $("[data-room-announcement]");
    $("[data-room-announcement-text]").textContent = text || "";
    box.hidden = !text;
  }

  // ---- Events: welcome, pin, stock, viewers, coupons, status ----------------------------------------------

  function onEvent(message) {
    const data = JSON.parse(message.body);
    switch (data.type) {
      case "welcome":
      case "resync":
        // The room's whole state: on subscribing, and again after the server's link to the other processes
        // broke (the events sent meanwhile were lost); applied whole, so nothing missed stays on screen.
        me = data.me || me;
        setAnnouncement(data.announcement);
        renderPin(data.pin);
        (data.deleted || []).forEach(removeMessage);
        if (data.coupons && data.coupons.length) {
          const open = data.coupons[0];
          showCoupon(coupon && coupon.id === open.id ? { ...open, claimed: coupon.claimed } : open);
        } else if (data.coupons) {
          coupon = null;
          $("[data-room-coupon]").hidden = true;
        }
        if (me.moderator) showModBar();
        if (me.banned) closeForBan(me.banned);
        break;
      case "pin": renderPin(data); break;
      case "unpin": renderPin(null); break;
      case "stock":
        if (pin && pin.item_id === data.item_id) { pin.stock = data.stock; pin.sold_out = data.sold_out; renderPin(pin); }
        break;
      case "viewers": setViewers(data); break;
      case "private": addPrivate(data); break;
      case "coupon": showCoupon(data); break;
      case "coupon_left":
        if (coupon && coupon.id === data.id) { coupon.remaining = data.remaining; showCoupon(coupon); }
        break;
      case "status":
        if (data.status === "ended") { addNotice("방송이 끝났어요. 시청해 주셔서 감사해요!"); renderPin(null); }
        else if (data.status === "live" && root.dataset.status !== "live") window.location.reload();
        break;
    }
  }

  // A member under a platform ban reads on; the page says why and until when instead of a chat box.
  function closeForBan(text) {
    const notice = $("[data-room-banned]");
    if (notice) { notice.textContent = text; notice.hidden = false; }
    if (input) { input.disabled = true; input.placeholder = "채팅이 제한된 계정이에요"; }
    if (sendButton) sendButton.disabled = true;
  }

  function setViewers(data) {
    $("[data-room-viewers]").hidden = false;
    $("[data-room-viewers-count]").textContent = data.count.toLocaleString("ko-KR");
    $("[data-room-likes]").hidden = !data.likes;
    $("[data-room-likes-count]").textContent = data.likes.toLocaleString("ko-KR");
    const badge = document.querySelector("[data-viewer-count]");
    if (badge) { badge.hidden = false; badge.textContent = `${data.count.toLocaleString("ko-KR")}명 시청`; }
    for (let i = 0; i < Math.min(data.hearts || 0, 12); i++) setTimeout(floatHeart, i * 120);
  }

  function floatHeart() {
    const heart = el("span", "room__float", "♥");
    heart.style.setProperty("--drift", `${Math.round(Math.random() * 40 - 20)}px`);
    heart.style.setProperty("--hue", `${Math.round(Math.random() * 40 + 330)}`);
    $("[data-room-hearts]").append(heart);
    setTimeout(() => heart.remove(), 1800);
  }

  function renderPin(data) {
    pin = data;
    if (!pinned) return;
    pinned.replaceChildren();
    if (!data) return;
    const card = el("article", "pin-card" + (data.sold_out ? " pin-card--soldout" : ""));
    card.dataset.testid = "pin-card";
    const media = el("a", "pin-card__media");
    media.href = data.url;
    // The picture repeats the name link: one tab stop (and one announcement) per product.
    media.tabIndex = -1;
    media.setAttribute("aria-hidden", "true");
    const img = el("img");
    img.src = data.image_url || "";
    if (data.image_srcset) {
      img.srcset = data.image_srcset;
      img.sizes = "96px";
    }
    img.width = img.height = 96;
    img.alt = "";
    media.append(img);
    if (data.sold_out) media.append(el("span", "pin-card__soldout", "품절"));
    const body = el("div", "pin-card__body");
    const tags = el("div", "pin-card__tags");
    tags.append(el("span", "pin-card__now", "지금 소개 중"));
    if (data.code) {
      const code = el("span", "pin-card__code", `채팅 주문 #${data.code}`);
      code.dataset.testid = "pin-code";
      tags.append(code);
    }
    if (data.is_live_price) tags.append(el("span", "pin-card__live", "라이브 특가"));
    const name = el("a", "pin-card__name", data.name);
    name.href = data.url;
    const price = el("div", "pin-card__price");
    if (data.discount_percent) price.append(el("span", "pin-card__discount", `${data.discount_percent}%`));
    const sale = el("strong", "", won(data.price));
    sale.dataset.testid = "pin-price";
    price.append(sale);
    if (data.discount_percent) price.append(el("del", "", won(data.list_price)));
    const stock = el("span", "pin-card__stock", data.sold_out ? "품절되었어요" : data.stock <= 20 ? `${data.stock}개 남았어요` : "재고 넉넉해요");
    stock.dataset.testid = "pin-stock";
    body.append(tags, name, price, stock);
    const actions = el("div", "pin-card__actions");
    const options = (data.options || []).filter((o) => o.stock > 0 || data.options.length === 1);
    let select = null;
    if (data.options && data.options.length > 1) {
      select = el("select", "pin-card__option");
      select.setAttribute("aria-label", "옵션 선택");
      data.options.forEach((o) => {
        const opt = el("option", "", o.stock > 0 ? o.name + (o.extra_price ? ` (+${won(o.extra_price)})` : "") : `${o.name} (품절)`);
        opt.value = o.id;
        opt.disabled = o.stock === 0;
        select.append(opt);
      });
      const first = options.find((o) => o.stock > 0);
      if (first) select.value = first.id;
      actions.append(select);
    }
    const buy = el("button", "btn btn-live pin-card__buy", data.sold_out ? "품절" : "바로 구매");
    buy.type = "button";
    buy.disabled = data.sold_out;
    buy.dataset.testid = "buy-now";
    buy.addEventListener("click", () => holdPlace(data, select ? Number(select.value) : data.options[0]?.id, buy));
    actions.append(buy);
    card.append(media, body, actions);
    pinned.append(card);
  }

  async function post(url, form) {
    const response = await fetch(url, {
      method: "POST",
      body: form,
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { message: "잠시 후 다시 시도해 주세요." }; }
    return { status: response.status, data };
  }

  async function holdPlace(data, optionId, button) {
    if (root.dataset.authenticated !== "1") { window.location.href = root.dataset.loginUrl; return; }
    button.disabled = true;
    button.textContent = "재고 확보 중…";
    const form = new FormData();
    form.append("item", data.item_id);
    form.append("option", optionId);
    form.append("quantity", 1);
    const { status, data: answer } = await post(root.dataset.holdUrl, form);
    if (status === 201) { window.location.href = answer.checkout_url; return; }
    if (status === 401 && answer.login_url) { window.location.href = answer.login_url; return; }
    showError(answer.message || "구매하지 못했어요.");
    renderPin(pin);
  }

  function showCoupon(data) {
    coupon = data;
    const box = $("[data-room-coupon]");
    box.hidden = false;
    $("[data-room-coupon-title]").textContent = `${data.title} · ${won(data.amount)} 할인`;
    $("[data-room-coupon-left]").textContent = data.remaining > 0 ? `${data.remaining}장 남음` : "모두 소진";
    $("[data-room-coupon-claim]").disabled = data.remaining <= 0 || data.claimed;
  }

  $("[data-room-coupon-claim]").addEventListener("click", async (event) => {
    if (!coupon) return;
    if (root.dataset.authenticated !== "1") { window.location.href = root.dataset.loginUrl; return; }
    const { status, data } = await post(root.dataset.couponUrl.replace("/0/", `/${coupon.id}/`), new FormData());
    if (status === 201) { coupon.claimed = true; event.target.disabled = true; event.target.textContent = "받았어요"; addNotice(data.message); }
    else showError(data.message || "쿠폰을 받지 못했어요.");
  });

  // ---- Reports: a message (from its menu) or the broadcast (the 신고 button by the title) -------------------

  const reportDialog = document.querySelector("[data-report-dialog]");
  let reportTarget = null;

  function openReport(m) {
    if (root.dataset.authenticated !== "1") { window.location.href = root.dataset.loginUrl; return; }
    if (!reportDialog) return;
    reportTarget = m;
    const form = reportDialog.querySelector("form");
    form.reset();
    reportDialog.querySelector("[data-report-error]").hidden = true;
    const quote = reportDialog.querySelector("[data-report-quote]");
    quote.hidden = !m;
    quote.textContent = m ? `${m.name}: ${m.text}` : "";
    reportDialog.querySelector("[data-report-title]").textContent = m ? "채팅 메시지 신고" : "방송 신고";
    reportDialog.showModal();
  }

  if (reportDialog) {
    const form = reportDialog.querySelector("form");
    reportDialog.querySelector("[data-report-cancel]").addEventListener("click", () => reportDialog.close());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      if (reportTarget) data.append("message", reportTarget.id);
      const submit = form.querySelector("[type=submit]");
      submit.disabled = true;
      const { status, data: answer } = await post(root.dataset.reportUrl, data);
      submit.disabled = false;
      if (status === 201) { reportDialog.close(); addNotice(answer.message); return; }
      if (status === 401 && answer.error && answer.error.login_url) { window.location.href = answer.error.login_url; return; }
      const box = reportDialog.querySelector("[data-report-error]");
      box.textContent = (answer.error && answer.error.message) || "신고하지 못했어요. 잠시 후 다시 시도해 주세요.";
      box.hidden = false;
    });
  }
  document.querySelectorAll("[data-report-broadcast]").forEach((button) => button.addEventListener("click", () => openReport(null)));

  // ---- Moderators ------------------------------------------------------------------------------------------

  function showModBar() {
    if (root.querySelector(".room__modbar")) return;
    const bar = $("[data-room-mod-template]").content.firstElementChild.cloneNode(true);
    bar.querySelector("[data-room-slow]").addEventListener("change", (e) => moderate({ action: "slow_mode", seconds: Number(e.target.value) }));
    bar.querySelector("[data-room-announce]").addEventListener("click", () => {
      const text = window.prompt("채팅 위에 고정할 공지 (비우면 내려요)", $("[data-room-announcement-text]").textContent);
      if (text !== null) moderate({ action: "announce", text });
    });
    bar.querySelector("[data-room-banned]").addEventListener("click", () => {
      const words = window.prompt("금칙어 (쉼표로 구분)");
      if (words !== null) moderate({ action: "banned_words", words: words.split(",").map((w) => w.trim()).filter(Boolean) });
    });
    bar.querySelector("[data-room-drop]").addEventListener("click", () => {
      const amount = Number(window.prompt("쿠폰 할인 금액 (원)", "3000"));
      const quantity = Number(window.prompt("쿠폰 수량", "100"));
      if (amount > 0 && quantity > 0) moderate({ action: "coupon", title: `라이브 ${amount.toLocaleString("ko-KR")}원 쿠폰`, amount, quantity, minutes: 10 });
    });
    list.before(bar);
  }

  // ---- STOMP -----------------------------------------------------------------------------------------------

  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const client = new StompJs.Client({
    brokerURL: `${scheme}://${window.location.host}${root.dataset.wsPath}`,
    reconnectDelay: 2000,
    heartbeatIncoming: 10000,
    heartbeatOutgoing: 10000,
  });

  function moderate(data) {
    client.publish({ destination: `/app/live.${id}.moderate`, body: JSON.stringify(data), headers: { "content-type": "application/json" } });
  }

  // The studio's console asks the room for the same moderator actions as the menu (공지, 쿠폰, …).
  root.addEventListener("room:moderate", (event) => { if (client.connected) moderate(event.detail); });

  client.onConnect = () => {
    $("[data-room-conn]").textContent = "";
    // A reconnect keeps what is shown and gets only what was sent while away; a first connect gets the last 50.
    if (!lastId) list.replaceChildren();
    client.subscribe(`/topic/live.${id}.events`, onEvent);
    client.subscribe(`/topic/live.${id}.chat`, onChat, lastId ? { "since-id": String(lastId) } : {});
    if (input && root.dataset.status !== "ended" && !me.banned) { input.disabled = false; sendButton.disabled = false; }
    root.dataset.connected = "1";
  };
  client.onWebSocketClose = () => {
    root.dataset.connected = "0";
    $("[data-room-conn]").textContent = "다시 연결 중…";
  };
  // A refused message (rate limit, slow mode, mute, banned word, expired login) arrives as an ERROR frame
  // whose body says why; the server keeps the connection, so reading goes on.
  client.onStompError = (frame) => showError(frame.body || frame.headers.message);
  client.activate();

  const form = $("[data-room-form]");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || !client.connected) return;
      client.publish({ destination: `/app/live.${id}.chat`, body: text, headers: { "content-type": "text/plain;charset=utf-8" } });
      input.value = "";
    });
  }
  root.querySelectorAll("[data-room-heart]").forEach((button) => button.addEventListener("click", () => {
    floatHeart();
    if (client.connected) client.publish({ destination: `/app/live.${id}.like`, body: "" });
  }));
})();
