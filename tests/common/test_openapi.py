"""Each service's OpenAPI document is committed, matches what the running service publishes, and passes
the NL API Design Rules linter (Logius Spectral ruleset) with zero errors."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("allocation", "declaration", "eligibility", "reporting")


@pytest.mark.parametrize("service", SERVICES)
def test_published_openapi_matches_committed_file(stack, service: str) -> None:  # type: ignore[no-untyped-def]
    published = httpx.get(stack.url(service) + "/v1/openapi.json", timeout=30).json()
    committed = json.loads((REPO / "services" / service / "openapi.json").read_text(encoding="utf-8"))
    assert published == committed, (
        f"services/{service}/openapi.json is out of date: run `berichten openapi --write` and review the diff"
    )


def _spectral() -> list[str]:
    local = REPO / "node_modules" / ".bin" / "spectral"
    if local.exists():
        return [str(local)]
    pytest.skip("Spectral is not installed (make test installs it with npm when npm is available)")
    return []


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_passes_nl_api_design_rules(service: str, official_dir: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not available")
    ruleset = official_dir / "api-design-rules" / "linter.yaml"
    document = REPO / "services" / service / "openapi.json"
    result = subprocess.run([*_spectral(), "lint", "-r", str(ruleset), "-f", "json", str(document)],
                            capture_output=True, text=True, timeout=300)
    # with no findings at all Spectral prints "[]" followed by a plain-text line: read only the JSON value
    findings, _ = json.JSONDecoder().raw_decode(result.stdout.strip() or "[]")
    errors = [f"{'.'.join(map(str, f['path']))}: {f['code']}: {f['message']}" for f in findings if f["severity"] == 0]
    assert not errors, "\n".join(errors)


def test_readme_configuration_table_is_current() -> None:
    from services.common.cli import CONFIG_END, CONFIG_START, config_table

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    current = readme.split(CONFIG_START, 1)[1].split(CONFIG_END, 1)[0].strip()
    assert current == config_table().strip(), "run `berichten config-table --write`"
