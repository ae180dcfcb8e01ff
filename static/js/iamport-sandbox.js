// The PG sandbox's stand-in for PortOne's v1 SDK (https://cdn.iamport.kr/v1/iamport.js), served by the
// sandbox at /sandbox/iamport.js. Same globals and signatures, so a checkout page is written once:
//   IMP.init("imp00000000");
//   IMP.request_pay({pg, pay_method, merchant_uid, name, amount, buyer_*, m_redirect_url, notice_url}, callback);
// With m_redirect_url the browser goes to the sandbox window and comes back to
// m_redirect_url?imp_uid=…&merchant_uid=…&imp_success=true|false (the SDK's mobile flow, used on every device
// here). Without it the window opens over the page and callback(rsp) receives
// {success, imp_uid, merchant_uid, paid_amount, status, error_code, error_msg, …} (the SDK's PC flow).
// Loaded from elsewhere (e.g. /static/js/), the script needs data-sandbox-url="http://127.0.0.1:8090/".
(function (global) {
  "use strict";
  var script = document.currentScript;
  var base = (script && script.dataset.sandboxUrl) || (script ? new URL("/", script.src).href : "/");
  var windowUrl = new URL("sandbox/pay", base);
  var impCode = null;

  function query(params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === undefined || value === null) return;
      search.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
    });
    if (impCode) search.set("imp_code", impCode);
    search.set("channel", /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent) ? "mobile" : "pc");
    return search.toString();
  }

  function openOverlay(url, callback) {
    var frame = document.createElement("iframe");
    frame.src = url;
    frame.title = "결제창";
    frame.setAttribute("data-iamport-sandbox", "");
    frame.style.cssText = "position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483647;background:rgba(16,16,26,.55)";
    function onMessage(event) {
      if (event.origin !== windowUrl.origin || !event.data || event.data.type !== "iamport-sandbox:result") return;
      global.removeEventListener("message", onMessage);
      frame.remove();
      if (typeof callback === "function") callback(event.data.response);
    }
    global.addEventListener("message", onMessage);
    (document.body || document.documentElement).appendChild(frame);
  }

  global.IMP = {
    sandbox: true,
    init: function (code) {
      impCode = code;
    },
    request_pay: function (params, callback) {
      var url = windowUrl.href + "?" + query(params || {});
      if (params && params.m_redirect_url) {
        global.location.href = url;
      } else {
        openOverlay(url, callback);
      }
    },
  };
})(window);
