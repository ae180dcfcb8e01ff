"""CPU time per request of the pages bench/pages.py drives, in one process: a figure a busy machine bends less.

    .venv/bin/python bench/pages_cpu.py            # after bench/pages.py --who member (its data and shopper)

wrk's requests/s count whatever CPU the machine lends the server; on a shared machine under load they swing by
2x from one run to the next. This runs the same pages through Django's test client (the whole middleware chain
and view, no server or socket) on MariaDB + Redis with the bench's production settings, and prints the CPU
time of this thread per request (best of 5 rounds of 200), for a visitor and for the logged-in shopper.
Compare builds back to back with it (run it from each build's checkout); it has no target of its own.
"""

import subprocess
import sys

from pages import PYTHON, ROOT, _env  # the sibling script: its settings and environment

# The shopper bench/pages.py --who member logs in (bench.pages.MEMBER_USERNAME; named here too, so this
# script also runs from the checkout of a build before that option).
MEMBER_USERNAME = "bench-shopper"

MEASURE = """
import time
import django
django.setup()
from django.test import Client
from apps.accounts.models import User
from apps.catalog.models import Category, Product

ids = list(Product.objects.filter(status="on_sale").order_by("pk").values_list("pk", flat=True)[:400:8])
slug = Category.objects.filter(depth=0).order_by("position").first().slug
pages = {"bare": ["/bench/bare"], "main": ["/"], "category": [f"/c/{slug}/"], "product": [f"/p/{i}/" for i in ids]}
member = Client(HTTP_HOST="127.0.0.1")
member.force_login(User.objects.get(username=%(username)r))
visitor = Client(HTTP_HOST="127.0.0.1")


def cpu_ms(client, urls, anonymous, n=200):
    for url in urls:
        client.get(url)
    rounds = []
    for _round in range(5):
        started = time.thread_time()
        for k in range(n):
            if anonymous:
                client.cookies.clear()
            assert client.get(urls[k %% len(urls)]).status_code == 200
        rounds.append((time.thread_time() - started) / n * 1000)
    return min(rounds)


for who, client in (("anonymous", visitor), ("member", member)):
    figures = {name: cpu_ms(client, urls, who == "anonymous") for name, urls in pages.items()}
    print(f"{who:<10}" + "".join(f"{name:>10} {ms:5.2f} ms" for name, ms in figures.items()), flush=True)
"""


def main() -> None:
    print("CPU ms per request (this thread, best of 5 x 200), in-process, MariaDB + Redis, DEBUG off")
    subprocess.run(
        [PYTHON, "-c", MEASURE % {"username": MEMBER_USERNAME}], cwd=ROOT, env=_env("mariadb"), check=True
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
