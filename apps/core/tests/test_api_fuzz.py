"""The JSON API fuzzed by schemathesis from its own OpenAPI schema (/api/schema/, drf-spectacular) on a live
server, logged in with a JWT: no 5xx, and every status, header and body the schema documents.

Every check runs except "schema-valid data is accepted": DRF refuses NUL characters and whitespace-only
strings (400 with the field named), which JSON Schema cannot say; a 400 for them is the documented error.

The operations are read from the schema at collection, so a new endpoint is fuzzed without touching this file.
The token endpoints under /api/ get one test each (``MAX_EXAMPLES``). REST API v1 (/api/v1/, some forty
operations) is fuzzed in one test on one database (``V1_MAX_EXAMPLES`` each), so the suite pays the live
server's database set-up once, not forty times: about half a minute. Its member has a cart line, an order, an
address and a live broadcast to find, so generated requests reach real objects too (their ids are in the
schema's examples only by chance: most object requests end in the documented 404).
"""

import hypothesis
import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.accounts.tests.factories import PASSWORD, ShippingAddressFactory, UserFactory
from apps.catalog.tests.factories import ProductOptionFactory
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders import services as order_services
from apps.orders.tests.factories import order_make

MAX_EXAMPLES = 50
V1_MAX_EXAMPLES = 12
V1_PREFIX = "/api/v1/"
METHODS = {"get", "put", "post", "patch", "delete"}
# Throttles would answer most of the fuzzer's burst with a (documented) 429 and test nothing else.
UNTHROTTLED = {"anon": "100000/min", "user": "100000/min", "checkout": "100000/min"}


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    )


def _fuzz(operation, *, base_url: str, headers: dict, max_examples: int) -> None:
    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(base_url=base_url, headers=headers, excluded_checks=[positive_data_acceptance])

    fuzz()


@pytest.fixture
def api(live_server, monkeypatch):
    """The served schema, loaded by schemathesis, and a fuzzing member's bearer token."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", UNTHROTTLED)
    user = UserFactory(username="fuzzer")
    token = requests.post(
        f"{live_server.url}/api/auth/token/",
        json={"username": user.username, "password": PASSWORD},
        timeout=10,
    ).json()["access"]
    raw = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(raw)
    return schema, live_server.url, {"Authorization": f"Bearer {token}"}, user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("method", "path"), [op for op in _operations() if not op[1].startswith(V1_PREFIX)])
def test_operation_survives_fuzzing_and_matches_its_schema(api, method, path):
    """Generated requests never get a 5xx, and each response conforms to the documented schema."""
    schema, base_url, headers, _user = api
    _fuzz(schema[path][method], base_url=base_url, headers=headers, max_examples=MAX_EXAMPLES)


@pytest.mark.django_db(transaction=True)
def test_every_v1_operation_survives_fuzzing_and_matches_its_schema(api):
    """Each /api/v1/ operation in turn: never a 5xx, every response as documented; all failures reported."""
    schema, base_url, headers, user = api
    item = BroadcastProductFactory(broadcast=make_live(BroadcastFactory()))
    option = ProductOptionFactory(product=item.product, stock=50)
    order_services.cart_item_add(user=user, option_id=option.pk)
    order_make(user=user, option=option)
    ShippingAddressFactory(user=user, is_default=True)
    operations = [op for op in _operations() if op[1].startswith(V1_PREFIX)]
    assert len(operations) > 30

    failures = {}
    for method, path in operations:
        try:
            _fuzz(schema[path][method], base_url=base_url, headers=headers, max_examples=V1_MAX_EXAMPLES)
        except Exception as error:  # every operation's failure is reported, not just the first
            failures[f"{method} {path}"] = str(error)[:2000]
    assert not failures, "\n\n".join(f"{op}:\n{why}" for op, why in failures.items())
