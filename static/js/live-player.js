// The broadcast page's player: HLS through hls.js with the low-latency settings of apps/live/media/server.py
// (liveSyncDuration in seconds: nginx-rtmp writes a whole-number TARGETDURATION), native HLS where the
// browser has no Media Source Extensions (iPhone Safari). Also: replay chapters, the unmute button, the
// countdown of a scheduled broadcast, and a status poll that reloads the page when it starts or ends.
// Reconnect grace: while the encoder is away the broadcast stays live and the status says ``reconnecting``;
// the player shows "잠시 연결이 끊겼어요", keeps retrying the playlist (nginx-rtmp may remove it meanwhile) and
// loads it afresh the moment the status says the encoder is back.
(function () {
  "use strict";
  const STATUS_POLL_MS = 5000;
  const RECONNECTING_POLL_MS = 2000;
  const RETRY_MS = 2000;
  const configNode = document.getElementById("live-player-config");
  const config = configNode ? JSON.parse(configNode.textContent) : { hls: {} };

  function startPlayer(box) {
    const video = box.querySelector("video");
    const src = box.dataset.src;
    const isLive = box.dataset.kind === "live";
    const notice = box.querySelector("[data-player-notice]");
    const reconnecting = box.querySelector("[data-player-reconnecting]");
    const player = { video: video, hls: null, kind: box.dataset.kind, reconnecting: false };
    window.trimarketPlayer = player;

    function playMuted() {
      const attempt = video.play();
      if (attempt && attempt.catch) attempt.catch(function () { /* autoplay may wait for a tap */ });
    }

    if (window.Hls && window.Hls.isSupported()) {
      const options = Object.assign({}, isLive ? config.hls : { backBufferLength: 30 });
      const hls = new window.Hls(options);
      player.hls = hls;
      // The media time → stream PTS mapping (bench/hls_latency.py reads it to know each frame's capture time).
      hls.on(window.Hls.Events.INIT_PTS_FOUND, function (_event, data) {
        player.initPts = data.initPTS / data.timescale;
      });
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        if (notice) notice.hidden = true;
        if (isLive) playMuted();
      });
      hls.on(window.Hls.Events.ERROR, function (_event, data) {
        if (!data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        // The stream may be between fragments or reconnecting: wait and load again (as long as it takes).
        if (notice && !player.reconnecting) notice.hidden = false;
        setTimeout(function () { hls.loadSource(src); hls.startLoad(); }, RETRY_MS);
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      player.reload = function () {
        hls.stopLoad();
        hls.loadSource(src);
        hls.startLoad();
        playMuted();
      };
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;
      if (isLive) video.addEventListener("loadedmetadata", playMuted);
      // Safari gives up on a playlist that stopped growing: point it at the stream again.
      player.reload = function () { video.src = src; video.load(); playMuted(); };
      video.addEventListener("error", function () {
        if (isLive) setTimeout(player.reload, RETRY_MS);
      });
    } else if (notice) {
      notice.textContent = "이 브라우저에서는 방송을 재생할 수 없어요.";
      notice.hidden = false;
    }

    const unmute = box.querySelector("[data-unmute]");
    if (unmute) {
      unmute.addEventListener("click", function () {
        video.muted = false;
        playMuted();
        unmute.remove();
      });
    }
    // The status poll tells when the encoder dropped and when it is back.
    player.setReconnecting = function (on) {
      if (on === player.reconnecting) return;
      player.reconnecting = on;
      if (reconnecting) reconnecting.hidden = !on;
      if (on && notice) notice.hidden = true;
      if (!on && player.reload) player.reload();
    };
    player.reconnecting = !!(reconnecting && !reconnecting.hidden);

    if (!isLive) {
      document.querySelectorAll("[data-seek]").forEach(function (button) {
        button.addEventListener("click", function () {
          video.currentTime = parseFloat(button.dataset.seek);
          playMuted();
          document.querySelectorAll("[data-seek][aria-current]").forEach(function (b) { b.removeAttribute("aria-current"); });
          button.setAttribute("aria-current", "true");
          box.scrollIntoView({ behavior: "smooth", block: "start" });
        });
      });
    }
  }

  function startCountdown(node) {
    const left = node.querySelector("[data-countdown-left]");
    const at = new Date(node.dataset.countdown).getTime();
    function tick() {
      const seconds = Math.max(0, Math.round((at - Date.now()) / 1000));
      if (!seconds) { left.textContent = "곧 시작해요"; return; }
      const days = Math.floor(seconds / 86400);
      const h = String(Math.floor((seconds % 86400) / 3600)).padStart(2, "0");
      const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
      const s = String(seconds % 60).padStart(2, "0");
      left.textContent = (days ? days + "일 " : "") + h + ":" + m + ":" + s + " 남음";
    }
    tick();
    setInterval(tick, 1000);
  }

  function pollStatus(room) {
    const url = room.dataset.statusUrl;
    const initial = room.dataset.status;
    function poll() {
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) return;
          if (state.status !== initial) { window.location.reload(); return; }
          const player = window.trimarketPlayer;
          if (player && player.setReconnecting) player.setReconnecting(!!state.reconnecting);
          document.querySelectorAll("[data-viewer-count]").forEach(function (node) {
            node.hidden = !state.viewer_count && !!node.closest(".live-player");
            node.textContent = state.viewer_count + "명" + (node.closest(".live-player") ? " 시청" : "");
          });
        })
        .catch(function () { /* offline for a moment: try again next round */ })
        .then(function () {
          const player = window.trimarketPlayer;
          setTimeout(poll, player && player.reconnecting ? RECONNECTING_POLL_MS : STATUS_POLL_MS);
        });
    }
    const player = window.trimarketPlayer;
    setTimeout(poll, player && player.reconnecting ? RECONNECTING_POLL_MS : STATUS_POLL_MS);
  }

  document.querySelectorAll("[data-player]").forEach(startPlayer);
  document.querySelectorAll("[data-countdown]").forEach(startCountdown);
  const room = document.querySelector("[data-status-url]");
  if (room && room.dataset.status !== "ended") pollStatus(room);
})();
