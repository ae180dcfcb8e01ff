"""What a screen shows of a phone or account number that it does not need whole: its last four digits.

docs/security.md ("Sealed personal numbers") lists which screens show the whole number and why.
"""

import re

VISIBLE_DIGITS = 4


def mask_phone(phone: str | None) -> str:
    """``010-1234-5678`` → ``***-****-5678``: the dashes kept, every digit but the last four starred."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= VISIBLE_DIGITS:
        return "*" * len(phone)
    shown = VISIBLE_DIGITS
    masked = []
    for char in reversed(phone):
        if char.isdigit():
            masked.append(char if shown else "*")
            shown = max(shown - 1, 0)
        else:
            masked.append(char)
    return "".join(reversed(masked))


def mask_account(number: str | None) -> str:
    """``1005-301-234567`` → ``****4567``: the number's length and grouping are not shown either."""
    if not number:
        return ""
    digits = re.sub(r"\D", "", number)
    return "****" + digits[-VISIBLE_DIGITS:]


def mask_refund_account(account: dict | None) -> str:
    """A refund account ({bank, account, holder}) as staff see it: bank code, last four digits, holder."""
    if not account or not account.get("account"):
        return "-"
    return f"{account.get('bank', '')} {mask_account(str(account['account']))} ({account.get('holder', '')})"
