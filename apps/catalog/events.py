"""Domain events the catalog publishes and the handlers it subscribes.

Published:
- ``catalog.option_restocked`` ``{"option_id": int}``: an option's stock went from 0 to more.
"""

from apps.catalog import services
from apps.core.events import subscribe


@subscribe(services.OPTION_RESTOCKED)
def restock_alerts_send(*, event: str, payload: dict) -> None:
    """Mail the shoppers waiting for the option; idempotent (each alert is mailed once)."""
    services.restock_alerts_notify(option_id=payload["option_id"])
