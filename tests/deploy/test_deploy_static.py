"""No Docker engine runs here, so the deployment files are checked statically: the compose file against
the Compose Specification JSON schema, the Kubernetes manifests against the Kubernetes OpenAPI schemas
(kubernetes-validate), the Dockerfiles parsed with dockerfile-parse; plus the wiring between them."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

REPO = Path(__file__).resolve().parents[2]
SERVICES = {"allocation": 8001, "declaration": 8002, "eligibility": 8003, "reporting": 8005}
K8S_VERSION = "1.31.0"


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_file_matches_the_compose_specification() -> None:
    schema_text = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    validator = jsonschema.Draft7Validator(json.loads(schema_text))
    errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_compose_wiring() -> None:
    spec = compose()["services"]
    assert {"postgres", "migrate", *SERVICES} <= set(spec)
    for name, port in SERVICES.items():
        svc = spec[name]
        assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert f"{port}:{port}" in svc["ports"]
        env = svc["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["DATABASE_SCHEMA"] == name and env["SERVICE_NAME"] == name
        for other, other_port in SERVICES.items():
            assert env[f"{other.upper()}_URL"] == f"http://{other}:{other_port}"  # wired by service name
        assert "?" in env["SERVICE_TOKEN"]  # required from .env, never a default in the repository
        for dep in svc["depends_on"]:
            assert dep in spec
    assert spec["migrate"]["restart"] == "no"
    assert "pg_isready" in " ".join(spec["postgres"]["healthcheck"]["test"])


def _manifests() -> list[tuple[str, dict]]:
    docs = []
    for path in sorted((REPO / "deploy" / "k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs.extend((path.name, d) for d in yaml.safe_load_all(path.read_text()) if d)
    return docs


@pytest.mark.parametrize("name,doc", _manifests(), ids=lambda v: v if isinstance(v, str) else v.get("kind", "?"))
def test_manifest_is_valid_kubernetes(name: str, doc: dict) -> None:
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((REPO / "deploy" / "k8s" / "kustomization.yaml").read_text())
    files = {p.name for p in (REPO / "deploy" / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_deployments_are_probed_limited_scaled_and_unprivileged() -> None:
    by_kind: dict[str, dict[str, dict]] = {}
    for _, doc in _manifests():
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    assert set(by_kind["Deployment"]) == set(SERVICES)
    for name, dep in by_kind["Deployment"].items():
        pod = dep["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        secrets = [e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e]
        assert "berichten-secrets" in secrets  # secrets by reference only
        assert by_kind["HorizontalPodAutoscaler"][name]["spec"]["scaleTargetRef"]["name"] == name
        svc = by_kind["Service"][name]
        assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]
        assert svc["spec"]["ports"][0]["port"] == SERVICES[name]
    job = by_kind["Job"]["berichten-migrate"]
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["berichten", "migrate"]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_dockerfile_is_multistage_slim_nonroot_and_healthchecked(service: str) -> None:
    parser = DockerfileParser(path=str(REPO / "deploy" / "docker" / f"{service}.Dockerfile"))
    stages = [i for i in parser.structure if i["instruction"] == "FROM"]
    assert len(stages) >= 2 and all("slim" in s["value"] for s in stages)
    final = [i for i in parser.structure if i["startline"] > stages[-1]["startline"]]
    users = [i["value"] for i in final if i["instruction"] == "USER"]
    assert users and not users[-1].startswith(("root", "0"))
    assert any(i["instruction"] == "HEALTHCHECK" and "/health/ready" in i["value"] for i in final)
    assert any(i["instruction"] == "EXPOSE" and i["value"] == str(SERVICES[service]) for i in final)
    assert f"serve {service}" in [i for i in final if i["instruction"] == "CMD"][-1]["value"]


def test_no_secrets_in_the_repository() -> None:
    """Demo tokens are public by design (hash-only in the parties file); no real credentials anywhere."""
    text = (REPO / "docker-compose.yml").read_text() + "".join(p.read_text() for p in (REPO / "deploy").rglob("*.yaml"))
    for marker in ("BEGIN PRIVATE KEY", "password:", "POSTGRES_PASSWORD: berichten"):
        assert marker not in text
    parties = yaml.safe_load((REPO / "deploy" / "demo" / "parties.yaml").read_text())
    for party in parties["parties"]:
        for token in party["tokens"]:
            assert set(token) <= {"label", "sha256", "not_before", "not_after"}
            assert len(token["sha256"]) == 64
