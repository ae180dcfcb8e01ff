// The studio's question queue: the chat's questions grouped by topic and product, refreshed every few
// seconds; one tap posts the (editable) suggested answer as the host's chat message.
(function () {
  "use strict";
  const root = document.querySelector("[data-questions]");
  if (!root) return;
  const REFRESH_MS = 4000;
  const list = root.querySelector("[data-questions-list]");
  const empty = root.querySelector("[data-questions-empty]");
  const status = root.querySelector("[data-questions-status]");
  const template = root.querySelector("[data-question-template]");
  const answered = root.querySelector("[data-questions-answered]");
  const rows = new Map(); // group id → its <li>
  let statusTimer = null;
  let last = "";

  function say(text, isError) {
    status.textContent = text;
    status.hidden = false;
    status.classList.toggle("is-error", Boolean(isError));
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { status.hidden = true; }, 4000);
  }

  function fill(item, group) {
    item.querySelector("[data-topic]").textContent = group.topic_label;
    item.querySelector("[data-product]").textContent = group.code ? `${group.code} ${group.product}` : group.product;
    item.querySelector("[data-count]").textContent = `${group.count}건`;
    item.querySelector("[data-time]").textContent = group.last_at;
    const recent = item.querySelector("[data-recent]");
    recent.replaceChildren(...group.recent.map((line) => {
      const li = document.createElement("li");
      const name = document.createElement("span");
      name.className = "question__name";
      name.textContent = line.name;
      li.append(name, document.createTextNode(line.text));
      return li;
    }));
    const answer = item.querySelector("[data-answer]");
    // What the host is typing is never overwritten by a refresh.
    if (!answer.dataset.edited && document.activeElement !== answer) answer.value = group.suggestion || "";
    fit(answer);
  }

  // The whole suggestion shows without scrolling inside the box (it may run to three or four lines).
  function fit(answer) {
    answer.style.height = "auto";
    answer.style.height = `${answer.scrollHeight + 2}px`;
  }

  function row(group) {
    let item = rows.get(group.id);
    if (!item) {
      item = template.content.firstElementChild.cloneNode(true);
      item.dataset.id = group.id;
      const answer = item.querySelector("[data-answer]");
      answer.addEventListener("input", () => { answer.dataset.edited = "1"; fit(answer); });
      item.querySelector("[data-send]").addEventListener("click", () => act(item, "answer"));
      item.querySelector("[data-done]").addEventListener("click", () => act(item, "done"));
      rows.set(group.id, item);
    }
    fill(item, group);
    return item;
  }

  function render(data) {
    const seen = new Set(data.open.map((group) => group.id));
    for (const [id, item] of rows) {
      if (!seen.has(id)) { item.remove(); rows.delete(id); }
    }
    list.append(...data.open.map(row)); // appending an existing node moves it: the order follows the counts
    list.querySelectorAll("[data-answer]").forEach(fit); // measured once in the page, not while detached
    empty.hidden = data.open.length > 0;
    root.querySelector("[data-questions-count]").textContent = data.open.length;
    root.querySelector("[data-questions-answered-box]").hidden = data.answered.length === 0;
    answered.replaceChildren(...data.answered.map((group) => {
      const li = document.createElement("li");
      const head = document.createElement("strong");
      head.textContent = `${group.topic_label}${group.code ? " · " + group.code : ""} · ${group.count}건 · ${group.answered_at}`;
      li.append(head, document.createTextNode(" " + (group.answer || "답변 완료 표시")));
      return li;
    }));
  }

  async function refresh() {
    if (document.hidden) return;
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const text = await response.text();
      if (text !== last) { last = text; render(JSON.parse(text)); }
    } catch (error) {
      // Offline for a moment: the next refresh tries again.
    }
  }

  async function act(item, action) {
    const buttons = item.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    const form = new FormData();
    if (action === "answer") form.append("text", item.querySelector("[data-answer]").value);
    const url = root.dataset[action === "answer" ? "answerUrl" : "doneUrl"].replace(/\/0\/(answer|done)\/$/, `/${item.dataset.id}/$1/`);
    try {
      const response = await fetch(url, { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": root.dataset.csrf } });
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        say(action === "answer" ? "채팅에 답변을 올렸어요." : "답변 완료로 표시했어요.");
        item.remove();
        rows.delete(Number(item.dataset.id));
        last = "";
        await refresh();
      } else {
        say(data.message || "처리하지 못했어요. 다시 눌러 주세요.", true);
        if (data.code === "answered") { last = ""; await refresh(); }
      }
    } catch (error) {
      say("연결이 불안정해요. 다시 눌러 주세요.", true);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", refresh);
})();
