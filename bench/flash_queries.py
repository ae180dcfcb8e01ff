"""What one press of 결제하기 in a flash sale costs, counted rather than timed: SQL queries, Redis round trips
and the CPU time of the request's thread, for each kind of answer the drop gives.

    .venv/bin/python bench/flash_queries.py            # after bench/flash_sale.py made its database
    .venv/bin/python bench/flash_queries.py --attempts 40

The request goes through the whole middleware chain in-process (Django's test client, the production settings
of ``bench/flash_sale.py`` on its MariaDB + Redis database), as ``bench/flash_sale.py``'s buyers send it:
POST /checkout/?now=1 with the session and CSRF cookies. Kinds: a winner (a unit left: the order is placed),
a loser that reaches the database (no unit left, the sold-out marker not set yet), and a loser answered from
the cache (the marker set, as for most presses of a drop). Query and round-trip counts do not depend on how
busy the machine is; the CPU time does a little (best of the attempts' medians is printed).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import flash_sale  # noqa: E402

KINDS = ("winner", "loser, database", "loser, cache")


def _round_trips():
    """A counter of Redis round trips: every command or pipeline is one ``send_packed_command``."""
    from redis.connection import AbstractConnection

    counter = {"n": 0}
    original = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        counter["n"] += 1
        return original(self, command, check_health)

    AbstractConnection.send_packed_command = counted
    return counter


def _buyers(count: int, stock: int) -> tuple[list[str], int]:
    """Fresh buyers' sessions (direct checkout of a new product's one option with ``stock`` units)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cache import SessionStore

    from apps.accounts.middleware import REFRESHED_KEY
    from apps.catalog import services
    from apps.catalog.models import Category
    from apps.orders.constants import DIRECT_CHECKOUT_SESSION_KEY
    from apps.sellers.services import seller_house_ensure

    user_model = get_user_model()
    tag = f"{time.time_ns() % 10**10:010d}"
    password = make_password("flash1234!")
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=f"q{tag}{i:04d}",
                name=f"구매자{i}",
                email=f"q{tag}{i}@example.com",
                password=password,
            )
            for i in range(count)
        ]
    )
    users = list(user_model.objects.filter(username__startswith=f"q{tag}").order_by("username"))
    category = Category.objects.filter(slug="flash-sale").first() or services.category_create(
        name="특가", slug="flash-sale"
    )
    product = services.product_create(
        seller=seller_house_ensure(), category=category, name="라이브 한정 특가 니트", list_price=59000,
        sale_price=flash_sale.UNIT_PRICE,
    )  # fmt: skip
    option = services.option_create(product=product, name="FREE", stock=stock)
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DIRECT_CHECKOUT_SESSION_KEY] = {str(option.pk): 1}
        session[REFRESHED_KEY] = int(time.time())  # as after the checkout page's visit
        session.create()
        keys.append(session.session_key)
    return keys, option.pk


_clients = {}


def _press(client_class, session_key: str, number: int) -> tuple[int, str]:
    """One press by this buyer; one client (its middleware loaded once, as in a server) with their cookies."""
    csrf = "c" * 32
    client = _clients.setdefault(client_class, client_class(enforce_csrf_checks=True))
    client.cookies.clear()
    client.cookies["sessionid"] = session_key
    client.cookies["csrftoken"] = csrf
    total = flash_sale.UNIT_PRICE + 3000
    form = {
        "address": "new", "recipient": f"구매자{number}", "recipient_phone": "010-1234-5678", "postcode": "04778",
        "road_address": "서울 성동구 성수이로 100", "orderer_name": f"구매자{number}",
        "orderer_phone": "010-1234-5678", "expected_total": total, "agree": "on",
    }  # fmt: skip
    response = client.post(
        "/checkout/?now=1",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_CSRFTOKEN=csrf,
        HTTP_ACCEPT="text/html",
        REMOTE_ADDR=f"127.2.{number // 250}.{number % 250 + 1}",
    )
    return response.status_code, response.headers.get("Location", "")


def measure(kind: str, attempts: int, trips: dict) -> dict:
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.catalog.caching import sold_out_key
    from apps.catalog.models import ProductOption

    keys, option_id = _buyers(attempts, attempts if kind == "winner" else 0)
    cache.delete(sold_out_key(option_id))
    if kind == "loser, cache":
        cache.set(sold_out_key(option_id), {"label": "니트 (FREE)", "url": "/p/1/"}, 600)
    queries, round_trips, cpu, answers = [], [], [], {}
    for number, key in enumerate(keys):
        if kind == "loser, database":
            # The marker is set after the last unit's commit; this press comes in before that.
            cache.delete(sold_out_key(option_id))
        contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]
        for context in contexts:
            context.__enter__()
        trips_before = trips["n"]
        began = time.thread_time()
        status, location = _press(Client, key, number)
        cpu.append(time.thread_time() - began)
        round_trips.append(trips["n"] - trips_before)
        for context in contexts:
            context.__exit__(None, None, None)
        queries.append(sum(len(context.captured_queries) for context in contexts))
        answer = f"{status} {location.split('?')[0].rstrip('/').rsplit('/', 1)[0]}"
        answers[answer] = answers.get(answer, 0) + 1
    stock = ProductOption.objects.get(pk=option_id).stock
    # The first press of each kind warms this process's caches: the later ones are what a running server pays.
    steady = slice(1, None)
    return {
        "kind": kind,
        "queries": statistics.median(queries[steady]),
        "round_trips": statistics.median(round_trips[steady]),
        "cpu_ms": statistics.median(cpu[steady]) * 1000,
        "answers": answers,
        "stock_left": stock,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=30, help="presses of each kind")
    parser.add_argument("--sql", action="store_true", help="print the winner's queries")
    parser.add_argument("--profile", choices=KINDS, help="cProfile this kind's presses: the top 40 functions")
    args = parser.parse_args()
    env = flash_sale._env() | {"ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    os.chdir(ROOT)
    import django

    django.setup()
    trips = _round_trips()
    print(f"{'kind':<17}{'SQL queries':>12}{'Redis trips':>12}{'CPU ms':>8}  answers")
    for kind in KINDS:
        if args.profile == kind:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            row = measure(kind, args.attempts, trips)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(60)
        else:
            row = measure(kind, args.attempts, trips)
        print(
            f"{row['kind']:<17}{row['queries']:>12.0f}{row['round_trips']:>12.0f}{row['cpu_ms']:>8.2f}  "
            f"{row['answers']} (stock left {row['stock_left']})",
            flush=True,
        )
    if args.sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        keys, _option = _buyers(2, 2)
        from django.test import Client

        _press(Client, keys[0], 0)
        with CaptureQueriesContext(connection) as context:
            _press(Client, keys[1], 1)
        for query in context.captured_queries:
            print(query["sql"][:300])


if __name__ == "__main__":
    main()
