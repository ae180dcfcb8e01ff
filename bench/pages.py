"""Requests/s and p50/p99 of the catalog pages on the production-like ASGI server, beside a bare view.

    .venv/bin/python bench/pages.py                 # MariaDB + Redis, then the embedded defaults
    .venv/bin/python bench/pages.py --backend embedded --seconds 5
    .venv/bin/python bench/pages.py --backend mariadb --who both    # visitors, then a logged-in shopper

For each backend: load 2,000 demo products, start uvicorn (``--server daphne``: Channels' own) with
production settings (DEBUG off, ``bench.settings``), then drive /bench/bare, the main page, a category page
and product pages with 32 keep-alive clients (wrk, from Debian's packages) and print each page's figures, its ratio to the bare view and
the targets: cached main and product pages >= 50 % of the bare view's requests/s, p99 < 100 ms, and no
error response. The clients are anonymous, like most shoppers: no session, nothing written per view.

``--who member`` logs a shopper in (a session made by Django's login, with 3 lines in the cart and 10 hearted
products among those driven) and drives the same pages, the bare view too, with that session's cookie: the
ratio is to the bare view under the same cookie, and the targets are main, category and product pages >= 40 %
of it, p99 < 100 ms, no error. ``--who both`` runs visitors and then the member against the same server.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PRODUCTS = 2000
CLIENTS = 32
PORT = 8765
RATIO_TARGET = 0.5
MEMBER_RATIO_TARGET = 0.4
MEMBER_USERNAME = "bench-shopper"
P99_TARGET_MS = 100.0
MARIADB_URL = "mysql://trimarket:trimarket-dev-pw@127.0.0.1:3306/trimarket_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
# The production-like servers, one process each: daphne (Channels' own) and uvicorn (uvloop + httptools).
SERVERS = {
    "uvicorn": [
        str(ROOT / ".venv" / "bin" / "uvicorn"),
        "--host",
        "127.0.0.1",
        "--port",
        str(PORT),
        "--no-access-log",
        "--log-level",
        "warning",
        "trimarket.asgi:application",
    ],
    "daphne": [
        str(ROOT / ".venv" / "bin" / "daphne"),
        "-b",
        "127.0.0.1",
        "-p",
        str(PORT),
        "trimarket.asgi:application",
    ],
}
BACKENDS = {
    "mariadb": {"DATABASE_URL": MARIADB_URL, "REDIS_URL": REDIS_URL},
    "embedded": {"DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}", "REDIS_URL": ""},
}


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx responses and socket errors
    steal_percent: float  # CPU the hypervisor gave other machines meanwhile (above a few %, noisy figures)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _env(backend: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {key: value for key, value in BACKENDS[backend].items() if value}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-only-secret-key-9f8e7d6c5b4a39281726354453627180",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
        "PYTHONPATH": str(ROOT),
    }
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(backend: str) -> None:
    """wrk, the database, migrations, static files and the 2,000-product catalog (skipped when there)."""
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    subprocess.run(["bash", "-c", ". docker/dev/lib.sh && apt_ensure wrk"], cwd=ROOT, check=True)
    env = _env(backend)
    print(f"==> {backend}: database, migrations, static files, {PRODUCTS} products", flush=True)
    _manage(env, "database_ensure")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "catalog_demo", "--products", str(PRODUCTS), "--images", "1")


def discover(env: dict) -> dict[str, list[str]]:
    """The URLs to drive: a top category and a spread of product pages."""
    code = (
        "import django; django.setup();"
        "from apps.catalog.models import Product, Category;"
        "print(Category.objects.filter(depth=0).order_by('position').first().slug);"
        "print(' '.join(str(pk) for pk in Product.objects.filter(status='on_sale').order_by('pk')"
        ".values_list('pk', flat=True)[:400:8]))"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    slug, ids = out.stdout.strip().splitlines()[-2:]
    return {
        "bare view": ["/bench/bare"],
        "main page": ["/"],
        "category page": [f"/c/{slug}/"],
        "product page": [f"/p/{pk}/" for pk in ids.split()],
    }


# The shopper: a verified demo account, 3 cart lines, 10 hearts among the driven products; logged in through
# Django's own login (a session in the server's session store); the session cookie is the script's output.
MEMBER_SETUP = """
import django; django.setup()
from django.conf import settings
from django.test import Client
from apps.accounts.services import user_ensure_demo
from apps.catalog import services as catalog_services
from apps.catalog.models import Product, ProductOption, Wishlist
from apps.orders.models import CartItem
from apps.orders.services import cart_item_add
user = user_ensure_demo(username=%(username)r, password="bench-only-pw-7a1c", name="벤치쇼퍼")
ids = %(product_ids)r
for product in Product.objects.filter(pk__in=ids[:10]):
    if not Wishlist.objects.filter(user=user, product=product).exists():
        catalog_services.wishlist_toggle(user=user, product=product)
if not CartItem.objects.filter(cart__user=user).exists():
    for option in ProductOption.objects.filter(product_id__in=ids[-3:], stock__gt=0)[:3]:
        cart_item_add(user=user, option_id=option.pk, quantity=1)
client = Client()
client.force_login(user)
print("COOKIE", settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def member_cookie(env: dict, pages: dict[str, list[str]]) -> str:
    """Log the shopper in (with a cart and a wishlist); the ``Cookie`` header its requests carry."""
    product_ids = [int(path.strip("/").split("/")[-1]) for path in pages["product page"]]
    code = MEMBER_SETUP % {"username": MEMBER_USERNAME, "product_ids": product_ids}
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return out.stdout.split("COOKIE ", 1)[1].split()[0]


# wrk's Lua: each connection walks the page's URLs; at the end one JSON line with the figures.
WRK_SCRIPT = """
local paths = {%(paths)s}
local headers = {["Accept"] = "text/html"%(cookie)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p99": %%f, "non2xx": %%d, "socket": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def drive(paths: list[str], *, seconds: float, clients: int, cookie: str = "") -> Result:
    """``clients`` keep-alive connections from wrk (C, 2 threads): a load client light enough that the figures
    are the server's, not the client's (an asyncio client took most of a core on the same 2 cores)."""
    steal_before, started = _steal_seconds(), time.monotonic()
    script = ROOT / "var" / "bench" / "pages.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ", ".join(f'"{path}"' for path in paths),
            "cookie": f', ["Cookie"] = "{cookie}"' if cookie else "",
        }
    )
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ],
        capture_output=True,
        text=True,
    )
    steal = (_steal_seconds() - steal_before) / (time.monotonic() - started) / (os.cpu_count() or 1)
    if "RESULT " not in out.stdout:
        raise SystemExit(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    figures = json.loads(out.stdout.split("RESULT ", 1)[1].splitlines()[0])
    return Result(
        requests=figures["requests"],
        seconds=figures["seconds"],
        p50_ms=figures["p50"],
        p99_ms=figures["p99"],
        errors=figures["non2xx"] + figures["socket"],
        steal_percent=steal * 100,
    )


def _steal_seconds() -> float:
    """CPU time the hypervisor gave to other machines (all cores): /proc/stat's steal column."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK")


def _wait_until_up(deadline_seconds: float = 30) -> None:
    import urllib.request

    deadline = time.time() + deadline_seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/bare", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 30 s")


def run(backend: str, *, server_name: str, seconds: float, clients: int, who: list[str]) -> bool:
    prepare(backend)
    env = _env(backend)
    pages = discover(env)
    cookies = {"anonymous": "", "member": member_cookie(env, pages) if "member" in who else ""}
    server = subprocess.Popen(
        SERVERS[server_name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    results: dict[str, dict[str, Result]] = {}
    try:
        _wait_until_up()
        for name in who:
            # Warm the caches (category tree, main page, product details, the member's bag) and the threads.
            every = [path for paths in pages.values() for path in paths]
            drive(every, seconds=2, clients=4, cookie=cookies[name])
            results[name] = {
                page: drive(paths, seconds=seconds, clients=clients, cookie=cookies[name])
                for page, paths in pages.items()
            }
    finally:
        server.terminate()
        server.wait(timeout=10)
    outcomes = [
        report(backend, figures, server_name=server_name, clients=clients, who=name)
        for name, figures in results.items()
    ]
    return all(outcomes)


def report(backend: str, results: dict[str, Result], *, server_name: str, clients: int, who: str) -> bool:
    bare = results["bare view"].rps
    ok = True
    member = who == "member"
    ratio_target = MEMBER_RATIO_TARGET if member else RATIO_TARGET
    gated = ("main page", "category page", "product page") if member else ("main page", "product page")
    print(
        f"\n{backend}, {who}{' (logged-in shopper: cart, wishlist)' if member else ''}: {PRODUCTS} products, "
        f"{clients} concurrent keep-alive clients, {server_name}, DEBUG off"
    )
    print(
        f"{'page':<15}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'steal %':>8}{'vs bare':>9}  target"
    )
    for name, result in results.items():
        ratio = result.rps / bare if bare else 0.0
        targets = [f"p99 < {P99_TARGET_MS:.0f} ms", "no error"]
        met = result.p99_ms < P99_TARGET_MS and result.errors == 0
        if name in gated:
            targets.insert(0, f">= {ratio_target:.0%} of bare")
            met = met and ratio >= ratio_target
        ok = ok and met
        print(
            f"{name:<15}{result.rps:>9.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}"
            f"{result.errors:>8}{result.steal_percent:>8.1f}{ratio:>9.0%}  {', '.join(targets)}: "
            f"{'met' if met else 'MISSED'}"
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--seconds", type=float, default=8.0, help="per page")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--server", choices=[*SERVERS], default="uvicorn")
    parser.add_argument(
        "--who",
        choices=["anonymous", "member", "both"],
        default="anonymous",
        help="both: one after the other",
    )
    args = parser.parse_args()
    backends = list(BACKENDS) if args.backend == "both" else [args.backend]
    who = ["anonymous", "member"] if args.who == "both" else [args.who]
    outcomes = [
        run(backend, server_name=args.server, seconds=args.seconds, clients=args.clients, who=who)
        for backend in backends
    ]
    print("\nall targets met" if all(outcomes) else "\nsome targets missed")
    sys.exit(0 if all(outcomes) else 1)


if __name__ == "__main__":
    main()
