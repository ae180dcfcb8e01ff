"""The nginx-rtmp media server as TriMarket runs it: the config rendered from media-server/, nginx started
in the foreground, and the test publisher (an ffmpeg test pattern with a tone).

Used by ``manage.py media_server`` (Procfile ``media``), ``manage.py live_demo_stream`` (``demo-stream``),
the tests' session fixture and bench/hls_latency.py, so all of them run the same configuration. The media
server's callbacks to the site are ``apps.live.media.callbacks``.

Latency settings live here together, because they only work together: nginx cuts a fragment at the first
keyframe after ``HLS_FRAGMENT``, so the encoder's keyframe interval must be the fragment length; nginx writes
``EXT-X-TARGETDURATION`` as a whole number (1 for 0.5 s fragments), so the player holds back by seconds
(``liveSyncDuration``), not by a count of target durations.
"""

import dataclasses
import grp
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

# Relative to the project directory (settings are read at call time, not at import).
TEMPLATE = Path("media-server") / "nginx.conf.template"
RTMP_APPLICATION = "live"
HLS_FRAGMENT = "500ms"
# 4 s of 0.5 s fragments: enough for a player a second or so behind the edge, with a few to spare.
HLS_PLAYLIST_LENGTH = "4s"
KEYFRAME_INTERVAL_SECONDS = 0.5
PUBLISHER_FPS = 30
# hls.js settings of the broadcast page (static/js/live-player.js); bench/hls_latency.py measures these.
# - liveSyncDuration, not liveSyncDurationCount: TARGETDURATION is 1 here, so a count means whole seconds.
# - lowLatencyMode makes no LL-HLS requests without parts, but in hls.js 1.7 it is also what lets the
#   latency controller speed playback up (maxLiveSyncPlaybackRate) back to the target after a slow start
#   or a stall; without it the playhead stays as late as the start-up left it.
# - After a stall the target grows by liveSyncOnStallIncrease (at most one target duration).
PLAYER_HLS_CONFIG = {
    "liveSyncDuration": 1.2,
    "liveMaxLatencyDuration": 3.5,
    "maxLiveSyncPlaybackRate": 1.5,
    "liveSyncOnStallIncrease": 0.5,
    "lowLatencyMode": True,
    "backBufferLength": 10,
    "maxBufferLength": 6,
    "manifestLoadingMaxRetry": 6,
    "manifestLoadingRetryDelay": 500,
}
# Staff's "일반" player preset (admin → 운영 설정 → PLAYER_LATENCY_PRESET): 3 s behind, no speed-up; for
# viewers on poor networks, at the cost of latency.
PLAYER_HLS_CONFIG_NORMAL = PLAYER_HLS_CONFIG | {
    "liveSyncDuration": 3.0,
    "liveMaxLatencyDuration": 6.0,
    "lowLatencyMode": False,
    "maxBufferLength": 10,
}
READY_TIMEOUT = 15.0


def callback_secret() -> str:
    """The secret in the callback URLs: only the media server, which has the rendered config, knows it."""
    # The salt keeps the module's old name: a new one would change the secret under running media servers.
    return (
        settings.LIVE_CALLBACK_SECRET or salted_hmac("apps.live.media_server", "callbacks").hexdigest()[:32]
    )


@dataclasses.dataclass
class MediaServer:
    """One nginx-rtmp instance: its directory (config, HLS, recordings) and addresses."""

    directory: Path
    rtmp_host: str = "127.0.0.1"
    rtmp_port: int = 1935
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    callback_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "warn"

    @classmethod
    def from_settings(cls, **overrides) -> "MediaServer":
        values = {
            "directory": Path(settings.LIVE_MEDIA_SERVER_DIR),
            "rtmp_host": settings.LIVE_MEDIA_SERVER_HOST,
            "rtmp_port": settings.LIVE_RTMP_PORT,
            "http_host": settings.LIVE_MEDIA_SERVER_HOST,
            "http_port": settings.LIVE_HLS_PORT,
            "callback_base_url": settings.LIVE_CALLBACK_BASE_URL,
        }
        return cls(**(values | overrides))

    @property
    def hls_dir(self) -> Path:
        return self.directory / "hls"

    @property
    def record_dir(self) -> Path:
        return self.directory / "rec"

    @property
    def config_path(self) -> Path:
        return self.directory / "nginx.conf"

    @property
    def ingest_url(self) -> str:
        """The local publish address (the demo stream, tests, bench); OBS uses settings.RTMP_INGEST_URL."""
        host = "127.0.0.1" if self.rtmp_host in ("0.0.0.0", "") else self.rtmp_host
        return f"rtmp://{host}:{self.rtmp_port}/{RTMP_APPLICATION}"

    @property
    def http_url(self) -> str:
        """The HTTP side as the site itself reaches it (statistics, HLS probes): settings' internal URL."""
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "") else self.http_host
        return f"http://{host}:{self.http_port}"

    @property
    def hls_base_url(self) -> str:
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "") else self.http_host
        return f"http://{host}:{self.http_port}/hls"

    def render(self) -> Path:
        """Write nginx.conf (and the directories it names) into the server's directory."""
        run_dir = self.directory / "run"
        for path in (self.hls_dir, self.record_dir, run_dir):
            path.mkdir(parents=True, exist_ok=True)
        values = {
            "user_directive": _user_directive(),
            "rtmp_module": settings.NGINX_RTMP_MODULE,
            "run_dir": run_dir,
            "log_level": self.log_level,
            "rtmp_listen": f"{self.rtmp_host}:{self.rtmp_port}",
            "http_listen": f"{self.http_host}:{self.http_port}",
            "callback_url": f"{self.callback_base_url.rstrip('/')}/live/media-server/{callback_secret()}",
            "hls_dir": self.hls_dir,
            "record_dir": self.record_dir,
            "media_dir": self.directory,
            "hls_fragment": HLS_FRAGMENT,
            "hls_playlist_length": HLS_PLAYLIST_LENGTH,
            "stat_allow": " ".join(f"allow {network};" for network in settings.LIVE_STAT_ALLOWED_NETWORKS),
        }
        text = (Path(settings.BASE_DIR) / TEMPLATE).read_text()
        for name, value in values.items():
            text = text.replace("{{ " + name + " }}", str(value))
        self.config_path.write_text(text)
        return self.config_path

    def command(self) -> list[str]:
        return [settings.NGINX_BINARY, "-p", str(self.directory), "-c", str(self.config_path)]

    def check(self) -> None:
        """``nginx -t`` on the rendered config; raises ``CalledProcessError`` with nginx's words."""
        subprocess.run([*self.command(), "-t", "-q"], check=True, capture_output=True, text=True)

    def start(self, **popen) -> subprocess.Popen:
        """Render, then start nginx in the foreground as a child process; returns once both ports answer."""
        self.render()
        process = subprocess.Popen(self.command(), **popen)
        self.wait_ready(process=process)
        return process

    def is_ready(self) -> bool:
        return port_open(self.rtmp_host, self.rtmp_port) and port_open(self.http_host, self.http_port)

    def wait_ready(self, *, process: subprocess.Popen | None = None, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self.is_ready():
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"nginx exited with {process.returncode}: see its output above")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the media server did not listen on {self.rtmp_port}/{self.http_port}")
            time.sleep(0.1)

    def clean(self) -> None:
        shutil.rmtree(self.hls_dir, ignore_errors=True)


def _user_directive() -> str:
    """nginx started as root would hand its workers to ``nobody``, who cannot write var/ or read the tests'
    temporary directories: keep them as the user running it."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def publish_url(*, ingest_url: str, public_name: str, key: str) -> str:
    """What OBS sends: server URL + stream key ``<public name>?key=<secret>``."""
    return f"{ingest_url.rstrip('/')}/{public_name}?key={key}"


def publisher_command(
    url: str,
    *,
    size: str = "640x360",
    extra_video_filter: str = "",
    duration: float = 0,
    keyframe_seconds: float = KEYFRAME_INTERVAL_SECONDS,
    video_kbps: int = 0,
) -> list[str]:
    """An ffmpeg test pattern with a 1 kHz tone, pushed in real time with the keyframe interval the media
    server's fragments need (INTEGRATIONS.md's publisher with ``-g`` = fps × fragment); ``video_kbps`` makes
    it constant-bitrate, as the README asks of OBS."""
    gop = str(round(PUBLISHER_FPS * keyframe_seconds))
    video = f"testsrc=size={size}:rate={PUBLISHER_FPS}"
    command = [settings.FFMPEG_BINARY, "-hide_banner", "-loglevel", "error", "-nostdin", "-re"]
    command += ["-f", "lavfi", "-i", video, "-f", "lavfi", "-i", "sine=frequency=1000"]
    if duration:
        command += ["-t", str(duration)]
    if extra_video_filter:
        command += ["-vf", extra_video_filter]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p"]
    command += ["-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-c:a", "aac", "-b:a", "96k"]
    if video_kbps:
        command += ["-b:v", f"{video_kbps}k", "-minrate", f"{video_kbps}k", "-maxrate", f"{video_kbps}k"]
        command += ["-bufsize", f"{video_kbps}k", "-x264-params", "nal-hrd=cbr"]
    command += ["-f", "flv", url]
    return command
