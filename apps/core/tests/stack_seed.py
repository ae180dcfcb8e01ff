"""What the stack drills need in the stack's own database, made through the services as the site makes them.

Run in a host's namespace with its environment (``stack.sh run web1 python -m apps.core.tests.stack_seed``);
prints one JSON line: the live broadcast, a product option to buy, and members with their access tokens.
"""

import json
import time
from datetime import timedelta

import django
import factory

django.setup()

from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory  # noqa: E402
from apps.core.models import EventDelivery  # noqa: E402
from apps.core.tests import drill_handlers  # noqa: E402
from apps.live.tests.chat_support import make_live  # noqa: E402
from apps.live.tests.factories import BroadcastFactory  # noqa: E402

VIEWERS = 6


def main() -> None:
    # Names unique to this seeding: a stack drilled again (STACK_REUSE) already holds the first ones.
    offset = int(time.time()) % 999 * 100
    pending = [factory.django.DjangoModelFactory]
    while pending:
        made = pending.pop()
        pending.extend(made.__subclasses__())
        made.reset_sequence(offset, force=True)
    broadcast = make_live(BroadcastFactory())
    option = ProductOptionFactory(stock=100)
    shoppers = [UserFactory(name=f"시청자{n}") for n in range(VIEWERS)]
    wisher = UserFactory(name="찜하는 고객")
    # The worker drill's job: an idempotent subscriber that hangs on its first run (the worker dies there).
    # Not due for the outbox relay: the drill sends it itself.
    payload = {"user_id": wisher.pk, "product_id": option.product_id}
    delivery = EventDelivery.objects.create(
        event="drill.wish",
        handler=f"{drill_handlers.__name__}.slow_wish",
        payload=payload,
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    # The rollout drill's job: running while the worker is replaced.
    deployer = UserFactory(name="배포 중 찜하는 고객")
    steady = {"user_id": deployer.pk, "product_id": option.product_id}
    rollout_delivery = EventDelivery.objects.create(
        event="drill.wish",
        handler=f"{drill_handlers.__name__}.steady_wish",
        payload=steady,
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    print(
        json.dumps(
            {
                "broadcast_id": broadcast.pk,
                "seller_token": str(AccessToken.for_user(broadcast.seller)),
                "tokens": [str(AccessToken.for_user(user)) for user in shoppers],
                "option_id": option.pk,
                "product_id": option.product_id,
                "delivery_id": delivery.pk,
                "wish": payload,
                "attempts_key": drill_handlers.attempts_key(payload),
                "rollout_delivery_id": rollout_delivery.pk,
                "rollout_wish": steady,
                "runs_key": drill_handlers.runs_key(steady),
            }
        )
    )


main()
