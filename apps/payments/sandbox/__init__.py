"""The PG sandbox: a stand-in for PortOne (I'mport) REST API v1 and its payment window.

It is a separate HTTP server with no Django in it (``python -m apps.payments.sandbox`` or
``manage.py pg_sandbox``), so it runs as its own process beside ``make run`` and in a thread of the tests, and
the shop's code talks to it exactly as it talks to PortOne.
"""

from apps.payments.sandbox.server import SANDBOX_IMP_KEY, SANDBOX_IMP_SECRET, PGSandbox
from apps.payments.sandbox.state import DECLINED_CARD_NUMBER, Ledger

__all__ = ["DECLINED_CARD_NUMBER", "SANDBOX_IMP_KEY", "SANDBOX_IMP_SECRET", "Ledger", "PGSandbox"]
