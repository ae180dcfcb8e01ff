"""The studio's stream health: what the host's encoder really sends, measured on the media server and held
against the OBS settings the README gives (README → "Going live from OBS").

- Bitrate, frame rate, resolution and audio come from nginx-rtmp's statistics (``rtmp_stat all`` at
  ``/stat``, reachable from loopback and the app's network only): per stream ``bw_video``/``bw_audio`` in
  bits per second (averaged by nginx over 10 s, so 0 in a stream's first seconds), and the encoder's
  ``meta`` (``video``: width, height, frame_rate, codec; ``audio``: codec, sample_rate, channels).
- The keyframe interval is not in the statistics. The HLS fragments show it: nginx cuts a fragment at the
  first keyframe after 0.5 s, so a fragment lasts one keyframe interval when it is 0.5 s or longer; counting
  the keyframes in the latest fragments (ffprobe, keyframes only) covers shorter intervals too.

Every measurement is a read with short timeouts; a media server that does not answer gives ``None``, never
an error page. Results are cached a few seconds per broadcast, so a studio polling every 5 s costs one probe.
"""

import dataclasses
import logging
import re
import subprocess
import xml.etree.ElementTree as ElementTree

import requests
from django.conf import settings
from django.core.cache import cache

from apps.live.media.server import KEYFRAME_INTERVAL_SECONDS, PUBLISHER_FPS, RTMP_APPLICATION

logger = logging.getLogger(__name__)

STAT_PATH = "/stat"
HTTP_TIMEOUT = 1.0
FFPROBE_TIMEOUT = 5.0
CACHE_SECONDS = 4
FRAGMENTS_PROBED = 2
# What the README tells OBS: CBR 2,500–4,000 Kbps, 30 fps, keyframes every 0.5 s, AAC audio, 1280×720.
VIDEO_KBPS_MIN, VIDEO_KBPS_MAX = 2500, 4000
# nginx averages over 10 s, so a CBR encoder reads a little off its setting: this much either way is fine.
BITRATE_SLACK = 0.1
FPS_SLACK = 1.0
KEYFRAME_SLACK_SECONDS = 0.1
AUDIO_CODEC = "AAC"
AUDIO_SAMPLE_RATES = (44100, 48000)
MIN_HEIGHT = 720
# Before this many milliseconds of a stream nginx has no bitrate average yet.
BANDWIDTH_WINDOW_MS = 10_000


@dataclasses.dataclass(frozen=True)
class Measure:
    """One figure of the stream: its value as shown, and what to change in OBS when it is off (else "")."""

    key: str
    label: str
    value: str
    warning: str = ""

    @property
    def ok(self) -> bool:
        return not self.warning


@dataclasses.dataclass(frozen=True)
class StreamHealth:
    """The stream as measured now; ``publishing`` is False when the media server has no publisher for it."""

    publishing: bool
    measures: tuple[Measure, ...] = ()

    @property
    def warnings(self) -> list[str]:
        return [measure.warning for measure in self.measures if measure.warning]

    @property
    def ok(self) -> bool:
        return self.publishing and not self.warnings

    def as_dict(self) -> dict:
        return {
            "publishing": self.publishing,
            "ok": self.ok,
            "measures": [dataclasses.asdict(m) | {"ok": m.ok} for m in self.measures],
            "warnings": self.warnings,
        }


def _number(node, path: str) -> float:
    text = node.findtext(path) if node is not None else None
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


def stream_stats(xml_text: str, *, public_name: str) -> dict | None:
    """The figures of one stream in nginx-rtmp's statistics XML (None when it is not there or not published)."""
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError:
        return None
    for application in root.iter("application"):
        if application.findtext("name") != RTMP_APPLICATION:
            continue
        for stream in application.iter("stream"):
            if stream.findtext("name") != public_name:
                continue
            if stream.find("publishing") is None:
                return None
            meta = stream.find("meta")
            video = meta.find("video") if meta is not None else None
            audio = meta.find("audio") if meta is not None else None
            return {
                "time_ms": _number(stream, "time"),
                "video_kbps": _number(stream, "bw_video") / 1000,
                "audio_kbps": _number(stream, "bw_audio") / 1000,
                "width": int(_number(video, "width")),
                "height": int(_number(video, "height")),
                "frame_rate": _number(video, "frame_rate"),
                "video_codec": (video.findtext("codec") or "") if video is not None else "",
                "audio_codec": (audio.findtext("codec") or "") if audio is not None else "",
                "sample_rate": int(_number(audio, "sample_rate")),
                "channels": int(_number(audio, "channels")),
            }
    return None


def _fragments(playlist: str) -> list[tuple[float, str]]:
    """(duration, name) of each fragment listed in a media playlist."""
    listed, duration = [], None
    for line in playlist.splitlines():
        if line.startswith("#EXTINF:"):
            match = re.match(r"#EXTINF:([\d.]+)", line)
            duration = float(match.group(1)) if match else None
        elif line and not line.startswith("#") and duration is not None:
            listed.append((duration, line.strip()))
            duration = None
    return listed


def _keyframes_in(url: str) -> int:
    command = [settings.FFPROBE_BINARY, "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey"]
    command += ["-show_entries", "frame=key_frame", "-of", "csv=p=0", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=FFPROBE_TIMEOUT)
    return sum(1 for line in result.stdout.splitlines() if line.strip().startswith("1"))


def keyframe_interval(*, base_url: str, public_name: str) -> float | None:
    """Seconds between keyframes, from the latest HLS fragments (None when there are none to read)."""
    hls = f"{base_url.rstrip('/')}/hls/{public_name}"
    try:
        response = requests.get(f"{hls}/index.m3u8", timeout=HTTP_TIMEOUT)
        if response.status_code != 200:
            return None
        latest = _fragments(response.text)[-FRAGMENTS_PROBED:]
        seconds = sum(duration for duration, _name in latest)
        keyframes = sum(_keyframes_in(f"{hls}/{name}") for _duration, name in latest)
    except (requests.RequestException, OSError, subprocess.TimeoutExpired) as exc:
        logger.info("keyframe interval of %s not measured: %s", public_name, exc)
        return None
    if not latest:
        return None
    # No keyframe at all in a fragment: nginx had to cut it without one (interval longer than the fragment).
    return seconds / keyframes if keyframes else seconds


def _bitrate(stats: dict) -> Measure:
    label = "영상 비트레이트"
    if stats["time_ms"] < BANDWIDTH_WINDOW_MS or not stats["video_kbps"]:
        return Measure("bitrate", label, "측정 중…")
    kbps = stats["video_kbps"]
    value = f"{kbps:,.0f}Kbps"
    low, high = VIDEO_KBPS_MIN * (1 - BITRATE_SLACK), VIDEO_KBPS_MAX * (1 + BITRATE_SLACK)
    if kbps < low:
        return Measure(
            "bitrate",
            label,
            value,
            f"비트레이트가 낮아요 ({value}). OBS 출력에서 CBR {VIDEO_KBPS_MIN:,}–{VIDEO_KBPS_MAX:,}Kbps로 "
            "맞춰 주세요. 낮으면 화면이 뭉개져요.",
        )
    if kbps > high:
        return Measure(
            "bitrate",
            label,
            value,
            f"비트레이트가 높아요 ({value}). OBS 출력에서 CBR {VIDEO_KBPS_MAX:,}Kbps 이하로 낮춰 주세요. "
            "시청자 화면이 자주 멈출 수 있어요.",
        )
    return Measure("bitrate", label, value)


def _frame_rate(stats: dict) -> Measure:
    fps = stats["frame_rate"]
    if not fps:
        return Measure(
            "frame_rate",
            "프레임 레이트",
            "알 수 없음",
            "인코더가 프레임 레이트를 알리지 않아요. OBS 영상 설정에서 30fps로 맞춰 주세요.",
        )
    value = f"{fps:g}fps"
    if abs(fps - PUBLISHER_FPS) > FPS_SLACK:
        return Measure(
            "frame_rate",
            "프레임 레이트",
            value,
            f"프레임 레이트가 {value}예요. OBS 설정 → 영상에서 공통 FPS 값을 {PUBLISHER_FPS}로 맞춰 주세요.",
        )
    return Measure("frame_rate", "프레임 레이트", value)


def _keyframe(seconds: float | None) -> Measure:
    label = "키프레임 간격"
    if seconds is None:
        return Measure("keyframe", label, "측정 중…")
    value = f"{seconds:.1f}초"
    if seconds > KEYFRAME_INTERVAL_SECONDS + KEYFRAME_SLACK_SECONDS:
        keyint = round(PUBLISHER_FPS * KEYFRAME_INTERVAL_SECONDS)
        return Measure(
            "keyframe",
            label,
            value,
            f"키프레임 간격이 {value}예요. OBS x264 옵션에 keyint={keyint} min-keyint={keyint} scenecut=0을 넣어 "
            f"{KEYFRAME_INTERVAL_SECONDS:g}초로 맞춰 주세요. 간격만큼 시청자 지연이 늘어요.",
        )
    return Measure("keyframe", label, value)


def _audio(stats: dict) -> Measure:
    codec, rate = stats["audio_codec"], stats["sample_rate"]
    if not codec:
        return Measure(
            "audio",
            "오디오",
            "없음",
            "오디오가 들어오지 않아요. OBS에서 마이크와 오디오 인코더(AAC)를 확인해 주세요.",
        )
    parts = [codec]
    if rate:
        parts.append(f"{rate / 1000:g}kHz")
    if stats["audio_kbps"] and stats["time_ms"] >= BANDWIDTH_WINDOW_MS:
        parts.append(f"{stats['audio_kbps']:,.0f}Kbps")
    value = " · ".join(parts)
    if codec.upper() != AUDIO_CODEC:
        return Measure(
            "audio",
            "오디오",
            value,
            f"오디오 코덱이 {codec}예요. OBS 출력의 오디오 인코더를 AAC로 바꿔 주세요.",
        )
    if rate and rate not in AUDIO_SAMPLE_RATES:
        return Measure(
            "audio",
            "오디오",
            value,
            "오디오 샘플 레이트를 48kHz로 맞춰 주세요 (OBS 설정 → 오디오 → 샘플 레이트).",
        )
    return Measure("audio", "오디오", value)


def _resolution(stats: dict) -> Measure:
    width, height = stats["width"], stats["height"]
    if not height:
        return Measure("resolution", "해상도", "알 수 없음")
    value = f"{width}×{height}"
    if height < MIN_HEIGHT:
        return Measure(
            "resolution",
            "해상도",
            value,
            f"해상도가 {value}예요. OBS 설정 → 영상에서 출력 해상도를 1280×720으로 맞춰 주세요.",
        )
    return Measure("resolution", "해상도", value)


def measure(*, public_name: str, base_url: str) -> StreamHealth | None:
    """Measure one stream now (no cache); None when the media server does not answer."""
    try:
        response = requests.get(f"{base_url.rstrip('/')}{STAT_PATH}", timeout=HTTP_TIMEOUT)
        response.raise_for_status()
    except requests.RequestException as exc:
        logger.info("media server statistics unreachable: %s", exc)
        return None
    if "<rtmp>" not in response.text:
        logger.warning("%s%s does not answer nginx-rtmp's statistics", base_url, STAT_PATH)
        return None
    stats = stream_stats(response.text, public_name=public_name)
    if stats is None:
        return StreamHealth(publishing=False)
    interval = keyframe_interval(base_url=base_url, public_name=public_name)
    return StreamHealth(
        publishing=True,
        measures=(
            _bitrate(stats),
            _frame_rate(stats),
            _keyframe(interval),
            _audio(stats),
            _resolution(stats),
        ),
    )


def stream_health(*, public_name: str) -> StreamHealth | None:
    """The stream's health, measured at most every few seconds however many studio tabs ask."""
    key = f"live:health:{public_name}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    health = measure(public_name=public_name, base_url=settings.LIVE_MEDIA_SERVER_INTERNAL_URL)
    # An unreachable server is cached too (as False), so a down media server is not asked on every poll.
    cache.set(key, health or False, CACHE_SECONDS)
    return health
