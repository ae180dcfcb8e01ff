"""The Kubernetes manifests (docker/k8s/) are valid for Kubernetes 1.30 and deploy what production needs.

kubernetes-validate checks each one against that version's schemas (bundled in the package, so offline), in
strict mode (a misspelt field fails). The production overlay is rendered by apps/core/tests/kustomize.py,
which matches `kubectl kustomize` where kubectl is installed.
"""

import copy
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

from apps.core.tests.kustomize import documents, key, render

KUBERNETES_VERSION = "1.30.0"
ROOT = Path(settings.BASE_DIR)
K8S = ROOT / "docker" / "k8s"
SETTINGS = ROOT / "trimarket" / "settings"
APP_WORKLOADS = {
    ("Deployment", "web"),
    ("Deployment", "worker"),
    ("Deployment", "beat"),
    ("StatefulSet", "media"),
    ("Job", "migrate"),
}


@pytest.fixture(scope="module")
def production() -> dict[tuple[str, str], dict]:
    return {key(resource): resource for resource in render(K8S / "production")}


def _validate(resource: dict) -> None:
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def _pod(resource: dict) -> dict:
    return resource["spec"]["template"]["spec"]


def _container(resource: dict, name: str) -> dict:
    return next(container for container in _pod(resource)["containers"] if container["name"] == name)


def test_every_manifest_validates_for_kubernetes_1_30(production):
    """Every file's documents, the rendered overlay and the Secret example pass the 1.30 schemas, strictly."""
    files = sorted(K8S.rglob("*.yaml"))
    checked = 0
    for path in files:
        if path.name == "kustomization.yaml":
            continue
        for document in documents(path):
            if path.parent.name == "production" and path.name != "namespace.yaml":
                # A patch is a fragment: validated as part of the rendered overlay below.
                continue
            _validate(document)
            checked += 1
    for resource in production.values():
        _validate(resource)

    assert checked >= 20
    assert len(production) >= 20


def test_the_validator_rejects_a_broken_manifest(production):
    """A misspelt field, and a port given as a word, fail validation (the validator really validates)."""
    misspelt = copy.deepcopy(production[("Deployment", "web")])
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    wrong_type = copy.deepcopy(production[("Service", "media-rtmp")])
    wrong_type["spec"]["ports"][0]["port"] = "rtmp"

    for broken in (misspelt, wrong_type):
        with pytest.raises(kubernetes_validate.ValidationError):
            _validate(broken)


def _kustomize_version() -> tuple[int, ...] | None:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        return None
    result = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True, timeout=60)
    found = re.search(r"Kustomize Version: v(\d+)\.(\d+)", result.stdout)
    return tuple(int(part) for part in found.groups()) if found else None


def test_the_python_renderer_renders_what_kubectl_kustomize_does(production):
    """Where kubectl (kustomize v4+) is installed, its render of the overlay equals the suite's, resource by resource."""
    version = _kustomize_version()
    if not version or version < (4,):
        pytest.skip("kubectl with kustomize v4+ is not installed (Debian's kubernetes-client bundles v2)")
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "production")], capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    rendered = {key(resource): resource for resource in yaml.safe_load_all(result.stdout) if resource}
    assert set(rendered) == set(production)
    for name, resource in rendered.items():
        assert production[name] == resource, name


def test_beat_runs_exactly_one(production):
    """Beat has one replica and is replaced, never run beside its successor (two would send every job twice)."""
    beat = production[("Deployment", "beat")]

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert _container(beat, "beat")["command"][:4] == ["celery", "-A", "trimarket", "beat"]
    assert not any(
        r["kind"] == "HorizontalPodAutoscaler" and r["spec"]["scaleTargetRef"]["name"] == "beat"
        for r in production.values()
    )


def test_web_scales_on_cpu_and_drains_before_it_stops(production):
    """web: uvicorn under an HPA (3–20 in production), probes on /healthz, a preStop sleep, resources set."""
    web = production[("Deployment", "web")]
    hpa = production[("HorizontalPodAutoscaler", "web")]
    container = _container(web, "web")

    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 20)
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert "replicas" not in web["spec"]  # the HPA owns the count
    assert container["command"][0] == "uvicorn"
    assert container["image"] == "registry.example.com/trimarket/app:1.0.0"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/healthz", probe
    assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"
    assert _pod(web)["terminationGracePeriodSeconds"] > int(
        container["lifecycle"]["preStop"]["exec"]["command"][1]
    )
    assert container["resources"]["requests"]["cpu"] == "1"
    assert container["resources"]["limits"]["memory"]
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_the_probes_host_is_allowed(production):
    """The probes name a host Django accepts (a disallowed Host would answer 400 and fail every probe)."""
    allowed = production[("ConfigMap", "trimarket-config")]["data"]["ALLOWED_HOSTS"].split(",")
    probe = _container(production[("Deployment", "web")], "web")["readinessProbe"]["httpGet"]
    host = next(header["value"] for header in probe["httpHeaders"] if header["name"] == "Host")

    assert host in allowed
    assert "shop.example.com" in allowed


def test_the_ingress_passes_websockets_with_long_timeouts(production):
    """/ws/ goes to web with an hour's proxy timeouts and HTTP/1.1; the rest has a minute; both use TLS."""
    live = production[("Ingress", "trimarket-live")]
    site = production[("Ingress", "trimarket")]

    (live_rule,) = live["spec"]["rules"]
    (ws_path,) = live_rule["http"]["paths"]
    assert ws_path["path"] == "/ws/"
    assert ws_path["backend"]["service"]["name"] == "web"
    annotations = live["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    assert annotations["nginx.ingress.kubernetes.io/proxy-http-version"] == "1.1"
    assert int(site["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"]) <= 60
    routes = {
        path["path"]: path["backend"]["service"]["name"] for path in site["spec"]["rules"][0]["http"]["paths"]
    }
    assert routes == {"/hls/": "media", "/media/": "uploads", "/": "web"}
    for ingress in (live, site):
        assert ingress["spec"]["ingressClassName"] == "nginx"
        assert ingress["spec"]["rules"][0]["host"] == "shop.example.com"
        assert ingress["spec"]["tls"][0]["hosts"] == ["shop.example.com"]


def test_media_is_one_stateful_pod_with_its_volume_and_rtmp_on_1935(production):
    """The media StatefulSet keeps HLS and recordings on its claim; a LoadBalancer takes RTMP on 1935."""
    media = production[("StatefulSet", "media")]
    rtmp = production[("Service", "media-rtmp")]
    container = _container(media, "media")

    assert media["spec"]["replicas"] == 1
    assert container["image"] == "registry.example.com/trimarket/media:1.0.0"
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == "/app/var/media-server")
    volume = next(v for v in _pod(media)["volumes"] if v["name"] == mount["name"])
    assert volume["persistentVolumeClaim"]["claimName"] == "media-server"
    assert ("PersistentVolumeClaim", "media-server") in production
    assert rtmp["spec"]["type"] in {"LoadBalancer", "NodePort"}
    (port,) = rtmp["spec"]["ports"]
    assert port["port"] == 1935
    assert {"name": "rtmp", "containerPort": 1935} in container["ports"]
    assert rtmp["spec"]["selector"] == media["spec"]["template"]["metadata"]["labels"]


def _prod_required() -> set[str]:
    source = (SETTINGS / "prod.py").read_text() + (SETTINGS / "serving.py").read_text()
    return set(re.findall(r'required\("([A-Z_]+)"\)', source))


def test_every_variable_production_requires_is_provided(production):
    """Each name prod settings require is in the ConfigMap or the Secret, which every app container reads."""
    from apps.core.tests.test_settings import PROD_REQUIRED

    config = production[("ConfigMap", "trimarket-config")]["data"]
    (secret,) = documents(K8S / "secret.example.yaml")
    required = _prod_required()

    assert required == set(PROD_REQUIRED)
    assert required <= set(config) | set(secret["stringData"])
    assert all(value == "" for value in secret["stringData"].values())  # no secret in the repository
    for workload in APP_WORKLOADS:
        for container in (
            _pod(production[workload]).get("initContainers", []) + _pod(production[workload])["containers"]
        ):
            sources = {next(iter(source.values()))["name"] for source in container["envFrom"]}
            assert sources == {"trimarket-config", secret["metadata"]["name"]}, workload


def test_the_archive_is_written_to_its_claim_on_the_worker(production):
    """REPORTS_ARCHIVE_DIR is where the worker (which runs the nightly archive) mounts the `archive` claim."""
    directory = production[("ConfigMap", "trimarket-config")]["data"]["REPORTS_ARCHIVE_DIR"]
    worker = production[("Deployment", "worker")]
    mount = next(m for m in _container(worker, "worker")["volumeMounts"] if m["mountPath"] == directory)
    volume = next(v for v in _pod(worker)["volumes"] if v["name"] == mount["name"])

    assert volume["persistentVolumeClaim"]["claimName"] == "archive"


def test_migrations_run_in_a_job_that_web_waits_for(production):
    """The migrate Job runs `migrate`; web's init container waits until none is unapplied."""
    job = production[("Job", "migrate")]
    (waiter,) = _pod(production[("Deployment", "web")])["initContainers"]

    assert _container(job, "migrate")["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert _pod(job)["restartPolicy"] == "Never"
    assert "migrate --check" in waiter["command"][-1]


def _without_option(command: list[str], option: str) -> list[str]:
    index = command.index(option)
    return command[:index] + command[index + 2 :]


def test_web_pods_run_uvicorn_as_compose_does(production):
    """The same server flags as compose's web replicas (the graceful shutdown too), but for whom to trust."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["web1"]["command"]
    command = _container(production[("Deployment", "web")], "web")["command"]

    assert _without_option(command, "--forwarded-allow-ips") == _without_option(
        compose, "--forwarded-allow-ips"
    )
    assert command[command.index("--forwarded-allow-ips") + 1] == "$(FORWARDED_ALLOW_IPS)"
    assert "FORWARDED_ALLOW_IPS" in production[("ConfigMap", "trimarket-config")]["data"]


def test_the_uploads_server_config_passes_nginx_t(tmp_path, production):
    """The nginx that serves /media/ from the uploads claim is given a configuration `nginx -t` accepts."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: apt-get install nginx (make test does it)"
    server = production[("ConfigMap", "uploads-nginx")]["data"]["default.conf"]
    (tmp_path / "default.conf").write_text(server)
    main = f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n    include {tmp_path}/default.conf;\n}}\n"
    (tmp_path / "nginx.conf").write_text(main)

    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "alias /srv/media/;" in server
