"""Production settings refuse to start half-configured and pass Django's deployment checklist."""

import os
import subprocess
import sys

from django.conf import settings

PROD_ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
}
STRONG_KEY = "q7#Vd9!mZp2@Lx8^Rt4&Wn6*Hs1(Kc3)Jb5-Fg0+Ye7=Ua9_Ql2~Zo4"


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


def test_prod_names_the_missing_secret_key():
    """Without SECRET_KEY the production start stops and says which variable to set."""
    result = _check_deploy(ALLOWED_HOSTS="shop.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_prod_names_the_missing_allowed_hosts():
    """Without ALLOWED_HOSTS the production start stops and says which variable to set."""
    result = _check_deploy(SECRET_KEY=STRONG_KEY)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_prod_with_its_variables_passes_check_deploy():
    """With its variables set, `check --deploy` reports no issue at all."""
    result = _check_deploy(SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="shop.example.com")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
