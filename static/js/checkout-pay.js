// The payment step: hands the pending order to the PG window through the SDK (PortOne's iamport.js, or the
// PG sandbox's stand-in with the same IMP.init / IMP.request_pay). The result always comes back to the shop's
// m_redirect_url, where the server asks the PG itself; the browser's word is never trusted.
(function () {
  "use strict";
  const root = document.querySelector("[data-pay]");
  if (!root) return;
  const params = JSON.parse(document.getElementById("pay-params").textContent);
  const impCode = JSON.parse(document.getElementById("pay-imp-code").textContent);
  const button = root.querySelector("[data-pay-open]");

  function backToShop(rsp) {
    // PortOne's PC flow answers through the callback instead of the redirect: send the same query.
    const query = new URLSearchParams({
      imp_uid: rsp.imp_uid || "",
      merchant_uid: rsp.merchant_uid || params.merchant_uid,
      imp_success: rsp.success ? "true" : "false",
      error_msg: rsp.error_msg || "",
    });
    window.location.href = params.m_redirect_url + "?" + query.toString();
  }

  function open() {
    if (!window.IMP) {
      button.textContent = "결제 모듈을 불러오지 못했어요. 새로고침해 주세요.";
      return;
    }
    button.disabled = true;
    window.IMP.init(impCode);
    window.IMP.request_pay(params, backToShop);
    setTimeout(function () { button.disabled = false; }, 3000);
  }

  button.addEventListener("click", open);
  open();
})();
