"""The 6-digit email code both signup and email change use: how it is made, how long it lives, when it locks.

Only an HMAC of the code is stored (``EmailVerification.code_hash``); each use hashes its own purpose into the
message, so a signup's code never confirms an email change and the reverse.
"""

import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import EmailVerification

EMAIL_CODE_TTL = timedelta(minutes=10)
EMAIL_CODE_MAX_ATTEMPTS = 5
EMAIL_CODE_RESEND_INTERVAL = timedelta(seconds=60)


def code_new() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def code_resend_wait(verification: EmailVerification | None) -> ValidationError | None:
    """The Korean error while the last code is younger than ``EMAIL_CODE_RESEND_INTERVAL``, else None."""
    wait = verification and (verification.sent_at + EMAIL_CODE_RESEND_INTERVAL - timezone.now())
    if not wait or wait.total_seconds() <= 0:
        return None
    return ValidationError(
        "인증 코드는 1분에 한 번만 다시 보낼 수 있어요. %(seconds)d초 후에 다시 시도해 주세요.",
        code="resend_too_soon",
        params={"seconds": int(wait.total_seconds()) + 1},
    )


def code_check(*, verification: EmailVerification, code_hash: str) -> ValidationError | None:
    """None when ``code_hash`` is the live code's; else the error (``code_locked``, ``code_expired``,
    ``code_invalid``). A wrong code is counted on the (locked) row, and the ``EMAIL_CODE_MAX_ATTEMPTS``-th wrong
    try locks the code."""
    locked = ValidationError(
        "인증 코드를 5번 잘못 입력해 잠겼어요. 새 코드를 받아 주세요.", code="code_locked"
    )
    if verification.failed_attempts >= EMAIL_CODE_MAX_ATTEMPTS:
        return locked
    if verification.expires_at <= timezone.now():
        return ValidationError(
            "인증 코드의 유효 시간(10분)이 지났어요. 새 코드를 받아 주세요.", code="code_expired"
        )
    if hmac.compare_digest(verification.code_hash, code_hash):
        return None
    verification.failed_attempts += 1
    verification.save(update_fields=["failed_attempts"])
    left = EMAIL_CODE_MAX_ATTEMPTS - verification.failed_attempts
    if not left:
        return locked
    return ValidationError(
        "인증 코드가 맞지 않아요. (남은 시도 %(left)d회)", code="code_invalid", params={"left": left}
    )
