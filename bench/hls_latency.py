"""Capture-to-decode latency of a live broadcast, and its stalls, with the shipped media server and player.

    .venv/bin/python bench/hls_latency.py                  # 60 s of play, the shipped settings
    .venv/bin/python bench/hls_latency.py --seconds 20 --sync-duration 1.5

What runs: nginx-rtmp rendered from media-server/nginx.conf.template by ``apps.live.media.server`` (its
``on_publish`` answered by a stub that accepts, as Django does for a valid key), the test publisher of
``media_server.publisher_command`` (ffmpeg, 30 fps, 0.5 s keyframe interval, ``-re``), and Debian's Chromium
opening a page with the broadcast page's own player (static/js/live-player.js, hls.js with
``media_server.PLAYER_HLS_CONFIG``) like a viewer joining at the live edge.

How a frame's capture time is known: the publisher stamps every frame's PTS with the wall clock as the
frame leaves the source (``setpts=(RTCTIME-E)/…``: PTS seconds = capture time - E). nginx-rtmp keeps the
timestamps into the MPEG-TS fragments (plus its fixed 0.7 s PCR delay), and hls.js maps media time t to
PTS ``initPTS + t``. So the frame on screen at wall time ``now`` was captured at
``E + initPTS + currentTime - 0.7``: latency = now - that. It is sampled every 100 ms for the whole play; a
stall is a ``waiting`` event after playback started. The server-side line checks the mapping: the newest
frame of a freshly listed segment must be between 0 and about one fragment old.

Target: p50 <= 2.0 s, p95 <= 2.5 s, no stall.
"""

import argparse
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trimarket.settings.dev")

import django  # noqa: E402

django.setup()

from apps.live.media import server as media_server  # noqa: E402

# nginx-rtmp writes every MPEG-TS PTS/DTS 700 ms later than the RTMP timestamp (NGX_RTMP_HLS_DELAY = 63000
# at 90 kHz, room for the PCR in ngx_rtmp_mpegts.c): a frame's capture time is its TS PTS minus this.
NGINX_RTMP_TS_DELAY = 0.7
P50_TARGET = 2.0
P95_TARGET = 2.5
SAMPLE_MS = 100
STREAM = "bench"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body style="margin:0">
<div data-player data-kind="live" data-src="{src}"><video playsinline muted autoplay width="640" height="360"></video></div>
<script id="live-player-config" type="application/json">{config}</script>
<script src="/static/vendor/hls/hls.light.min.js"></script>
<script src="/static/js/live-player.js"></script>
</body></html>"""

PROBE = """() => {
  const player = window.trimarketPlayer;
  const video = player.video;
  window.benchSamples = [];
  window.benchStalls = [];
  let started = !video.paused && video.readyState > 2;
  let stalledAt = null;
  video.addEventListener("playing", () => {
    if (stalledAt !== null) { window.benchStalls.push(performance.now() - stalledAt); stalledAt = null; }
    started = true;
  });
  video.addEventListener("waiting", () => { if (started && stalledAt === null) stalledAt = performance.now(); });
  window.benchTimer = setInterval(() => {
    if (!started || player.initPts === undefined || video.paused) return;
    window.benchSamples.push({
      now: Date.now() / 1000, t: video.currentTime, initPts: player.initPts,
      hlsLatency: player.hls ? player.hls.latency : null, rate: video.playbackRate,
    });
  }, SAMPLE_MS);
}""".replace("SAMPLE_MS", str(SAMPLE_MS))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler(http.server.SimpleHTTPRequestHandler):
    """Accepts the media server's callbacks (as Django does for a valid key) and serves the player page."""

    page = b""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(ROOT), **kwargs)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        if self.path == "/player":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.page)))
            self.end_headers()
            self.wfile.write(self.page)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def segment_ready_delay(server: media_server.MediaServer, epoch: float) -> float | None:
    """Server side: how old the newest frame of the newest listed segment is when the segment is listed."""
    import requests

    text = requests.get(f"{server.hls_base_url}/{STREAM}/index.m3u8", timeout=2).text
    names = [line for line in text.splitlines() if line and not line.startswith("#")]
    if not names:
        return None
    data = requests.get(f"{server.hls_base_url}/{STREAM}/{names[-1]}", timeout=2).content
    seen = time.time()
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time",
            "-of",
            "csv=p=0",
            "-",
        ],
        input=data,
        capture_output=True,
    )
    stamps = [float(v.strip(",")) for v in probe.stdout.decode().split() if v.strip(",") not in ("", "N/A")]
    return seen - (epoch + max(stamps) - NGINX_RTMP_TS_DELAY) if stamps else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sync-duration", type=float, help="override liveSyncDuration (s)")
    parser.add_argument("--max-latency", type=float, help="override liveMaxLatencyDuration (s)")
    parser.add_argument(
        "--player", action="append", default=[], metavar="OPTION=JSON", help="any hls.js option"
    )
    args = parser.parse_args()

    config = dict(media_server.PLAYER_HLS_CONFIG)
    if args.sync_duration is not None:
        config["liveSyncDuration"] = args.sync_duration
    if args.max_latency is not None:
        config["liveMaxLatencyDuration"] = args.max_latency
    for option in args.player:
        name, _, value = option.partition("=")
        config[name] = json.loads(value)

    web_port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="hls-bench-"))
    server = media_server.MediaServer(
        directory=directory,
        rtmp_port=free_port(),
        http_port=free_port(),
        callback_base_url=f"http://127.0.0.1:{web_port}",
    )
    src = f"{server.hls_base_url}/{STREAM}/index.m3u8"
    Handler.page = PAGE.format(src=src, config=json.dumps({"hls": config})).encode()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", web_port), Handler)
    httpd.handle_error = lambda request, address: None  # nginx hangs up on its last callback at shutdown
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    nginx = server.start(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    epoch = float(int(time.time()))
    stamp = f"settb=1/1000,setpts=(RTCTIME-{int(epoch * 1_000_000)})/(TB*1000000)"
    url = media_server.publish_url(ingest_url=server.ingest_url, public_name=STREAM, key="bench")
    publisher = subprocess.Popen(
        media_server.publisher_command(url, extra_video_filter=stamp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    print(
        f"nginx-rtmp {server.ingest_url} → HLS fragment {media_server.HLS_FRAGMENT}, playlist "
        f"{media_server.HLS_PLAYLIST_LENGTH}; publisher {media_server.PUBLISHER_FPS} fps, keyframe every "
        f"{media_server.KEYFRAME_INTERVAL_SECONDS:g} s; player {json.dumps(config)}"
    )
    try:
        return _play(server, epoch, args.seconds, web_port, publisher)
    finally:
        publisher.terminate()
        publisher.wait(timeout=10)
        nginx.terminate()
        nginx.wait(timeout=10)
        httpd.shutdown()


def _play(server, epoch: float, seconds: float, web_port: int, publisher) -> int:
    from playwright.sync_api import sync_playwright

    from apps.conftest import CHROMIUM_FLAGS

    deadline = time.time() + 20
    while time.time() < deadline:
        if publisher.poll() is not None:
            print("!! ffmpeg stopped:", publisher.stderr.read().decode()[-500:])
            return 2
        delay = segment_ready_delay(server, epoch)
        if delay is not None:
            break
        time.sleep(0.3)
    # Let the playlist fill as it is when viewers arrive during a broadcast.
    time.sleep(4)
    delays = [d for d in (segment_ready_delay(server, epoch) for _ in range(5)) if d is not None]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        opened = time.time()
        page.goto(f"http://127.0.0.1:{web_port}/player")
        page.wait_for_function(
            "() => window.trimarketPlayer && window.trimarketPlayer.video.currentTime > 0", timeout=20_000
        )
        startup = time.time() - opened
        page.evaluate(PROBE)
        page.wait_for_timeout(seconds * 1000)
        samples = page.evaluate("window.benchSamples")
        stalls = page.evaluate("window.benchStalls")
        dropped = page.evaluate("window.trimarketPlayer.video.getVideoPlaybackQuality().droppedVideoFrames")
        browser.close()

    latencies = [s["now"] - (epoch + s["initPts"] + s["t"] - NGINX_RTMP_TS_DELAY) for s in samples]
    hls_latency = [s["hlsLatency"] for s in samples if s["hlsLatency"] is not None]
    if not latencies:
        print("!! no samples: the video did not play")
        return 2
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    ok = p50 <= P50_TARGET and p95 <= P95_TARGET and not stalls
    print(
        f"server: newest frame of a listed segment is {statistics.median(delays) * 1000:.0f} ms old (median of {len(delays)})"
    )
    print(f"start-up (page open → first frame): {startup:.2f} s")
    print(
        f"capture-to-decode latency over {seconds:.0f} s ({len(latencies)} samples): "
        f"p50 {p50:.2f} s, p95 {p95:.2f} s, min {min(latencies):.2f} s, max {max(latencies):.2f} s"
    )
    print(f"hls.js' own latency estimate (edge − playhead): p50 {statistics.median(hls_latency):.2f} s")
    print(
        f"stalls: {len(stalls)}"
        + (f" ({sum(stalls) / 1000:.2f} s in all)" if stalls else "")
        + f"; dropped frames {dropped}"
    )
    print(f"target: p50 <= {P50_TARGET} s, p95 <= {P95_TARGET} s, no stall → {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
