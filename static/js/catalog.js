// Product page: gallery thumbnails, quantity stepper and the total price of the chosen option.
(function () {
  "use strict";
  const won = new Intl.NumberFormat("ko-KR");

  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    gallery.addEventListener("click", function (event) {
      const thumb = event.target.closest("[data-gallery-thumb]");
      if (!thumb) return;
      const index = thumb.dataset.galleryThumb;
      gallery.querySelectorAll("[data-gallery-slide]").forEach(function (slide) {
        slide.hidden = slide.dataset.gallerySlide !== index;
      });
      gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (other) {
        other.setAttribute("aria-selected", String(other === thumb));
      });
    });
  });

  document.querySelectorAll("[data-buy-form]").forEach(function (form) {
    const quantity = form.querySelector("input[name=quantity]");
    const option = form.querySelector("[data-option-select]");
    const total = form.querySelector("[data-total]");
    const base = Number(document.querySelector("[data-base-price]").dataset.basePrice);
    function update() {
      const count = Math.min(99, Math.max(1, Number(quantity.value) || 1));
      quantity.value = count;
      const extra = option ? Number(option.selectedOptions[0].dataset.extra || 0) : 0;
      total.textContent = won.format((base + extra) * count) + "원";
    }
    form.addEventListener("click", function (event) {
      const step = event.target.closest("[data-step]");
      if (!step) return;
      quantity.value = Number(quantity.value || 1) + Number(step.dataset.step);
      update();
    });
    quantity.addEventListener("change", update);
    if (option) option.addEventListener("change", update);
  });
})();
