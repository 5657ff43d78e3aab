"""Start the platform's processes locally: used by `berichten run`, the tests and the benchmarks.

Each service runs as its own uvicorn process with its own database (a SQLite file, or a schema in a
PostgreSQL database), exactly as in production, so tests exercise real HTTP between real processes.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .settings import REPO_ROOT

SERVICES = ("eligibility", "allocation", "declaration", "reporting")  # start order: dependencies first
DEFAULT_PORTS = {"allocation": 8001, "declaration": 8002, "eligibility": 8003, "brp": 8004, "reporting": 8005}
DEMO_SERVICE_TOKENS = {s: f"demo-service-{s}" for s in SERVICES}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def brp_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("services.eligibility.brp.standin") is not None
    except ModuleNotFoundError:
        return False


@dataclass
class Proc:
    name: str
    port: int
    env: dict[str, str]
    args: list[str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Stack:
    base_dir: Path
    database_url: str | None = None  # PostgreSQL URL: one schema per service; None: SQLite files
    ports: dict[str, int] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    schema_prefix: str = ""
    procs: dict[str, Proc] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        for name in (*SERVICES, "brp"):
            if name not in self.ports:
                port = free_port()
                while port in self.ports.values():  # bind(0) may hand out a port just given back
                    port = free_port()
                self.ports[name] = port
        if self.database_url and not self.schema_prefix:
            self.schema_prefix = f"t{uuid.uuid4().hex[:8]}_"

    # ---- configuration -------------------------------------------------------------------------
    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def service_env(self, name: str) -> dict[str, str]:
        env = {
            "SERVICE_NAME": name,
            "PARTIES_FILE": str(REPO_ROOT / "deploy" / "demo" / "parties.yaml"),
            "PARTIES_RELOAD_SECONDS": "1",
            "SERVICE_TOKEN": DEMO_SERVICE_TOKENS.get(name, ""),
            "ALLOCATION_URL": self.url("allocation"),
            "DECLARATION_URL": self.url("declaration"),
            "ELIGIBILITY_URL": self.url("eligibility"),
            "REPORTING_URL": self.url("reporting"),
            "BRP_URL": self.url("brp"),
            "BRP_API_KEY": "demo-brp-key",
            "OUTBOX_POLL_SECONDS": "0.2",
            "LOG_JSON": "true",
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
            env["DATABASE_SCHEMA"] = f"{self.schema_prefix}{name}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.base_dir / (name + '.db')}"
        env.update(self.extra_env)
        return env

    def settings(self, name: str):  # type: ignore[no-untyped-def]
        from .settings import CommonSettings

        env = self.service_env(name)
        return CommonSettings(
            service_name=name, database_url=env["DATABASE_URL"], database_schema=env.get("DATABASE_SCHEMA"),
        )

    # ---- lifecycle -----------------------------------------------------------------------------
    def migrate(self) -> None:
        from .migrate import upgrade

        for name in SERVICES:
            upgrade(name, self.settings(name))

    def load_demo(self) -> None:
        """Each service loads its own demo data through its own code (subprocess: its own settings)."""
        for name in SERVICES:
            env = {**os.environ, **self.service_env(name)}
            subprocess.run([sys.executable, "-m", "services.common.cli", "demo-data", name], env=env, check=True,
                           cwd=REPO_ROOT)

    def _proc(self, name: str) -> Proc:
        if name == "brp":
            args = [sys.executable, "-m", "services.common.cli", "serve-brp", "--port", str(self.ports["brp"])]
        else:
            args = [sys.executable, "-m", "services.common.cli", "serve", name, "--port", str(self.ports[name])]
        return Proc(name, self.ports[name], self.service_env(name), args, self.base_dir / f"{name}.log")

    def start(self, names: tuple[str, ...] | None = None, wait: bool = True) -> None:
        if names is None:
            names = (("brp",) if brp_available() else ()) + SERVICES
        for name in names:
            proc = self.procs.get(name) or self._proc(name)
            self.procs[name] = proc
            log = open(proc.log_path, "ab")  # noqa: SIM115 - owned by the child process
            proc.popen = subprocess.Popen(proc.args, env={**os.environ, **proc.env}, stdout=log,
                                          stderr=subprocess.STDOUT, cwd=REPO_ROOT)
        if wait:
            for name in names:
                self.wait_ready(name)

    def wait_ready(self, name: str, timeout: float = 60.0) -> None:
        proc = self.procs[name]
        path = "/health/live" if name == "brp" else "/health/ready"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.popen is not None and proc.popen.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.popen.returncode}; see {proc.log_path}")
            try:
                resp = httpx.get(proc.url + path, timeout=1.0)
                # the service asked for, not another process that got the port first (ours then fails to bind)
                if resp.status_code == 200 and (name == "brp" or resp.json().get("dienst") == name):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{name} not ready after {timeout}s; see {proc.log_path}")

    def stop(self, names: tuple[str, ...] | None = None, sig: int = signal.SIGTERM) -> None:
        for name in names or tuple(self.procs):
            proc = self.procs.get(name)
            if proc and proc.popen and proc.popen.poll() is None:
                proc.popen.send_signal(sig)
                try:
                    proc.popen.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.popen.kill()
                    proc.popen.wait()

    def kill(self, name: str) -> None:
        self.stop((name,), sig=signal.SIGKILL)

    def restart(self, name: str) -> None:
        self.stop((name,))
        self.start((name,))

    def drop_schemas(self) -> None:
        if not self.database_url:
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)
        with engine.begin() as conn:
            for name in SERVICES:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema_prefix}{name}" CASCADE'))
        engine.dispose()

    def analyze(self, name: str) -> None:
        """Statistics for the planner on a service's tables, as the autovacuum daemon would gather them within
        a minute: a benchmark that has just loaded its data measures the steady state, not young statistics."""
        from sqlalchemy import text

        from .db import make_engine

        settings = self.settings(name)
        engine = make_engine(settings)
        with engine.begin() as conn:
            if engine.dialect.name != "postgresql":
                conn.execute(text("ANALYZE"))
            else:
                tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"),
                                      {"s": settings.database_schema}).scalars().all()
                for table in tables:
                    conn.execute(text(f'ANALYZE "{settings.database_schema}"."{table}"'))
        engine.dispose()

    def log_lines(self) -> list[str]:
        lines: list[str] = []
        for proc in self.procs.values():
            if proc.log_path.exists():
                lines.extend(proc.log_path.read_text(errors="replace").splitlines())
        return lines
