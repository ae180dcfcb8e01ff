"""Lighthouse scores of the shop's main pages, mobile, beside the targets.

    .venv/bin/python bench/lighthouse.py                        # every page, 3 runs each
    .venv/bin/python bench/lighthouse.py --pages main,checkout --runs 5
    .venv/bin/python bench/lighthouse.py --root ../other-checkout    # another build, same Lighthouse

Loads the demo data (``manage.py demo``) into its own SQLite database, collects the static files, starts uvicorn
with production settings (``bench/lighthouse_settings.py``: DEBUG off, hashed and compressed static files,
the uploaded pictures served as nginx would), the media server (nginx-rtmp) with ffmpeg pushing the demo
broadcast's test pattern (``manage.py media_server`` and ``live_demo_stream``, as `make run`: the live room and
the host's console play real video) and runs
Lighthouse 12 (npm devDependency, on Node) with Debian's Chromium, mobile with simulated throttling, ``--runs``
times per page: the main page, a category, a product, the live list, the live room, checkout (the demo
shopper, logged in: a session cookie sent with ``--extra-headers``), the seller center dashboard and the host's
studio console (the demo seller). It prints the median Performance, Accessibility, Best Practices and SEO
scores, LCP, CLS and the bytes transferred, and the targets: every score >= 95, LCP <= 2.5 s, CLS <= 0.05.
The JSON reports stay in the measured checkout's var/bench/lighthouse/. Installs Debian's fonts-noto-cjk first:
the emulated phone's Korean font, which the first frame is set in before Pretendard arrives.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8767
RTMP_PORT = 19357
HLS_PORT = 18767
ATTEMPTS = 3
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As apps/conftest.py launches it, headless the new way.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SCORE_TARGET = 95
LCP_TARGET_S = 2.5
CLS_TARGET = 0.05
PAGES = ("main", "category", "product", "live list", "live room", "checkout", "seller center", "host console")
SHOPPER, SELLER = "shopper", "seller"

# The pages' URLs and the demo shopper's and seller's session cookies. The shopper gets a cart line so that
# checkout has something to show; demo.py gives them a default address.
DISCOVER = """
import json
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from apps.catalog.models import Category, Product, ProductOption
from apps.live.models import Broadcast
from apps.live.services.broadcasts import broadcast_publish_start
from apps.orders.models import CartItem
from apps.orders.services import cart_item_add
users = get_user_model().objects
shopper, seller = users.get(username=%(shopper)r), users.get(username=%(seller)r)
product = Product.objects.filter(status="on_sale").order_by("pk").first()
category = Category.objects.filter(depth=0).order_by("position").first()
broadcast = Broadcast.objects.filter(status__in=["live", "scheduled"], seller=seller).order_by("status", "pk").first()
if broadcast.status != "live":
    # What the media server's publish callback does when the demo stream starts (no stream plays here).
    broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
if not CartItem.objects.filter(cart__user=shopper).exists():
    option = ProductOption.objects.filter(product__status="on_sale", stock__gt=0).order_by("pk").first()
    cart_item_add(user=shopper, option_id=option.pk, quantity=1)
cookies = {}
for user in (shopper, seller):
    client = Client()
    client.force_login(user)
    cookies[user.username] = settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value
print("DISCOVERED " + json.dumps({
    "main": ["/", ""],
    "category": [category.get_absolute_url(), ""],
    "product": [product.get_absolute_url(), ""],
    "live list": ["/live/", ""],
    "live room": [f"/live/{broadcast.pk}/", ""],
    "checkout": ["/checkout/", cookies[%(shopper)r]],
    "seller center": ["/seller/", cookies[%(seller)r]],
    "host console": [f"/live/{broadcast.pk}/studio/", cookies[%(seller)r]],
}))
"""


def _env(root: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        # A checkout from before this bench has no settings of its own: its pictures then go unserved.
        "DJANGO_SETTINGS_MODULE": "bench.lighthouse_settings"
        if (root / "bench" / "lighthouse_settings.py").exists()
        else "bench.settings",
        "DATABASE_URL": f"sqlite:///{root / 'var' / 'bench' / 'lighthouse.sqlite3'}",
        "SECRET_KEY": "bench-only-secret-key-9f8e7d6c5b4a39281726354453627180",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(root / "var" / "bench" / "media"),
        "PYTHONPATH": str(root),
        # The live room plays the demo stream from the bench's own media server, which calls this server back.
        "LIVE_CALLBACK_BASE_URL": f"http://127.0.0.1:{PORT}",
        "LIVE_MEDIA_SERVER_DIR": str(root / "var" / "bench" / "media-server"),
        "LIVE_RTMP_PORT": str(RTMP_PORT),
        "LIVE_HLS_PORT": str(HLS_PORT),
        "RTMP_INGEST_URL": f"rtmp://127.0.0.1:{RTMP_PORT}/live",
        "HLS_BASE_URL": f"http://127.0.0.1:{HLS_PORT}/hls",
        "LIVE_MEDIA_SERVER_INTERNAL_URL": f"http://127.0.0.1:{HLS_PORT}",
    }
    return env


def prepare(root: Path, *, reuse: bool) -> dict[str, tuple[str, str]]:
    """Database, migrations, static files and demo data of the checkout at ``root`` (``reuse``: as a previous
    run left them); the pages to measure."""
    for directory in ("bench/lighthouse", "sessions"):
        (root / "var" / directory).mkdir(parents=True, exist_ok=True)
    env = _env(root)
    python = str(root / ".venv" / "bin" / "python")
    steps = (
        [] if reuse else [["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["demo"]]
    )
    print(f"==> {root}: {'as the previous run left it' if reuse else 'migrations, static files, demo data'}")
    log = root / "var" / "bench" / "lighthouse" / "prepare.log"
    with log.open("w") as output:
        for args in steps:
            # The demo's orders try the PG sandbox, which is not running: its retries go to the log.
            done = subprocess.run(
                [python, "manage.py", *args], cwd=root, env=env, stdout=output, stderr=output
            )
            if done.returncode:
                raise SystemExit(f"manage.py {' '.join(args)} failed; see {log}")
    code = DISCOVER % {"shopper": SHOPPER, "seller": SELLER}
    out = subprocess.run([python, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    if out.returncode or "DISCOVERED " not in out.stdout:
        raise SystemExit(f"finding the pages failed:\n{out.stderr[-3000:]}")
    return {name: tuple(value) for name, value in json.loads(out.stdout.split("DISCOVERED ", 1)[1]).items()}


def _wait_until_up(deadline_seconds: float = 60) -> None:
    deadline = time.time() + deadline_seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {deadline_seconds:.0f} s")


def lighthouse(url: str, *, cookie: str, report: Path) -> dict:
    """One Lighthouse run (mobile, simulated throttling); the figures this bench prints."""
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise SystemExit("Lighthouse is missing: `make setup` installs it (package.json devDependencies)")
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        "--max-wait-for-load=60000",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    for attempt in range(1, ATTEMPTS + 1):
        done = subprocess.run(command, cwd=ROOT, env=os.environ | {"CHROME_PATH": CHROMIUM}, timeout=300)
        if done.returncode == 0:
            break
        # On a busy machine Chromium now and then loses the trace (NO_NAVSTART): the run is taken again.
        if attempt == ATTEMPTS:
            raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}")
    data = json.loads(report.read_text())
    audits = data["audits"]
    return {
        **{name: round((data["categories"][name]["score"] or 0) * 100) for name in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kib": audits["total-byte-weight"]["numericValue"] / 1024,
        "final_url": data.get("finalDisplayedUrl") or data.get("finalUrl", ""),
    }


def measure(root: Path, *, pages: list[str], runs: int, reuse: bool) -> dict[str, list[dict]]:
    urls = prepare(root, reuse=reuse)
    env = _env(root)
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"port {PORT} is taken: another server would be measured")
    server = subprocess.Popen(
        [
            str(root / ".venv" / "bin" / "uvicorn"),
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--no-access-log",
            "--log-level",
            "warning",
            "trimarket.asgi:application",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        # The demo orders' events retry against the PG sandbox, which is not running: noise for this bench.
        stderr=(root / "var" / "bench" / "lighthouse" / "server.log").open("w"),
    )
    # As `make run` does: the media server (nginx-rtmp) and ffmpeg pushing the demo broadcast's test pattern.
    media_log = (root / "var" / "bench" / "lighthouse" / "media.log").open("w")
    media = [
        subprocess.Popen(
            [str(root / ".venv" / "bin" / "python"), "manage.py", command],
            cwd=root,
            env=env,
            stdout=media_log,
            stderr=media_log,
        )
        for command in ("media_server", "live_demo_stream")
    ]
    results: dict[str, list[dict]] = {}
    try:
        _wait_until_up()
        _wait_for_stream(root)
        for name in pages:
            path, cookie = urls[name]
            url = f"http://127.0.0.1:{PORT}{path}"
            urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=30).read()
            results[name] = []
            for run in range(runs):
                report = root / "var" / "bench" / "lighthouse" / f"{name.replace(' ', '-')}-{run + 1}.json"
                figures = lighthouse(url, cookie=cookie, report=report)
                if not figures["final_url"].endswith(path):
                    raise SystemExit(f"{name}: Lighthouse landed on {figures['final_url']}, not {path}")
                results[name].append(figures)
                print(
                    f"  {name} run {run + 1}: perf {figures['performance']}, LCP {figures['lcp']:.2f} s, "
                    f"CLS {figures['cls']:.3f}",
                    flush=True,
                )
    finally:
        for process in (*media, server):
            process.terminate()
            process.wait(timeout=15)
        media_log.close()
    return results


def _wait_for_stream(root: Path, deadline_seconds: float = 60) -> None:
    """Until the demo broadcast's playlist has segments (its page then plays at once)."""
    deadline = time.time() + deadline_seconds
    while time.time() < deadline:
        for playlist in (root / "var" / "bench" / "media-server" / "hls").glob("*/index.m3u8"):
            text = playlist.read_text(errors="replace")
            if ".ts" in text or ".m4s" in text:
                return
        time.sleep(0.5)
    raise SystemExit(
        f"the demo stream did not start within {deadline_seconds:.0f} s (var/bench/lighthouse/media.log)"
    )


def report(results: dict[str, list[dict]], *, runs: int) -> bool:
    print(f"\nLighthouse 12, mobile, simulated throttling: median of {runs} runs per page")
    print(f"{'page':<15}{'Perf':>6}{'A11y':>6}{'BP':>6}{'SEO':>6}{'LCP s':>8}{'CLS':>8}{'KiB':>7}  targets")
    ok = True
    for name, figures in results.items():
        median = {
            key: statistics.median(run[key] for run in figures) for key in (*CATEGORIES, "lcp", "cls", "kib")
        }
        labels = dict(zip(CATEGORIES, ("Perf", "A11y", "BP", "SEO"), strict=True))
        missed = [labels[key] for key in CATEGORIES if median[key] < SCORE_TARGET]
        if median["lcp"] > LCP_TARGET_S:
            missed.append("LCP")
        if median["cls"] > CLS_TARGET:
            missed.append("CLS")
        ok = ok and not missed
        print(
            f"{name:<15}"
            + "".join(f"{median[key]:>6.0f}" for key in CATEGORIES)
            + f"{median['lcp']:>8.2f}{median['cls']:>8.3f}{median['kib']:>7.0f}  "
            + ("met" if not missed else "MISSED " + ", ".join(missed))
        )
    print(f"targets: every score >= {SCORE_TARGET}, LCP <= {LCP_TARGET_S} s, CLS <= {CLS_TARGET}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of: {', '.join(PAGES)}")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server is measured")
    parser.add_argument("--reuse", action="store_true", help="the database and static files of the last run")
    args = parser.parse_args()
    pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)}")
    # The emulated phone's own Korean font (Android ships Noto Sans CJK): the first frame is set in it, scaled to
    # Pretendard (templates/components/fonts.html). Without it Hangul falls to whatever this machine has.
    subprocess.run(["bash", "-c", ". docker/dev/lib.sh && apt_ensure fonts-noto-cjk"], cwd=ROOT, check=True)
    results = measure(args.root.resolve(), pages=pages, runs=args.runs, reuse=args.reuse)
    ok = report(results, runs=args.runs)
    print("\nall targets met" if ok else "\nsome targets missed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
