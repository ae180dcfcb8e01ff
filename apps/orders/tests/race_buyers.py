"""A buyer process for the oversell test: ``python -m apps.orders.tests.race_buyers START OPTION USER_ID…``.

Waits until the wall clock reaches START (so every process races at once), then tries to check out one unit
of OPTION for each user in its own thread; prints one line per attempt: ``ok <merchant_uid>`` or ``no``.
"""

import os
import sys
import threading
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trimarket.settings.test")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connection

    from apps.accounts.models import User
    from apps.orders.tests.factories import order_make

    start, option_id, *user_ids = sys.argv[1:]
    users = list(User.objects.filter(pk__in=user_ids))
    results: list[str] = []

    def buy(user) -> None:
        try:
            order = order_make(user=user, items={int(option_id): 1})
            results.append(f"ok {order.merchant_uid}")
        except ValidationError:
            results.append("no")
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(user,)) for user in users]
    time.sleep(max(float(start) - time.time(), 0))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("\n".join(results), flush=True)


if __name__ == "__main__":
    main()
