from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.common.devstack import free_port
from services.common.migrate import upgrade
from services.common.settings import REPO_ROOT, CommonSettings

from ..conftest import database_url


@dataclass
class KernelService:
    url: str
    log: Path
    proc: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def kernel_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelService]:
    """The kernel test app as a real uvicorn process with its own freshly migrated database."""
    yield from start_kernel_service(tmp_path_factory.mktemp("kernel"), {})


def start_kernel_service(tmp: Path, extra_env: dict[str, str]) -> Iterator[KernelService]:
    port = free_port()
    env = {**os.environ, "SERVICE_NAME": "allocation", "LOG_JSON": "true",
           "PARTIES_FILE": str(REPO_ROOT / "deploy/demo/parties.yaml"), "MAX_BODY_BYTES": str(25 * 1024 * 1024),
           **extra_env}
    pg = database_url()
    schema = f"k{os.getpid()}_{port}_kernel"
    if pg:
        env.update(DATABASE_URL=pg, DATABASE_SCHEMA=schema)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'kernel.db'}"
    upgrade("allocation", CommonSettings(service_name="allocation", database_url=env["DATABASE_URL"],
                                         database_schema=env.get("DATABASE_SCHEMA")))
    log = tmp / "kernel.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.common.kernel_app:app", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=REPO_ROOT, stdout=open(log, "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/health/ready", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        import time

        time.sleep(0.1)
    yield KernelService(url, log, proc)
    proc.terminate()
    proc.wait(10)
    if pg:
        from sqlalchemy import create_engine, text

        eng = create_engine(pg)
        with eng.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()
