"""Every write about users, one file per concept: signup and its email code (``signup``, ``codes``), login
bookkeeping and tokens (``login``), profile and password (``profile``), email change (``email_change``),
addresses, withdrawal, demo accounts. The names are re-exported here: callers write ``services.user_signup``."""

from apps.accounts.services.addresses import (
    address_create,
    address_delete,
    address_set_default,
    address_update,
)
from apps.accounts.services.bans import ban_lift, ban_platform
from apps.accounts.services.codes import EMAIL_CODE_MAX_ATTEMPTS, EMAIL_CODE_RESEND_INTERVAL, EMAIL_CODE_TTL
from apps.accounts.services.demo import user_ensure_demo
from apps.accounts.services.email_change import (
    email_change_cancel,
    email_change_confirm,
    email_change_request,
    mask_email,
)
from apps.accounts.services.login import (
    SESSION_INDEX_TTL_SECONDS,
    login_failure_record,
    login_failures_clear,
    login_throttle_check,
    session_register,
    session_remember,
    sessions_end,
    token_pair_issue,
    tokens_revoke_all,
)
from apps.accounts.services.profile import (
    mask_username,
    user_change_password,
    user_find_id,
    user_set_password,
    user_update_profile,
)
from apps.accounts.services.signup import (
    email_verification_confirm,
    email_verification_resend,
    email_verification_send,
    pending_signups_expire,
    user_mark_email_verified,
    user_signup,
    user_social_signup,
)
from apps.accounts.services.withdrawal import WITHDRAWN_NAME, user_social_accounts_delete, user_withdraw

__all__ = [
    "EMAIL_CODE_MAX_ATTEMPTS",
    "EMAIL_CODE_RESEND_INTERVAL",
    "EMAIL_CODE_TTL",
    "SESSION_INDEX_TTL_SECONDS",
    "WITHDRAWN_NAME",
    "address_create",
    "address_delete",
    "address_set_default",
    "address_update",
    "ban_lift",
    "ban_platform",
    "email_change_cancel",
    "email_change_confirm",
    "email_change_request",
    "email_verification_confirm",
    "email_verification_resend",
    "email_verification_send",
    "login_failure_record",
    "login_failures_clear",
    "login_throttle_check",
    "mask_email",
    "mask_username",
    "pending_signups_expire",
    "session_register",
    "session_remember",
    "sessions_end",
    "token_pair_issue",
    "tokens_revoke_all",
    "user_change_password",
    "user_ensure_demo",
    "user_find_id",
    "user_mark_email_verified",
    "user_set_password",
    "user_signup",
    "user_social_accounts_delete",
    "user_social_signup",
    "user_update_profile",
    "user_withdraw",
]
