"""Production settings refuse to start half-configured and pass Django's deployment checklist."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

# Every variable trimarket.settings.prod requires (the Kubernetes test checks its config provides each).
PROD_REQUIRED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "RTMP_INGEST_URL",
    "HLS_BASE_URL",
    "REPORTS_ARCHIVE_DIR",
    "PORTONE_IMP_KEY",
    "PORTONE_IMP_SECRET",
    "PORTONE_IMP_CODE",
    "FIELD_ENCRYPTION_KEYS",
)
PROD_ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in {*PROD_REQUIRED, "DJANGO_SETTINGS_MODULE"} and not key.startswith("PORTONE_")
}
STRONG_KEY = "q7#Vd9!mZp2@Lx8^Rt4&Wn6*Hs1(Kc3)Jb5-Fg0+Ye7=Ua9_Ql2~Zo4"
# A real shop's values (PortOne's own API by default).
PROD_VARIABLES = {
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "mysql://trimarket:pw@db.internal:3306/trimarket",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "RTMP_INGEST_URL": "rtmp://live.shop.example.com:1935/live",
    "HLS_BASE_URL": "https://shop.example.com/hls",
    "REPORTS_ARCHIVE_DIR": "/app/var/archive",
    "PORTONE_IMP_KEY": "1234567890123456",
    "PORTONE_IMP_SECRET": "portone-secret-from-the-console",
    "PORTONE_IMP_CODE": "imp12345678",
    "FIELD_ENCRYPTION_KEYS": "UHJvZHVjdGlvbi1maWVsZC1rZXktb2YtdGhlLXNob3A=,b2xkZXItcHJvZHVjdGlvbi1maWVsZC1rZXktb2Ytc2g=",
}


def _check_deploy(**extra_env: str) -> subprocess.CompletedProcess:
    env = {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "trimarket.settings.prod", **extra_env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _without(name: str) -> dict[str, str]:
    return {key: value for key, value in PROD_VARIABLES.items() if key != name}


@pytest.mark.parametrize("name", PROD_REQUIRED)
def test_prod_names_each_missing_variable(name):
    """Without any one required variable the production start stops and says which one to set."""
    result = _check_deploy(**_without(name))

    assert result.returncode != 0
    assert f"Set the {name} environment variable" in result.stderr


def test_prod_refuses_the_pg_sandbox_key():
    """The sandbox's own key (what base falls back to) is refused by name."""
    result = _check_deploy(**{**PROD_VARIABLES, "PORTONE_IMP_KEY": "imp_sandbox_key"})

    assert result.returncode != 0
    assert "PORTONE_IMP_KEY is the PG sandbox's key" in result.stderr


@pytest.mark.parametrize(
    ("api_url", "says"),
    [
        ("http://127.0.0.1:8090/", "is not https"),
        ("https://localhost:8090/", "points at this machine"),
        ("https://[::1]/", "points at this machine"),
    ],
)
def test_prod_refuses_a_portone_api_url_at_the_sandbox(api_url, says):
    """Real keys with PORTONE_API_URL at the sandbox (plain HTTP or this machine) stop the start, naming it."""
    result = _check_deploy(**PROD_VARIABLES, PORTONE_API_URL=api_url)

    assert result.returncode != 0
    assert "PORTONE_API_URL" in result.stderr
    assert says in result.stderr


def test_prod_with_its_variables_passes_check_deploy():
    """With its variables set, `check --deploy` reports no issue at all."""
    result = _check_deploy(**PROD_VARIABLES)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_prod_serves_the_addresses_and_archive_it_was_given():
    """The studio's RTMP address, the HLS base, the archive folder and PortOne's API are the ones set."""
    script = (
        "from django.conf import settings as s; "
        "print(s.RTMP_INGEST_URL, s.HLS_BASE_URL, s.REPORTS_ARCHIVE_DIR, s.PORTONE_API_URL, s.PORTONE_SANDBOX)"
    )
    env = {**PROD_ENV, **PROD_VARIABLES, "DJANGO_SETTINGS_MODULE": "trimarket.settings.prod"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "rtmp://live.shop.example.com:1935/live",
        "https://shop.example.com/hls",
        "/app/var/archive",
        "https://api.iamport.kr/",
        "False",
    ]


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        (settings.DEV_FIELD_ENCRYPTION_KEY, "key 1 is the development key"),
        ("UHJvZHVjdGlvbi1maWVsZC1rZXktb2YtdGhlLXNob3A=,not-a-key", "key 2 is not a Fernet key"),
    ],
)
def test_prod_refuses_the_development_or_a_malformed_field_key(keys, says):
    """Sealing production's phone and account numbers with the repository's key, or a broken one, stops the start."""
    result = _check_deploy(**{**PROD_VARIABLES, "FIELD_ENCRYPTION_KEYS": keys})

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr
    assert says in result.stderr
