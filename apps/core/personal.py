"""What a member's pages show of that member alone, read once per request from one cached entry.

A logged-in shopper's main, category and product pages are the pages every member shares
(``pagecache.render_shared``), rendered without any member in them: the header's name, the cart badge, a
product's heart are marks (``personal_mark``) that ``personal_fill`` replaces for each request with the
requesting member's own values, the way the CSRF token is put into a visitor's copy.

Those values come from the member's *bag*: one dict per member in the shared cache, built from what each
module registers here (``personal_provide``: cart count, wished products, ...) and read in one round trip per
request. A change to anything in it calls ``personal_changed`` (after commit): the member's generation moves,
so the bag built before it no longer matches and the next request builds it anew. The generation is read
*before* a bag is built, so a bag built from rows older than a change is stored under the old generation and
never served (a plain delete of the bag would let such a request put the old values back).

Marks carry a secret (from ``SECRET_KEY``): text a seller or a reviewer writes into a shared page cannot
contain one, so nobody can have a member's values written where they choose (an image URL, say).
The mechanism imports no module: modules register what they put in the bag and how a mark is filled
(``personal_fill_register``), from their ``AppConfig.ready``.
"""

import re
import time
from collections.abc import Callable
from functools import cache as once
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape

# A bag outlives no change (the generation sees to that); the TTL only returns the memory of idle members.
BAG_SECONDS = 30 * 60
REQUEST_ATTRIBUTE = "_personal_bag"

# name -> compute(user) -> dict of the bag's entries that module owns.
_providers: dict[str, Callable[[Any], dict]] = {}
# kind -> fill(request, bag, argument) -> text for the mark (escaped unless marked safe).
_fillers: dict[str, Callable[[HttpRequest, dict, str], str]] = {}


def personal_provide(name: str, compute: Callable[[Any], dict] | None) -> Callable[[Any], dict] | None:
    """Add ``compute(user)``'s entries to every member's bag (None: no more). It must only read, and its owner
    must call ``personal_changed`` whenever what it returns may change. Returns the provider it replaces, so a
    test can put it back."""
    previous = _providers.pop(name, None)
    if compute is not None:
        _providers[name] = compute
    return previous


def personal_fill_register(kind: str, fill: Callable[[HttpRequest, dict, str], str]) -> None:
    """How a ``kind`` mark is filled: ``fill(request, bag, argument)``, for a member (bag filled) or anyone
    else (bag empty; a page rendered for a visitor asks too)."""
    _fillers[kind] = fill


def _generation_key(user_id: int) -> str:
    return f"core:personal-generation:{user_id}"


def _bag_key(user_id: int) -> str:
    return f"core:personal:{user_id}"


def personal_changed(user_id: int) -> None:
    """Once the caller's transaction commits: the member's bag is built anew on their next request."""

    def bump() -> None:
        cache.set(_generation_key(user_id), time.time_ns(), None)
        cache.delete(_bag_key(user_id))

    transaction.on_commit(bump)


def personal_forget(user_id: int) -> None:
    """Drop the member's bag and generation now (password changed, account withdrawn)."""
    cache.delete_many([_generation_key(user_id), _bag_key(user_id)])


def personal_bag(request: HttpRequest) -> dict:
    """The requesting member's bag (empty for anyone not logged in), read at most once per request."""
    bag = getattr(request, REQUEST_ATTRIBUTE, None)
    if bag is not None:
        return bag
    user = getattr(request, "user", None)
    # SharedMember (pk None) is nobody: no bag, so no query can run for "the user None".
    bag = _bag_for(user) if getattr(user, "is_authenticated", False) and user.pk is not None else {}
    setattr(request, REQUEST_ATTRIBUTE, bag)
    return bag


def _bag_for(user) -> dict:
    keys = _generation_key(user.pk), _bag_key(user.pk)
    found = cache.get_many(keys)
    generation = found.get(keys[0])
    stored = found.get(keys[1])
    if stored is not None and stored[0] == generation and stored[1].get("user_id") == user.pk:
        return stored[1]
    bag = {"user_id": user.pk}
    for compute in _providers.values():
        bag.update(compute(user))
    cache.set(keys[1], (generation, bag), BAG_SECONDS)
    return bag


@once
def _secret() -> str:
    return salted_hmac("apps.core.personal", "mark").hexdigest()[:20]


@once
def _pattern() -> re.Pattern:
    return re.compile(rf"\x7b{_secret()}:([a-z_]+):([0-9a-z_]*)\x7d")


def personal_mark(kind: str, argument: object = "") -> str:
    """The mark a shared page carries where ``kind`` (for ``argument``, such as a product id) goes."""
    if kind not in _fillers:
        raise KeyError(f"no filler registered for personal mark {kind!r}")
    return f"{{{_secret()}:{kind}:{argument}}}"


def personal_value(request: HttpRequest, kind: str, argument: object = "") -> str:
    """What a ``kind`` mark shows the requesting user, escaped (for a page rendered for them alone)."""
    return str(conditional_escape(_fillers[kind](request, personal_bag(request), str(argument))))


def personal_fill(html: str, request: HttpRequest) -> str:
    """``html`` with every mark replaced by the requesting member's value."""
    if _secret() not in html:
        return html
    bag = personal_bag(request)
    return _pattern().sub(
        lambda match: str(conditional_escape(_fillers[match[1]](request, bag, match[2]))),
        html,
    )


class SharedMember:
    """The user a page shared by all members is rendered for: logged in, and nobody in particular. Anything a
    template asks of it that no member shares comes out empty, so no member's data can enter the shared copy."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None
    name = username = email = ""

    def __str__(self) -> str:
        return ""

    def has_perm(self, *args, **kwargs) -> bool:
        return False

    def has_perms(self, *args, **kwargs) -> bool:
        return False

    def has_module_perms(self, *args, **kwargs) -> bool:
        return False
