// "주소 검색": opens the Kakao (Daum) postcode widget and fills postcode and road address. The widget's script
// loads only when a shopper reaches for the button (most checkouts use a saved address and never need it); when
// it cannot load, the fields stay typeable and a note says so.
(function () {
  "use strict";
  const SCRIPT_URLS = [
    "https://t1.kakaocdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js",
    "https://t1.daumcdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js",
  ];

  function widget() {
    return (window.kakao && window.kakao.Postcode) || (window.daum && window.daum.Postcode) || null;
  }

  function loadScript(urls) {
    return new Promise(function (resolve, reject) {
      if (widget()) return resolve(widget());
      if (!urls.length) return reject(new Error("postcode widget unavailable"));
      const script = document.createElement("script");
      script.src = urls[0];
      script.async = true;
      script.onload = function () { widget() ? resolve(widget()) : loadScript(urls.slice(1)).then(resolve, reject); };
      script.onerror = function () { script.remove(); loadScript(urls.slice(1)).then(resolve, reject); };
      document.head.appendChild(script);
    });
  }

  function fallback(scope) {
    scope.querySelector("[data-postcode-fallback]").hidden = false;
    scope.querySelector("[data-postcode='postcode']").focus();
  }

  let ready = null;
  function widgetReady() {
    if (!ready) ready = loadScript(SCRIPT_URLS);
    return ready;
  }

  document.querySelectorAll("[data-postcode-scope]").forEach(function (scope) {
    const button = scope.querySelector("[data-postcode-search]");
    // Pointing at or tabbing to the button starts the load, so a click usually finds the widget there.
    button.addEventListener("pointerenter", widgetReady, { once: true });
    button.addEventListener("focus", widgetReady, { once: true });
    button.addEventListener("click", function () {
      widgetReady().then(function (Postcode) {
        new Postcode({
          oncomplete: function (data) {
            scope.querySelector("[data-postcode='postcode']").value = data.zonecode;
            scope.querySelector("[data-postcode='road']").value = data.roadAddress || data.address;
            scope.querySelector("[data-postcode='detail']").focus();
          },
        }).open();
      }, function () { fallback(scope); });
    });
  });
})();
