"""The one limiter: sliding windows, check-then-count, process-local rates, run-time tuned rates, clearing."""

import itertools

import pytest
from django.core.cache import cache

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.core import ratelimit
from apps.core.ratelimit import Rate, RateLimited

pytestmark = pytest.mark.django_db

WINDOW = 60
# A moment well inside a window (windows are aligned to the epoch), so a test never straddles two by chance.
START = 1_700_000_000 // WINDOW * WINDOW + 10

_names = itertools.count()


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, set by the test."""
    now = {"t": float(START)}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def _rate(**limits) -> Rate:
    # A fresh name per test: process-local counters outlive the cache that is emptied between tests.
    return Rate(name=f"test-{next(_names)}", seconds=WINDOW, **{"per_ip": 0, **limits})


def _allowed(rate: Rate, attempts: int, **who) -> int:
    return sum(ratelimit.rate_allow(rate, **who) for _ in range(attempts))


def test_the_sixth_failed_login_is_refused_with_429_and_retry_after(client):
    """Five wrong passwords for one ID: the sixth try, even with the right password, gets 429 and a wait."""
    user = UserFactory()
    for _ in range(ratelimit.LOGIN_FAILURE.per_user):
        assert (
            client.post(
                "/accounts/login/", {"username": user.username, "password": "wrong-pw-1!"}
            ).status_code
            == 200
        )

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= ratelimit.LOGIN_FAILURE.seconds
    assert "로그인 시도가 너무 많아요" in response.content.decode()


def test_a_window_boundary_does_not_double_the_allowance(clock):
    """Spending the limit at the end of one window leaves almost nothing at the start of the next."""
    rate = _rate(per_user=10)
    clock["t"] = START + WINDOW - 11  # the last second of the window
    assert _allowed(rate, 10, user_key="u") == 10

    clock["t"] = START + WINDOW - 10 + 1  # one second into the next window
    assert _allowed(rate, 10, user_key="u") == 0


def test_the_previous_window_fades_as_the_window_slides(clock):
    """Half a window later, half of the previous window's attempts still count against the limit."""
    rate = _rate(per_user=10)
    assert _allowed(rate, 10, user_key="u") == 10

    clock["t"] = START - 10 + WINDOW + WINDOW / 2  # halfway through the next window
    assert _allowed(rate, 10, user_key="u") == 5

    clock["t"] = START - 10 + 3 * WINDOW  # two windows later: all forgotten
    assert _allowed(rate, 10, user_key="u") == 10


def test_the_wait_is_what_is_left_of_the_window(clock):
    """A refusal says how long to wait, in seconds and in the words a shopper reads."""
    rate = _rate(per_user=1)
    ratelimit.rate_hit(rate, user_key="u")

    with pytest.raises(RateLimited) as refused:
        ratelimit.rate_hit(rate, user_key="u")

    assert refused.value.retry_after == WINDOW - 10
    assert "50초" in refused.value.messages[0]


def test_check_counts_nothing_and_count_refuses_nothing(clock):
    """Check-then-count: successes are free, only counted failures lead to a refusal."""
    rate = _rate(per_user=2)
    for _ in range(10):
        ratelimit.rate_check(rate, user_key="u")

    ratelimit.rate_count(rate, user_key="u")
    ratelimit.rate_count(rate, user_key="u")
    ratelimit.rate_count(rate, user_key="u")  # over the limit, yet no error: the failure was already answered

    with pytest.raises(RateLimited):
        ratelimit.rate_check(rate, user_key="u")


def test_either_side_refuses_and_sides_are_counted_apart(clock):
    """An address is refused once the whole of it reached its limit; a member's limit follows them anywhere."""
    rate = _rate(per_ip=3, per_user=2)
    ratelimit.rate_count(rate, ip="10.0.0.1", user_key="a")
    ratelimit.rate_count(rate, ip="10.0.0.1", user_key="b")
    ratelimit.rate_check(rate, ip="10.0.0.1", user_key="c")
    ratelimit.rate_count(rate, ip="10.0.0.1", user_key="c")

    with pytest.raises(RateLimited):
        ratelimit.rate_check(rate, ip="10.0.0.1", user_key="d")  # the address is full
    ratelimit.rate_count(rate, ip="10.0.0.2", user_key="a")
    with pytest.raises(RateLimited):
        ratelimit.rate_check(rate, ip="10.0.0.3", user_key="a")  # "a" is full from any address


def test_clear_forgets_one_member_but_not_the_address(clock):
    """A login that succeeds wipes that ID's failures; the address keeps counting what it tried."""
    rate = _rate(per_ip=3, per_user=2)
    ratelimit.rate_count(rate, ip="10.0.0.1", user_key="a")
    ratelimit.rate_count(rate, ip="10.0.0.1", user_key="a")
    with pytest.raises(RateLimited):
        ratelimit.rate_check(rate, ip="10.0.0.9", user_key="a")

    ratelimit.rate_clear(rate, user_key="a")

    ratelimit.rate_check(rate, ip="10.0.0.9", user_key="a")
    ratelimit.rate_count(rate, ip="10.0.0.1", user_key="b")
    with pytest.raises(RateLimited):
        ratelimit.rate_check(rate, ip="10.0.0.1", user_key="c")


def test_a_local_rate_counts_in_this_process_and_never_in_the_shared_cache(clock):
    """Hearts beyond the per-connection limit are dropped without a round trip to Redis; clear works too."""
    rate = Rate(name=_rate().name, seconds=1, per_ip=0, per_user=5, local=True)

    assert _allowed(rate, 8, user_key="connection-1") == 5
    assert _allowed(rate, 8, user_key="connection-2") == 5
    assert not cache.keys(f"*ratelimit:{rate.name}*")

    ratelimit.rate_clear(rate, user_key="connection-1")
    assert _allowed(rate, 8, user_key="connection-1") == 5


def test_a_tuned_rate_keeps_its_counters_with_the_new_limits(clock):
    """Staff raising the chat's limit at run time lets the sender on at once; lowering it bites at once."""
    base = _rate(per_user=5)
    assert _allowed(base.tuned(per_user=3), 5, user_key="u") == 3

    assert _allowed(base.tuned(per_user=8), 5, user_key="u") == 3  # 5 counted (refused ones too), 8 allowed
    assert base.tuned(seconds=0, per_user=-1) == Rate(
        name=base.name, seconds=1, per_ip=0, per_user=1, message=base.message, code=base.code
    )


def test_every_named_rate_has_a_korean_message_and_a_limit():
    """The table at the end of the module: each rate refuses in Korean and limits at least one side."""
    rates = [value for value in vars(ratelimit).values() if isinstance(value, Rate)]

    assert {rate.name for rate in rates} >= {"signup", "login-failure", "live-chat", "live-like", "live-hold"}
    for rate in rates:
        assert rate.per_ip or rate.per_user, rate.name
        assert "너무" in rate.message or "잠시" in rate.message, rate.name
