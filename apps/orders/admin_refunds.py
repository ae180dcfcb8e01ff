"""The refund account staff type beside the order desk's cancel and refund actions: a 가상계좌 deposit goes back
to an account the buyer names, and the PG cannot refund it without one (the shopper's cancel asks the same)."""

import re

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from apps.orders import hooks

ACCOUNT_MISSING = (
    "가상계좌 결제 주문이에요. 환불 계좌의 은행 코드(3자리), 계좌번호(숫자), 예금주를 입력해 주세요."
)
# The same shapes as the shopper's cancel form (``forms.CancelForm``).
BANK_CODE = re.compile(r"\d{3}")
ACCOUNT_NUMBER = re.compile(r"\d[\d-]{5,24}")
HOLDER_MAX = 20
ACCOUNT_FIELDS = ("refund_bank", "refund_account", "refund_holder")


class RefundAccountActionForm(ActionForm):
    # Plain text here and checked in ``refund_account_given``: an invalid action form makes the admin drop the
    # action with its generic message, and staff would not learn which field was wrong.
    refund_bank = forms.CharField(
        label=_("환불 은행 코드"),
        required=False,
        widget=forms.TextInput(attrs={"size": 4, "inputmode": "numeric", "placeholder": "004"}),
    )
    refund_account = forms.CharField(
        label=_("환불 계좌번호"),
        required=False,
        widget=forms.TextInput(attrs={"size": 18, "inputmode": "numeric"}),
    )
    refund_holder = forms.CharField(
        label=_("예금주"), required=False, widget=forms.TextInput(attrs={"size": 10})
    )

    def refund_account_given(self) -> tuple[dict | None, str]:
        """({bank, account, holder} or None when none was typed, the Korean error or "")."""
        # The admin has already checked the action itself (its choices are set on the admin's own copy).
        wrong = [str(m) for name, errors in self.errors.items() if name in ACCOUNT_FIELDS for m in errors]
        if wrong:
            return None, " ".join(wrong)
        data = self.cleaned_data
        account = {
            "bank": data.get("refund_bank") or "",
            "account": (data.get("refund_account") or "").replace("-", ""),
            "holder": (data.get("refund_holder") or "").strip(),
        }
        if not any(account.values()):
            return None, ""
        if not all(account.values()):
            return None, "환불 계좌는 은행 코드, 계좌번호, 예금주를 모두 입력해 주세요."
        if not BANK_CODE.fullmatch(account["bank"]):
            return None, "은행 코드는 숫자 3자리예요 (예: 004 국민은행)."
        if not ACCOUNT_NUMBER.fullmatch(data.get("refund_account") or ""):
            return None, "계좌번호는 숫자(와 -)로 6~25자리예요."
        if len(account["holder"]) > HOLDER_MAX:
            return None, f"예금주는 {HOLDER_MAX}자까지 쓸 수 있어요."
        return account, ""


def refund_account_for(order, account: dict | None) -> dict | None:
    """The account to send with ``order``'s refund: the typed one for a paid 가상계좌 order, None otherwise.
    Raises ``ValueError`` (``ACCOUNT_MISSING``) when a 가상계좌 order has none."""
    if not order.paid_at or not hooks.refund_account_required(order=order):
        return None
    if account is None:
        raise ValueError(ACCOUNT_MISSING)
    return account
