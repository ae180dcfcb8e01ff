"""How the header names the member viewing a page (``apps.core.personal``): from the user row the
authentication middleware loads for every request, so a new name shows on the next page with no bag to drop."""

from apps.core.personal import personal_fill_register


def _member_name(request, bag: dict, argument: str) -> str:
    user = request.user
    name = getattr(user, "name", "") if user.is_authenticated else ""
    return f"{name}님" if name else "마이"


def register() -> None:
    personal_fill_register("member_name", _member_name)
