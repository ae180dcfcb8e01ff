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
  document.querySelectorAll("[data-toasts] .toast").forEach(function (toast) {
    if (!toast.classList.contains("toast--error")) setTimeout(function () { toast.remove(); }, TOAST_LIFETIME_MS);
  });
})();
