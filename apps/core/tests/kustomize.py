"""The subset of kustomize that docker/k8s/ uses, in Python, so the suite renders the overlay without kubectl.

Supported in a kustomization.yaml: ``resources`` (files, or directories holding a kustomization), ``namespace``,
``images`` (``name`` → ``newName``/``newTag``) and ``patches`` given by ``path`` (strategic merge patches,
each document naming its target by kind and metadata.name). Anything else raises, so a manifest that starts
using more cannot pass unnoticed.

The strategic merge is the part of Kubernetes' that the patches use: maps merge key by key, a null deletes, a
list whose items all have a ``name`` (containers, env, volumes) merges item by item on it, and any other list
is replaced whole (as for an Ingress's rules). Where kubectl with kustomize v4+ is installed,
apps/core/tests/test_k8s.py checks that this renders exactly what it does.
"""

from pathlib import Path

import yaml

SUPPORTED = {"apiVersion", "kind", "namespace", "resources", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}


def documents(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def key(resource: dict) -> tuple[str, str]:
    return resource["kind"], resource["metadata"]["name"]


def _named(items: list) -> bool:
    return all(isinstance(item, dict) and "name" in item for item in items)


def strategic_merge(base, patch):
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for name, value in patch.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = strategic_merge(merged[name], value) if name in merged else value
        return merged
    if isinstance(base, list) and isinstance(patch, list) and base and _named(base) and _named(patch):
        merged = {item["name"]: item for item in base}
        for item in patch:
            merged[item["name"]] = strategic_merge(merged.get(item["name"], {}), item)
        return list(merged.values())
    return patch


def _pod_containers(resource: dict) -> list[dict]:
    spec = resource.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def _image_split(reference: str) -> tuple[str, str]:
    """("registry:5000/team/app", "1.2") from "registry:5000/team/app:1.2"; a digest is dropped."""
    reference = reference.split("@")[0]
    if ":" in reference.rsplit("/", 1)[-1]:
        name, tag = reference.rsplit(":", 1)
        return name, tag
    return reference, ""


def _image_set(resource: dict, image: dict) -> None:
    for container in _pod_containers(resource):
        name, tag = _image_split(container["image"])
        if name == image["name"]:
            new_name, new_tag = image.get("newName", name), image.get("newTag", tag)
            container["image"] = f"{new_name}:{new_tag}" if new_tag else new_name


def render(directory: Path) -> list[dict]:
    """The resources ``kubectl kustomize directory`` would print (in kustomization order, not kubectl's)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    if unsupported := set(kustomization) - SUPPORTED:
        raise ValueError(
            f"{directory}: kustomization fields this renderer does not do: {sorted(unsupported)}"
        )
    resources: list[dict] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        resources += render(path) if path.is_dir() else documents(path)
    by_key = {key(resource): index for index, resource in enumerate(resources)}
    for patch_entry in kustomization.get("patches", []):
        if set(patch_entry) != {"path"}:
            raise ValueError(f"{directory}: only patches given by path are rendered: {patch_entry}")
        for patch in documents(directory / patch_entry["path"]):
            index = by_key[key(patch)]
            resources[index] = strategic_merge(resources[index], patch)
    for image in kustomization.get("images", []):
        for resource in resources:
            _image_set(resource, image)
    if namespace := kustomization.get("namespace"):
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = namespace
    return resources
