"""Domain events reports subscribes to (it publishes none: no module depends on reports).

- ``live.broadcast_ended``: the broadcast's report is computed at once (``live.broadcast_report_daily`` for
  that broadcast, as a recorded, retried job run); the nightly run of the job computes it again with the
  orders paid after the end.
- ``cart.item_added``: kept as a ``CartAddition``, the broadcast report's "장바구니 담기".
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.core.events import subscribe
from apps.reports import services
from apps.reports.tasks import job_execute

BROADCAST_REPORT_JOB = "live.broadcast_report_daily"


@subscribe("live.broadcast_ended")
def broadcast_report_on_end(*, event: str, payload: dict) -> None:
    today = timezone.localdate().isoformat()
    job_execute.delay(job=BROADCAST_REPORT_JOB, start=today, subject=f"broadcast:{payload['broadcast_id']}")


@subscribe("cart.item_added")
def cart_addition_on_add(*, event: str, payload: dict) -> None:
    services.cart_addition_record(
        product_id=payload["product_id"],
        option_id=payload["option_id"],
        user_id=payload.get("user_id"),
        quantity=payload["quantity"],
        added_at=parse_datetime(payload["added_at"]),
    )
