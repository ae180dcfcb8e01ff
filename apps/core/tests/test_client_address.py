"""Who the client is, through the real server flags and gateway configuration (no mock of either).

A client that writes its own X-Forwarded-For must still be counted as itself: the login limit of 20 failures
per address is the user-visible proof. `make run` serves straight from uvicorn with the Procfile's flags; the
stack puts docker/nginx/nginx.conf in front of uvicorn with compose.yaml's flags, the gateway's address being
127.0.0.1 here as the stack tests make every internal host 127.0.0.1. The test client is the TLS terminator
in front of the gateway only when the test says so; otherwise the terminator is a documentation address
(192.0.2.1) that sends nothing.
"""

import os
import re
import shlex
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.conf import settings
from django.db import connection

from apps.core import ratelimit
from apps.core.testing import free_port

ROOT = Path(settings.BASE_DIR)
NGINX = "/usr/sbin/nginx"
UPSTREAM_HOSTS = re.compile(r"(\bserver\s+)(web\d+|media)(:\d+)")
ELSEWHERE = "192.0.2.1"


def _wait_for(url: str, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _procfile_web_command(port: int) -> list[str]:
    line = next(
        line for line in (ROOT / "docker/dev/Procfile").read_text().splitlines() if line.startswith("web:")
    )
    return shlex.split(line.removeprefix("web:").replace("${WEB_PORT:-8000}", str(port)))


def _compose_web_command(port: int) -> list[str]:
    command = yaml.safe_load((ROOT / "compose.yaml").read_text())["x-web"]["command"]
    command = [re.sub(r"\$\{GATEWAY_ADDRESS:-[^}]*\}", "127.0.0.1", part) for part in command]
    command[0] = str(ROOT / ".venv/bin/uvicorn")
    return [part.replace("0.0.0.0", "127.0.0.1").replace("8000", str(port)) for part in command]


@pytest.fixture
def app_server(db, tmp_path):
    """Starts uvicorn with the given command on this run's test database and Redis; stops it after."""
    started = []
    database = connection.settings_dict  # this run's test database

    def start(command: list[str], port: int) -> str:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trimarket.settings.test",
            "DATABASE_URL": "mysql://{USER}:{PASSWORD}@{HOST}:{port}/{NAME}".format(
                **database, port=database["PORT"] or 3306
            ),
            "REDIS_URL": settings.REDIS_URL,
        }
        log = tmp_path / f"uvicorn-{port}.log"
        with log.open("w") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        started.append(process)
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        return f"http://127.0.0.1:{port}"

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def gateway(tmp_path):
    """Runs docker/nginx/nginx.conf on a free port, its upstreams pointed at the given app port."""
    processes = []

    def start(app_port: int, *, tls_terminator: str = ELSEWHERE) -> str:
        port = free_port()
        text = (
            (ROOT / "docker/nginx/nginx.conf")
            .read_text()
            .replace("${TLS_TERMINATOR_ADDRESS}", tls_terminator)
        )
        text = UPSTREAM_HOSTS.sub(rf"\g<1>127.0.0.1:{app_port}", text)
        text = text.replace("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;")
        text = text.replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
        (tmp_path / "nginx.conf").write_text(text)
        process = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(tmp_path),
                "-c",
                str(tmp_path / "nginx.conf"),
                "-e",
                "stderr",
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        _wait_for(f"http://127.0.0.1:{port}/gateway-health")
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _failed_logins_with_forged_addresses(base_url: str, attempts: int) -> list[int]:
    """Wrong passwords for a different ID each time, each request claiming another X-Forwarded-For."""
    session = requests.Session()
    session.get(f"{base_url}/accounts/login/", timeout=10)
    statuses = []
    for number in range(attempts):
        response = session.post(
            f"{base_url}/accounts/login/",
            data={
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
                "username": f"nobody{number}",
                "password": "wrong-password-1!",
            },
            headers={
                "X-Forwarded-For": f"203.0.113.{number + 1}",
                "Referer": f"{base_url}/accounts/login/",
            },
            timeout=10,
        )
        statuses.append(response.status_code)
    return statuses


def _login_post_claiming_https(base_url: str) -> requests.Response:
    """A wrong login posted over plain HTTP with ``X-Forwarded-Proto: https`` and no Referer. Django checks the
    Referer of HTTPS form posts only: a request taken for HTTPS is refused (403), one taken for HTTP is answered
    with the form's error (200)."""
    session = requests.Session()
    session.get(f"{base_url}/accounts/login/", timeout=10)
    return session.post(
        f"{base_url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": "nobody",
            "password": "x-1!aaaa",
        },
        headers={"X-Forwarded-Proto": "https"},
        timeout=10,
    )


def test_make_run_counts_a_client_forging_x_forwarded_for_as_itself(app_server):
    """Served as `make run` serves: the 21st failed login from one client is refused, whatever address it claims."""
    port = free_port()
    base_url = app_server(_procfile_web_command(port), port)

    statuses = _failed_logins_with_forged_addresses(base_url, ratelimit.LOGIN_FAILURE.per_ip + 1)

    assert statuses[:-1] == [200] * ratelimit.LOGIN_FAILURE.per_ip
    assert statuses[-1] == 429


def test_the_gateway_replaces_a_forged_x_forwarded_for(app_server, gateway):
    """Through the gateway and compose's server flags, forged addresses do not escape the per-address limit."""
    app_port = free_port()
    app_server(_compose_web_command(app_port), app_port)
    base_url = gateway(app_port)

    statuses = _failed_logins_with_forged_addresses(base_url, ratelimit.LOGIN_FAILURE.per_ip + 1)

    assert statuses[:-1] == [200] * ratelimit.LOGIN_FAILURE.per_ip
    assert statuses[-1] == 429


def test_the_gateway_ignores_a_client_claiming_https(app_server, gateway):
    """A client's X-Forwarded-Proto: https is not believed: a plain-HTTP form post without Referer still works."""
    app_port = free_port()
    app_server(_compose_web_command(app_port), app_port)
    base_url = gateway(app_port)
    response = _login_post_claiming_https(base_url)

    assert response.status_code == 200
    assert "아이디 또는 비밀번호가 올바르지 않아요" in response.text


def test_the_gateway_believes_its_tls_terminator(app_server, gateway):
    """From TLS_TERMINATOR_ADDRESS the reported client and scheme are used: each reported client has its own
    limit, a form post reported as HTTPS is checked as one (no Referer: refused), plain HTTP goes to HTTPS."""
    app_port = free_port()
    app_server(_compose_web_command(app_port), app_port)
    base_url = gateway(app_port, tls_terminator="127.0.0.1")

    statuses = _failed_logins_with_forged_addresses(base_url, ratelimit.LOGIN_FAILURE.per_ip + 1)
    https_post = _login_post_claiming_https(base_url)

    plain = requests.get(
        f"{base_url}/accounts/login/",
        headers={"X-Forwarded-Proto": "http"},
        allow_redirects=False,
        timeout=10,
    )

    assert statuses == [200] * (ratelimit.LOGIN_FAILURE.per_ip + 1)
    assert https_post.status_code == 403
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
