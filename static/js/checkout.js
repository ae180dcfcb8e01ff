// Cart and checkout: a typed quantity submits itself; "새 배송지" shows the address fields; the pay button
// cannot be pressed twice.
(function () {
  "use strict";
  document.querySelectorAll("[data-quantity-input]").forEach(function (input) {
    input.addEventListener("change", function () {
      input.form.querySelectorAll("button[name=quantity]").forEach(function (b) { b.disabled = true; });
      input.form.submit();
    });
  });

  const form = document.querySelector("[data-checkout-form]");
  if (!form) return;
  const fields = form.querySelector("[data-new-address]");
  const choices = form.querySelectorAll("[data-address-choice]");
  function sync() {
    const chosen = form.querySelector("[data-address-choice]:checked");
    const isNew = !chosen || chosen.value === "new";
    fields.hidden = !isNew;
    fields.querySelectorAll("input").forEach(function (input) { input.disabled = !isNew; });
  }
  choices.forEach(function (choice) { choice.addEventListener("change", sync); });
  sync();
  form.addEventListener("submit", function () {
    const button = form.querySelector("[data-testid=pay-button]");
    setTimeout(function () { button.disabled = true; button.textContent = "주문을 만드는 중…"; }, 0);
  });
})();
