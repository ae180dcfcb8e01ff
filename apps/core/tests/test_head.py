"""Every page that answers GET answers HEAD too (link checkers, uptime probes and crawlers ask with HEAD)."""

import pytest

from apps.core.tests.test_access_matrix import (  # noqa: F401 (world is a fixture)
    MATRIX,
    ROLES,
    _client,
    _matches,
    _verdict,
    world,
)

pytestmark = pytest.mark.django_db

GET_ROWS = sorted(route for route, (method, _path, _row) in MATRIX.items() if method == "GET")


def _role_that_gets_the_page(expected_row: str) -> tuple[str, str]:
    """The first role the table lets read the page (else the first role at all), with its expected answer."""
    expected = dict(zip(ROLES, expected_row.split(), strict=True))
    role = next((role for role in ROLES if expected[role].startswith("2")), ROLES[0])
    return role, expected[role]


def test_the_table_has_get_routes_to_probe():
    """The HEAD probe below walks the access matrix's GET rows, which are the site's pages."""
    assert {"", "healthz", "p/<int:pk>/", "live/", "favicon.ico"} <= set(GET_ROWS)


def test_every_get_route_answers_head_like_get(world):  # noqa: F811
    """HEAD gets GET's answer (never 405) for the role the access table lets read the page."""
    users, placeholders = world
    wrong = {}
    for route in GET_ROWS:
        _method, template, expected_row = MATRIX[route]
        role, expected = _role_that_gets_the_page(expected_row)
        response = _client(users[role]).head(template.format(**placeholders))
        verdict = _verdict(response)
        if not _matches(expected, verdict):
            wrong[route] = f"{role}: expected {expected}, got {verdict}"
    assert not wrong, wrong
