"""A live drop: a full room chatting, the host pins a product at a live price, hundreds press 바로 구매 at once.

    .venv/bin/python bench/live_drop.py                               # 2,000 viewers, 500 buyers, 10 runs
    .venv/bin/python bench/live_drop.py --viewers 500 --buyers 200 --runs 3

The app runs as in production (``bench/chat_settings.py``: ``trimarket.settings.serving``, DEBUG off) in 2
uvicorn processes on MariaDB + Redis, the room's bus on Redis pub/sub. The viewers are STOMP clients over
WebSocket in 2 Node.js load processes (``bench/chat_viewers.mjs`` in its drop mode: chat and the room's events),
10 moderators chat at 20 messages/s (``bench/chat_fanout.py``'s senders). Each run:

1. the host (the seller, logged in) adds a new 50-unit product to the broadcast at a live price and pins it,
   through the studio's own forms (POST …/studio/products/, then …/studio/products/<item>/pin/);
2. a second later the buyers (logged in, session and CSRF cookies as the page has them, each from its own
   address as the gateway reports it) press 바로 구매 within one second: POST /live/<id>/buy/, the request the
   pinned card's button sends (201 a hold, 409 refused: sold out);
3. the room tells every viewer the product sold out: the stock event (``"type":"stock"``, ``"sold_out":true``)
   on ``/topic/live.<id>.events``, which turns the card's button into 품절.

Printed per run: holds made (201 answers, and the holds in the database), oversold (units held beyond the
stock), 5xx answers, the chat's p99 send-to-receive for the messages sent from the drop's start until a second
after it ended, and how long after the last hold's answer the last viewer heard 품절; then the targets: in every
run holds == stock, 0 oversold, 0 5xx, chat p99 ≤ 100 ms and every viewer sold out within 1 s. Stops every
process it started, however it ends.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import chat_fanout, flash_sale  # noqa: E402

PYTHON = sys.executable
PORTS = (8781, 8782)
DATABASE_URL = "mysql://trimarket:trimarket-dev-pw@127.0.0.1:3306/trimarket_live_drop"
REDIS_URL = "redis://127.0.0.1:6379/11"
STOCK = 50
LIST_PRICE, SALE_PRICE, LIVE_PRICE = 59000, 49000, 29000
RATE = 20
SENDERS = 10
# Seconds of chat counted per run (after chat_fanout's warm-up): the pin 1 s in, the drop 1 s later.
CHAT_SECONDS = 8
PIN_AT, DROP_AT = 1.0, 2.0
CHAT_P99_TARGET_MS = 100.0
SOLD_OUT_TARGET_S = 1.0

SETUP = r"""
import datetime, json, sys, time, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cache import SessionStore
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken
from apps.accounts.middleware import REFRESHED_KEY
from apps.accounts.models import User
from apps.catalog.models import Category
from apps.live.models import Broadcast
from apps.live.room import services as room_services
from apps.live.services import broadcasts
from apps.sellers.models import Seller
from apps.sellers.tests.factories import business_number_for
buyers, senders = int(sys.argv[1]), int(sys.argv[2])

def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[REFRESHED_KEY] = int(time.time())  # the room's page was just loaded
    session.create()
    return session.session_key

host, _ = User.objects.get_or_create(username="drop-host", defaults={"name": "드롭셀러", "is_seller": True})
if not Seller.objects.filter(user=host).exists():
    Seller.objects.create(user=host, business_name="드롭상회", representative="김드롭",
        business_number=business_number_for(90_000), mail_order_number="2026-서울성동-09000",
        address="서울 성동구 성수이로 100", phone="02-123-4567", email="drop@example.com", bank="KB",
        account_number="123-45-678901", account_holder="김드롭", status=Seller.Status.APPROVED)
category = Category.objects.filter(slug="live-drop").first() or Category.objects.create(name="라이브 드롭", slug="live-drop")
broadcast = Broadcast.objects.filter(seller=host).first() or broadcasts.broadcast_create(
    seller=host, title="라이브 드롭 벤치", category=category, scheduled_at=timezone.now())
Broadcast.objects.filter(pk=broadcast.pk).update(status="live", started_at=timezone.now())
tokens = []
for n in range(senders):
    user, _ = User.objects.get_or_create(username=f"drop-sender{n}", defaults={"name": f"보내는이{n}"})
    room_services.broadcast_moderator_set(broadcast=broadcast, user=user, actor=host)
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=datetime.timedelta(hours=3))
    tokens.append(str(token))
password = make_password("drop1234!")
existing = set(User.objects.filter(username__startswith="drop-buyer").values_list("username", flat=True))
User.objects.bulk_create([User(username=f"drop-buyer{i:04d}", name=f"구매자{i}", email=f"drop{i}@example.com",
    password=password) for i in range(buyers) if f"drop-buyer{i:04d}" not in existing])
sessions = [session_for(u) for u in User.objects.filter(username__startswith="drop-buyer").order_by("username")[:buyers]]
print(json.dumps({"broadcast": broadcast.pk, "category": category.pk, "tokens": tokens, "host": session_for(host),
                  "sessions": sessions}))
"""

# Each run's product; the holds of the run before are given back (a member may keep only a few open).
PRODUCT = r"""
import json, sys, django
django.setup()
from apps.catalog import services
from apps.catalog.models import Category
from apps.orders.models import StockHold
from apps.orders.services import stock_hold_release
from apps.sellers.models import Seller
for hold_id in StockHold.objects.filter(user__username__startswith="drop-buyer", state="held").values_list("pk", flat=True):
    stock_hold_release(hold_id=hold_id)
stock, list_price, sale_price, run = (int(a) for a in sys.argv[1:5])
product = services.product_create(seller=Seller.objects.get(user__username="drop-host"),
    category=Category.objects.get(slug="live-drop"), name=f"라이브 드롭 니트 {run}", list_price=list_price,
    sale_price=sale_price)
option = services.option_create(product=product, name="FREE", stock=stock)
print(json.dumps({"product": product.pk, "option": option.pk}))
"""

REPORT = r"""
import json, sys, django
django.setup()
from django.db.models import Sum
from apps.catalog.models import ProductOption
from apps.orders.models import StockHold
option = ProductOption.objects.get(pk=int(sys.argv[1]))
held = StockHold.objects.filter(option=option).exclude(state="released")
print(json.dumps({"stock_left": option.stock, "holds": held.count(),
                  "units": held.aggregate(n=Sum("quantity"))["n"] or 0}))
"""


def _django(code: str, *args) -> dict:
    out = subprocess.run(
        [PYTHON, "-c", code, *map(str, args)], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _env() -> dict:
    return flash_sale._env() | {
        "DJANGO_SETTINGS_MODULE": "bench.chat_settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "live-drop-bench-only-secret-key-7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f",
    }


def percentile_ms(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of millisecond values; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def sold_out_after(last_hold_at: float, heard_at_ms: list[float]) -> float | None:
    """Seconds from the last hold's answer to the last viewer hearing 품절 (wall clock; 0 in ``heard_at_ms``
    is a viewer that never heard it: then None). Negative when every viewer heard before that answer came."""
    if not heard_at_ms or not all(heard_at_ms):
        return None
    return max(heard_at_ms) / 1000 - last_hold_at


async def _buyer(number, session_key, path, form, delay, stats) -> None:
    csrf = secrets.token_hex(16)
    headers = {
        "X-CSRFToken": csrf,
        "X-Requested-With": "fetch",
        "Accept": "application/json",
        # Each buyer is its own shopper behind the gateway (uvicorn takes the address from the loopback proxy).
        "X-Forwarded-For": f"127.3.{number // 250}.{number % 250 + 1}",
    }
    await asyncio.sleep(delay)
    began = time.perf_counter()
    status, _headers, body = await flash_sale._http(
        PORTS[number % len(PORTS)], "POST", path, form=form,
        cookies={"sessionid": session_key, "csrftoken": csrf}, headers=headers,
    )  # fmt: skip
    stats["answers"].append(time.perf_counter() - began)
    stats["statuses"][status] = stats["statuses"].get(status, 0) + 1
    if status == 201:
        stats["holds"] += 1
        stats["last_hold_at"] = max(stats["last_hold_at"], time.time())
    elif status not in (409,):
        code = ""
        with contextlib.suppress(ValueError):
            code = json.loads(body).get("code", "")
        stats["other"][f"{status} {code}"] = stats["other"].get(f"{status} {code}", 0) + 1
    stats["answered_at"] = max(stats["answered_at"], time.time())


async def _host(setup: dict, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
    csrf = secrets.token_hex(16)
    return await flash_sale._http(
        PORTS[0], method, path, form=form, cookies={"sessionid": setup["host"], "csrftoken": csrf},
        headers={"X-CSRFToken": csrf},
    )  # fmt: skip


async def _drop(setup: dict, product: dict, buyers: int, run: int, viewers: list) -> dict:
    broadcast = setup["broadcast"]
    # 1. The host puts the product on air at its live price (the studio's form), and finds its item.
    status, _h, _b = await _host(setup, "POST", f"/live/{broadcast}/studio/products/",
                                 {"product": product["product"], "live_price": LIVE_PRICE})  # fmt: skip
    _s, _h, page = await _host(setup, "GET", f"/live/{broadcast}/studio/")
    items = [int(n) for n in re.findall(rf"/live/{broadcast}/studio/products/(\d+)/pin/", page)]
    if status != 302 or not items:
        raise SystemExit(f"the host could not add the product (answer {status})")
    item = max(items)
    tag = f"r{run}{secrets.token_hex(3)}"
    for loader in viewers:
        loader.stdin.write(f"go {tag} {item}\n")
        loader.stdin.flush()
    urls = [f"ws://127.0.0.1:{port}/ws/live/{broadcast}/" for port in PORTS]
    chat = asyncio.create_task(
        chat_fanout._senders(urls, broadcast, setup["tokens"], tag, RATE, CHAT_SECONDS)
    )
    await asyncio.sleep(chat_fanout.WARMUP_SECONDS + PIN_AT)
    # 2. The pin: every viewer's card shows the product (the studio's pin button).
    status, _h, _b = await _host(
        setup, "POST", f"/live/{broadcast}/studio/products/{item}/pin/", {"back": "console"}
    )
    pinned = status == 302
    await asyncio.sleep(DROP_AT - PIN_AT)
    # 3. The drop: the buyers press 바로 구매 spread over one second.
    stats = {"answers": [], "statuses": {}, "other": {}, "holds": 0, "last_hold_at": 0.0, "answered_at": 0.0}
    form = {"item": item, "option": product["option"], "quantity": 1}
    drop_started = time.time()
    await asyncio.gather(*(
        _buyer(n, key, f"/live/{broadcast}/buy/", form, random.random(), stats)
        for n, key in enumerate(setup["sessions"][:buyers])
    ))  # fmt: skip
    await chat
    await asyncio.sleep(1)
    # The drop's chat: the messages sent from its start until a second after its last answer (or the end).
    window_end = min(stats["answered_at"] + 1, time.time())
    for loader in viewers:
        loader.stdin.write(f"report {drop_started * 1000:.0f} {window_end * 1000:.0f}\n")
        loader.stdin.flush()
    gathered = [json.loads(await asyncio.to_thread(loader.stdout.readline)) for loader in viewers]
    return {"stats": stats, "gathered": gathered, "pinned": pinned, "item": item}


def _viewers(setup: dict, count: int, runs: int) -> list[subprocess.Popen]:
    messages = RATE * (chat_fanout.WARMUP_SECONDS + CHAT_SECONDS)
    spec = {
        "urls": [f"ws://127.0.0.1:{port}/ws/live/{setup['broadcast']}/" for port in PORTS],
        "count": count // chat_fanout.LOAD_PROCESSES,
        "broadcast": setup["broadcast"],
        "run": "",
        "seconds": CHAT_SECONDS,
        "messages": messages,
        "warmup": RATE * chat_fanout.WARMUP_SECONDS,
        "rounds": runs,
    }
    loaders = [
        subprocess.Popen(["node", str(ROOT / "bench/chat_viewers.mjs"), json.dumps(spec)], cwd=ROOT,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
        for _ in range(chat_fanout.LOAD_PROCESSES)
    ]  # fmt: skip
    for loader in loaders:
        if loader.stdout.readline().strip() != "ready":
            raise SystemExit("a load process could not connect its viewers")
    return loaders


def _servers(env: dict, log_dir: Path) -> list[subprocess.Popen]:
    servers = []
    for port in PORTS:
        with (log_dir / f"live-drop-{port}.log").open("w") as log:
            servers.append(
                subprocess.Popen(
                    [str(ROOT / ".venv/bin/uvicorn"), "trimarket.asgi:application", "--host", "127.0.0.1",
                     "--port", str(port), "--no-access-log", "--lifespan", "off", "--ws", "websockets-sansio"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
                )
            )  # fmt: skip
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--buyers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    chat_fanout._raise_file_limit()
    env = _env()
    print("==> MariaDB + Redis: database, migrations", flush=True)
    subprocess.run(
        [PYTHON, "manage.py", "database_ensure"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        ["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True
    )
    subprocess.run(["mariadb", "-uroot", "-e", "SET GLOBAL max_connections = GREATEST(@@max_connections, 2000)"],
                   check=False, capture_output=True)  # fmt: skip
    setup = _django(SETUP, args.buyers, SENDERS)
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen] = []
    rows = []
    try:
        processes += _servers(env, log_dir)
        for port in PORTS:
            flash_sale._wait_for(port)
        processes += _viewers(setup, args.viewers, args.runs)
        print(f"==> {args.runs} runs: {args.viewers} viewers, chat {RATE} msg/s, {args.buyers} buyers press 바로 구매 "
              f"within 1 s for {STOCK} units; 2 app processes (uvicorn); load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"{'run':>4}{'holds':>7}{'in db':>7}{'oversold':>9}{'5xx':>5}{'chat p99':>10}{'품절 after':>11}"
              f"{'p99 바로 구매':>13}{'viewers':>9}")  # fmt: skip
        for run in range(1, args.runs + 1):
            product = _django(PRODUCT, STOCK, LIST_PRICE, SALE_PRICE, run)
            result = asyncio.run(_drop(setup, product, args.buyers, run, processes[len(PORTS) :]))
            db = _django(REPORT, product["option"])
            stats, gathered = result["stats"], result["gathered"]
            oversold = (
                max(db["units"] - STOCK, 0) + max(-db["stock_left"], 0) + max(stats["holds"] - STOCK, 0)
            )
            fives = sum(n for status, n in stats["statuses"].items() if status >= 500)
            chat_p99 = percentile_ms([lat for g in gathered for lat in g["latencies"]], 0.99)
            heard = [at for g in gathered for at in g["sold_out"]]
            after = sold_out_after(stats["last_hold_at"], heard)
            connected = sum(g["connected"] - g["dropped"] for g in gathered)
            ok = (
                stats["holds"] == STOCK and db["holds"] == STOCK and oversold == 0 and fives == 0
                and chat_p99 <= CHAT_P99_TARGET_MS and after is not None and after <= SOLD_OUT_TARGET_S
            )  # fmt: skip
            rows.append(
                {"ok": ok, "chat_p99": chat_p99, "after": after, "holds": stats["holds"], "5xx": fives}
            )
            after_text = (
                f"{after * 1000:.0f} ms"
                if after is not None
                else f"{sum(1 for a in heard if a)}/{len(heard)} heard"
            )
            print(f"{run:>4}{stats['holds']:>7}{db['holds']:>7}{oversold:>9}{fives:>5}{chat_p99:>8.0f}ms{after_text:>11}"
                  f"{percentile_ms(stats['answers'], 0.99) * 1000:>11.0f}ms{connected:>9}", flush=True)  # fmt: skip
            if stats["other"] or not result["pinned"]:
                print(f"     other answers: {stats['other']}; pinned: {result['pinned']}", flush=True)
    finally:
        flash_sale._stop(processes)
    if not rows:
        raise SystemExit("no run finished")
    good = sum(row["ok"] for row in rows)
    p99s = sorted(row["chat_p99"] for row in rows)
    afters = sorted(row["after"] for row in rows if row["after"] is not None)
    print(f"\ntargets, in every run: holds == {STOCK}, 0 oversold, 0 5xx, chat p99 ≤ {CHAT_P99_TARGET_MS:.0f} ms through "
          f"the drop, every viewer 품절 within {SOLD_OUT_TARGET_S:.0f} s of the last hold: {good}/{len(rows)} runs met all")  # fmt: skip
    print(f"chat p99 through the drop: median {p99s[len(p99s) // 2]:.0f} ms, worst {p99s[-1]:.0f} ms; "
          + (f"품절 to every viewer: median {afters[len(afters) // 2] * 1000:.0f} ms, worst {afters[-1] * 1000:.0f} ms; "
             if afters else "")
          + f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("PASS" if good == len(rows) else "FAIL")


if __name__ == "__main__":
    main()
