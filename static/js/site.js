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
  // Pretendard's rarer syllables (templates/components/fonts.html) are named only once the core font is in, so
  // that a page fetches them only for a syllable the core font lacks.
  if (document.fonts) {
    document.fonts.load('1em "Pretendard Web"', "가").then(function () {
      document.documentElement.classList.add("fonts-ext");
    });
  }
  document.querySelectorAll("[data-toasts] .toast").forEach(function (toast) {
    if (!toast.classList.contains("toast--error")) setTimeout(function () { toast.remove(); }, TOAST_LIFETIME_MS);
  });
})();
