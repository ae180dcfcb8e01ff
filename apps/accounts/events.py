"""Domain events accounts subscribes to. Accounts publishes ``account.withdrawn`` ({"user_id": id})."""

from apps.accounts import services
from apps.core.events import subscribe


@subscribe("account.withdrawn")
def social_accounts_unlink_on_withdrawal(*, event: str, payload: dict) -> None:
    """A withdrawn shopper's Kakao/Naver identity may sign up again as a new account."""
    services.user_social_accounts_delete(user_id=payload["user_id"])
