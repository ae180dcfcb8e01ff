"""The order page asks payments how the order is paid (``{% order_payment order as payment %}``).

Orders' templates include payments' partials by name; the data comes through this tag, so orders' views
never import payments.
"""

from django import template

from apps.payments import methods, selectors

register = template.Library()


@register.simple_tag
def order_payment(order) -> dict | None:
    """{method, label, vbank: {bank, number, holder, deadline} | None} of the order's payment, or None.

    Asked once per order per request: the page's partials share the answer kept on the order object.
    """
    if not hasattr(order, "_payment_info"):
        order._payment_info = _order_payment(order)
    return order._payment_info


def _order_payment(order) -> dict | None:
    attempt = selectors.order_payment_attempt(order=order)
    if attempt is None:
        return None
    vbank = None
    if attempt.method == methods.VBANK and attempt.vbank_num:
        vbank = {
            "bank": attempt.vbank_name,
            "number": attempt.vbank_num,
            "holder": attempt.vbank_holder,
            "deadline": attempt.vbank_date,
            "amount": attempt.amount,
        }
    return {
        "method": attempt.method,
        "label": methods.method_label(attempt.method),
        "vbank": vbank,
        "waiting": vbank is not None and attempt.status == attempt.Status.STARTED,
        "refund_account_needed": attempt.method == methods.VBANK and attempt.status == attempt.Status.PAID,
        "banks": methods.BANKS,
    }
