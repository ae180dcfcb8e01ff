// The seller studio: copy and reveal the stream settings, confirm what cannot be undone.
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
