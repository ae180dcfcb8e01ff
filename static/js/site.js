// Behaviour every page shares: dismissable toasts that also fade on their own.
(function () {
  "use strict";
  const TOAST_LIFETIME_MS = 5000;
  document.addEventListener("click", function (event) {
    const close = event.target.closest("[data-toast-close]");
    if (close) close.closest(".toast").remove();
  });
  // A button with data-confirm asks before it submits (no inline scripts: the CSP forbids them).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  // Pretendard (templates/components/fonts.html) never holds up the first screen: its first cut is named once
  // the first frame is painted, the rest once the page has loaded; a browser that has fetched them before
  // names both at once (from its cache).
  const FONTS_KEY = "tm-fonts";
  const root = document.documentElement;
  function moreFonts() {
    root.classList.add("fonts-ui", "fonts-more");
    try { localStorage.setItem(FONTS_KEY, "1"); } catch (error) { /* storage off: the next page waits again */ }
  }
  let fetchedBefore = false;
  try { fetchedBefore = localStorage.getItem(FONTS_KEY) === "1"; } catch (error) { /* storage off */ }
  if (fetchedBefore || document.readyState === "complete") {
    moreFonts();
  } else {
    // The second frame's callback runs after the first frame was painted.
    requestAnimationFrame(function () { requestAnimationFrame(function () { root.classList.add("fonts-ui"); }); });
    window.addEventListener("load", moreFonts);
  }
  document.querySelectorAll("[data-toasts] .toast").forEach(function (toast) {
    if (!toast.classList.contains("toast--error")) setTimeout(function () { toast.remove(); }, TOAST_LIFETIME_MS);
  });
})();
