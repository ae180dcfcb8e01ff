"""Fixtures of the reports tests: throwaway jobs in the registry and clean runtime settings."""

import pytest
from celery.schedules import crontab

from apps.live.tests.conftest import live_media, media_server, publisher  # noqa: F401  (the monitor's stream)
from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone  # noqa: F401  (orders paid in the PG sandbox)
from apps.reports import registry


@pytest.fixture
def register_job():
    """Register a job for one test; it leaves the registry when the test ends."""
    added: list[str] = []

    def add(name: str, function, **options):
        options.setdefault("schedule", crontab(hour=3, minute=0))
        registry.job(name, **options)(function)
        added.append(name)
        return registry.job_get(name)

    yield add
    for name in added:
        registry._jobs.pop(name, None)


@pytest.fixture(autouse=True)
def _runtime_settings_reset(settings):
    """Runtime settings start at their defaults (they live in this run's Redis keys, outside transactions)."""
    from constance import config

    yield
    for name, (default, *_rest) in settings.CONSTANCE_CONFIG.items():
        setattr(config, name, default)
