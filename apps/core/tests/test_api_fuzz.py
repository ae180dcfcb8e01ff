"""The JSON API fuzzed by schemathesis from its own OpenAPI schema (/api/schema/, drf-spectacular) on a live
server, logged in with a JWT: no 5xx, and every status, header and body the schema documents.

Every check runs except "schema-valid data is accepted": DRF refuses NUL characters and whitespace-only
strings (400 with the field named), which JSON Schema cannot say; a 400 for them is the documented error.

One test per operation, each a bounded hypothesis run (``MAX_EXAMPLES``), so the suite stays quick; the
operations are read from the schema at collection, so a new endpoint is fuzzed without touching this file.
"""

import hypothesis
import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.accounts.tests.factories import PASSWORD, UserFactory

MAX_EXAMPLES = 50
METHODS = {"get", "put", "post", "patch", "delete"}


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    )


@pytest.fixture
def api(live_server):
    """The served schema, loaded by schemathesis, and a fuzzing member's bearer token."""
    user = UserFactory(username="fuzzer")
    token = requests.post(
        f"{live_server.url}/api/auth/token/",
        json={"username": user.username, "password": PASSWORD},
        timeout=10,
    ).json()["access"]
    raw = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(raw)
    return schema, live_server.url, {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("method", "path"), _operations())
def test_operation_survives_fuzzing_and_matches_its_schema(api, method, path):
    """Generated requests never get a 5xx, and each response conforms to the documented schema."""
    schema, base_url, headers = api
    operation = schema[path][method]

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(base_url=base_url, headers=headers, excluded_checks=[positive_data_acceptance])

    fuzz()
