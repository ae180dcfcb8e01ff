"""Live chat fan-out: N STOMP viewers in one room, M messages/s from 10 senders, send-to-receive latency.

The app runs with production settings (``trimarket.settings.serving`` through ``bench/chat_settings.py``, MariaDB
+ Redis, the room's bus on Redis pub/sub) under uvicorn and daphne, with 1 and 2 server processes; then the
same load goes to a plain in-process ``websockets`` broadcast server (the ceiling: no Django, no Redis, no
database). Viewers connect from 2 Node.js load processes (``bench/chat_viewers.mjs``, the ``ws`` library);
every message carries its send time, and each viewer records now − sent for every message of the run it
receives (after a ``WARMUP_SECONDS`` start that is not counted). Printed per run: p50/p99,
delivered/expected, the CPU of the servers and of the load processes, the CPU the hypervisor gave other
machines meanwhile (steal: above a few per cent the run measured the neighbours too), and the targets: 100 %
delivered, p99 ≤ 100 ms at 2,000 × 20/s and ≤ 250 ms at 4,000 × 20/s; the ratio to the ceiling's p99.

    .venv/bin/python bench/chat_fanout.py                       # 2,000 viewers × 20 msg/s, every server
    .venv/bin/python bench/chat_fanout.py --viewers 4000 --servers uvicorn --processes 1
"""

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
DATABASE_URL = "mysql://trimarket:trimarket-dev-pw@127.0.0.1:3306/trimarket_chat_bench"
REDIS_URL = "redis://127.0.0.1:6379/12"
BASE_PORT = 8700
SENDERS = 10
LOAD_PROCESSES = 2
TARGETS = {2000: 100.0, 4000: 250.0}
# Every run sends this long before the measured seconds, to the same viewers, who record those messages as
# they record the rest but leave them out of the figures: the first second of messages was several times
# slower than the rest on every server, the plain ceiling too (the load processes' JIT compiling their message
# handler, the server opening its database connections), and that start, not the steady room, set the p99.
WARMUP_SECONDS = 3
NUL = "\x00"

SETUP = r"""
import datetime, json, django
django.setup()
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken
from apps.accounts.models import User
from apps.catalog.models import Category
from apps.live.room import services as room_services
from apps.live.services import broadcasts
from apps.live.models import Broadcast
from apps.sellers.models import Seller
from apps.sellers.tests.factories import business_number_for
seller, _ = User.objects.get_or_create(username="bench-seller", defaults={"name": "벤치셀러", "is_seller": True})
# Only a member with an approved shop may go live.
if not Seller.objects.filter(user=seller).exists():
    Seller.objects.create(user=seller, business_name="벤치상회", representative="김벤치",
        business_number=business_number_for(90_001), mail_order_number="2026-서울성동-09001",
        address="서울 성동구 성수이로 101", phone="02-123-4568", email="bench@example.com", bank="KB",
        account_number="123-45-678902", account_holder="김벤치", status=Seller.Status.APPROVED)
category = Category.objects.first() or Category.objects.create(name="벤치", slug="bench")
broadcast = Broadcast.objects.filter(seller=seller).first() or broadcasts.broadcast_create(
    seller=seller, title="채팅 벤치", category=category, scheduled_at=timezone.now())
Broadcast.objects.filter(pk=broadcast.pk).update(status="live", started_at=timezone.now())
tokens = []
for n in range(%(senders)d):
    user, _ = User.objects.get_or_create(username=f"bench-sender{n}", defaults={"name": f"보내는이{n}"})
    room_services.broadcast_moderator_set(broadcast=broadcast, user=user, actor=seller)
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=datetime.timedelta(hours=2))
    tokens.append(str(token))
print(json.dumps({"broadcast": broadcast.pk, "tokens": tokens}))
"""


def _env(coalesce_ms: int | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "DJANGO_"))}
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "bench.chat_settings",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "chat-fanout-bench-only-secret-key-5c4d3e2f1a0b99887766554433221100",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "PYTHONPATH": str(ROOT),
        }
        | ({"LIVE_CHAT_COALESCE_MS": str(coalesce_ms)} if coalesce_ms is not None else {})
    )


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _steal_seconds() -> float:
    """CPU time the hypervisor gave to other machines (all cores): /proc/stat's steal column."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK")


def _server(kind: str, port: int, env: dict) -> subprocess.Popen:
    if kind == "daphne":
        command = [
            str(ROOT / ".venv/bin/daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "trimarket.asgi:application",
        ]
    elif kind == "uvicorn":
        command = [
            str(ROOT / ".venv/bin/uvicorn"),
            "trimarket.asgi:application",
            *(
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--ws",
                "websockets-sansio",
            ),
        ]
    else:
        command = [PYTHON, __file__, "--ceiling-server", str(port)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def _wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def _frame(command: str, headers: dict, body: str = "") -> str:
    lines = [command, *(f"{k}:{v}" for k, v in headers.items())]
    return "\n".join(lines) + "\n\n" + body + NUL


# ---- The ceiling: a plain websockets broadcast server speaking just enough STOMP ---------------------------


def ceiling_server(port: int) -> None:
    from websockets.asyncio.server import broadcast, serve
    from websockets.exceptions import ConnectionClosed

    subscribers = set()
    counter = 0

    async def handler(ws):
        # The load client ends the run by dropping its sockets: that ends the handler, not an error.
        with contextlib.suppress(ConnectionClosed):
            await serve_one(ws)
        subscribers.discard(ws)

    async def serve_one(ws):
        nonlocal counter
        async for data in ws:
            command = data.split("\n", 1)[0]
            if command in ("CONNECT", "STOMP"):
                await ws.send(_frame("CONNECTED", {"version": "1.2", "heart-beat": "0,0"}))
            elif command == "SUBSCRIBE":
                subscribers.add(ws)
            elif command == "SEND":
                body = data.split("\n\n", 1)[1].rstrip(NUL)
                counter += 1
                frame = _frame(
                    "MESSAGE",
                    {"destination": "/topic/x", "message-id": str(counter), "subscription": "sub-0"},
                    json.dumps({"type": "message", "text": body}, ensure_ascii=False),
                )
                broadcast(subscribers, frame)

    async def main():
        async with serve(
            handler, "127.0.0.1", port, subprotocols=["v12.stomp"], compression=None, max_queue=None
        ):
            await asyncio.Future()

    asyncio.run(main())


# ---- Load: viewers (in load processes) and senders (here) --------------------------------------------------


def _viewers_start(urls, count, broadcast_id, run_id, seconds, messages, warmup) -> subprocess.Popen:
    """A Node.js load process of ``count`` viewers (bench/chat_viewers.mjs: why Node, and its protocol)."""
    spec = {
        "urls": urls,
        "count": count,
        "broadcast": broadcast_id,
        "run": run_id,
        "seconds": seconds,
        "messages": messages,
        "warmup": warmup,
    }
    return subprocess.Popen(
        ["node", str(ROOT / "bench/chat_viewers.mjs"), json.dumps(spec)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


async def _senders(urls, broadcast_id, tokens, run_id, rate, seconds) -> int:
    from websockets.asyncio.client import connect

    sockets = []
    for n, token in enumerate(tokens):
        url = urls[n % len(urls)]
        origin = url.replace("ws://", "http://").split("/ws/")[0]
        ws = await connect(
            url, subprotocols=["v12.stomp"], origin=origin, compression=None, ping_interval=None
        )
        await ws.send(
            _frame(
                "CONNECT", {"accept-version": "1.2", "heart-beat": "0,0", "Authorization": f"Bearer {token}"}
            )
        )
        await ws.recv()
        sockets.append(ws)

    async def drain(ws):
        async for _ in ws:
            pass

    async def send(tag: str, count: int) -> int:
        interval = 1 / rate
        start = time.monotonic()
        for n in range(count):
            await asyncio.sleep(max(0.0, start + n * interval - time.monotonic()))
            body = f"bench {tag} {time.time():.6f} {n}"
            await sockets[n % len(sockets)].send(
                _frame(
                    "SEND",
                    {"destination": f"/app/live.{broadcast_id}.chat", "content-type": "text/plain"},
                    body,
                )
            )
        return count

    drains = [asyncio.create_task(drain(ws)) for ws in sockets]
    # One sequence; the viewers count only the messages after the warm-up's (see WARMUP_SECONDS).
    sent = await send(run_id, rate * (WARMUP_SECONDS + seconds)) - rate * WARMUP_SECONDS
    await asyncio.sleep(0.5)
    for task in drains:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return sent


def run_once(
    *, kind: str, processes: int, viewers: int, rate: int, seconds: int, setup: dict, coalesce_ms: int | None
) -> dict:
    env = _env(coalesce_ms)
    ports = [BASE_PORT + n for n in range(processes)]
    servers = [_server(kind, port, env) for port in ports]
    loaders: list[subprocess.Popen] = []
    try:
        for port in ports:
            _wait_port(port)
        time.sleep(1)
        urls = [f"ws://127.0.0.1:{port}/ws/live/{setup['broadcast']}/" for port in ports]
        run_id = secrets.token_hex(4)
        share = viewers // LOAD_PROCESSES
        loaders = [
            _viewers_start(
                urls,
                share,
                setup["broadcast"],
                run_id,
                WARMUP_SECONDS + seconds,
                rate * (WARMUP_SECONDS + seconds),
                rate * WARMUP_SECONDS,
            )
            for _ in range(LOAD_PROCESSES)
        ]
        for loader in loaders:
            if loader.stdout.readline().strip() != "ready":
                raise RuntimeError("a load process could not connect its viewers")
        time.sleep(1.5)
        cpu_before = [_cpu_seconds(server.pid) for server in servers]
        load_before = [_cpu_seconds(loader.pid) for loader in loaders]
        steal_before = _steal_seconds()
        started = time.monotonic()
        for loader in loaders:
            loader.stdin.write("go\n")
            loader.stdin.flush()
        sent = asyncio.run(_senders(urls, setup["broadcast"], setup["tokens"], run_id, rate, seconds))
        elapsed = time.monotonic() - started
        cpu = sum(_cpu_seconds(s.pid) - b for s, b in zip(servers, cpu_before, strict=True)) / elapsed
        load_cpu = sum(_cpu_seconds(p.pid) - b for p, b in zip(loaders, load_before, strict=True)) / elapsed
        steal = (_steal_seconds() - steal_before) / elapsed / (os.cpu_count() or 1)
        gathered = [json.loads(loader.stdout.readline()) for loader in loaders]
        for loader in loaders:
            loader.wait(30)
    finally:
        for process in (*loaders, *servers):
            if process.poll() is None:
                process.terminate()
        for server in servers:
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    latencies = sorted(lat / 1000 for g in gathered for lat in g["latencies"])
    expected = sent * share * LOAD_PROCESSES
    delivered = sum(g["received"] for g in gathered)

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")
        )

    return {
        "server": kind,
        "processes": processes,
        "viewers": share * LOAD_PROCESSES,
        "connected": sum(g["connected"] for g in gathered),
        "rate": rate,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "delivered": delivered / expected if expected else 0.0,
        "cpu": cpu * 100,
        "load_cpu": load_cpu * 100,
        "steal": steal * 100,
    }


def _setup() -> dict:
    env = _env()
    subprocess.run(
        [PYTHON, "manage.py", "database_ensure"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [PYTHON, "-c", SETUP % {"senders": SENDERS}],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=20, help="messages per second from all senders")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--servers", default="uvicorn,daphne")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument(
        "--coalesce-ms",
        type=int,
        help="the room's coalescing window (default: the app's, 50 ms from 3,000 viewers in the room; 0 off)",
    )
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--ceiling-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceiling_server:
        ceiling_server(args.ceiling_server)
        return
    _raise_file_limit()
    setup = _setup()
    runs = [(kind, int(p)) for kind in args.servers.split(",") for p in args.processes.split(",")]
    if not args.no_ceiling:
        runs.append(("ceiling", 1))
    target = TARGETS.get(args.viewers)
    print(
        f"==> {args.viewers} viewers × {args.rate} msg/s from {SENDERS} senders, {args.seconds} s per run, "
        f"loopback, {os.cpu_count()} cores shared by servers and {LOAD_PROCESSES} load processes"
    )
    print(
        f"{'server':<9}{'procs':>6}{'viewers':>9}{'p50 ms':>9}{'p99 ms':>9}{'delivered':>11}{'CPU %':>8}{'load CPU %':>12}{'steal %':>9}"
    )
    rows = []
    for kind, processes in runs:
        row = run_once(
            kind=kind,
            processes=processes,
            viewers=args.viewers,
            rate=args.rate,
            seconds=args.seconds,
            setup=setup,
            coalesce_ms=args.coalesce_ms,
        )
        rows.append(row)
        print(
            f"{row['server']:<9}{row['processes']:>6}{row['connected']:>9}{row['p50']:>9.1f}{row['p99']:>9.1f}"
            f"{row['delivered']:>10.1%}{row['cpu']:>8.0f}{row['load_cpu']:>12.0f}{row['steal']:>9.0f}",
            flush=True,
        )
    ceiling = next((r for r in rows if r["server"] == "ceiling"), None)
    if ceiling:
        for row in rows:
            if row is not ceiling:
                print(
                    f"{row['server']} × {row['processes']}: p99 {row['p99'] / ceiling['p99']:.2f}× the plain websockets ceiling"
                )
    if target:
        print(f"target: 100 % delivered and p99 ≤ {target:.0f} ms at {args.viewers} viewers × 20 msg/s")
        for row in rows:
            if row["server"] != "ceiling":
                ok = row["delivered"] >= 0.999 and row["p99"] <= target
                print(f"  {row['server']} × {row['processes']}: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
