"""`berichten`: the platform's command line (typer).

    berichten validate FILE...          validate message files offline (exit 1 if any is invalid)
    berichten run                       migrate, load demo data and start everything on 8001-8005
    berichten migrate [SERVICE]         run Alembic migrations for one or all services
    berichten serve SERVICE [--port]    run one service (uvicorn, JSON logs)
    berichten token new                 make a new bearer token and the hash line for the parties file
    berichten rules                     list the implemented rules of the standard
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="iJw/iWmo 3.2 berichtenplatform")
token_app = typer.Typer(help="Bearer tokens")
app.add_typer(token_app, name="token")

# services with an HTTP API of their own
SERVICE_NAMES = ("allocation", "declaration", "eligibility", "reporting")


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="XML message files")],
    schemas_dir: Annotated[Path | None, typer.Option(
        help="directory with <ijw|iwmo>/3.2/*.xsd (an official release); default: the project's own",
        envvar="OFFICIAL_SCHEMAS_DIR")] = None,
) -> None:
    """Validate message files against the XSD of their type (detected from the namespace)."""
    from lxml import etree

    from .messages.types import by_namespace
    from .settings import REPO_ROOT
    from .xml.safe import XmlRejected, parse
    from .xml.schemas import SchemaRegistry

    registry = SchemaRegistry(schemas_dir or REPO_ROOT / "schemas",
                              fallback=REPO_ROOT / "schemas" if schemas_dir else None)
    bad = 0
    for path in files:
        try:
            root = parse(path.read_bytes())
        except XmlRejected as exc:
            typer.echo(f"{path}: ONGELDIG: {exc.detail}")
            bad += 1
            continue
        mtype = by_namespace(etree.QName(root).namespace or "")
        if mtype is None:
            typer.echo(f"{path}: ONGELDIG: onbekende namespace {etree.QName(root).namespace!r}")
            bad += 1
            continue
        errors = registry.validate(root, mtype, scrub=False)
        if errors:
            bad += 1
            typer.echo(f"{path}: ONGELDIG ({mtype.code}, {len(errors)} fout(en))")
            for e in errors:
                typer.echo(f"  regel {e.line}: {e.path}: {e.message}")
        else:
            typer.echo(f"{path}: geldig ({mtype.code})")
    raise typer.Exit(1 if bad else 0)


@app.command()
def migrate(service: Annotated[str | None, typer.Argument(help="allocation, declaration, eligibility or reporting")] = None) -> None:
    """Run migrations with this process's DATABASE_URL (one service) or for all of them (SQLite defaults)."""
    from .migrate import upgrade
    from .settings import CommonSettings

    for name in [service] if service else SERVICE_NAMES:
        upgrade(name, CommonSettings(service_name=name))
        typer.echo(f"{name}: gemigreerd")


@app.command("demo-data")
def demo_data(service: str) -> None:
    """Load a service's demo data into its database (idempotent)."""
    try:
        module = importlib.import_module(f"services.{service}.demo")
    except ModuleNotFoundError:
        typer.echo(f"{service}: geen demodata")
        return
    module.load()
    typer.echo(f"{service}: demodata geladen")


@app.command()
def serve(
    service: str,
    host: str = "127.0.0.1",
    port: int = 0,
    workers: int = 1,
) -> None:
    """Run one service with uvicorn; logs go through structlog (JSON, personal data scrubbed)."""
    import uvicorn

    from .devstack import DEFAULT_PORTS

    os.environ.setdefault("SERVICE_NAME", service)
    uvicorn.run(f"services.{service}.app:app", host=host, port=port or DEFAULT_PORTS[service],
                log_config=None, access_log=False, workers=workers, timeout_graceful_shutdown=10)


@app.command("serve-brp")
def serve_brp(host: str = "127.0.0.1", port: int = 8004) -> None:
    """Run the stand-in BRP (Haal Centraal Personen) with the test persons, for development and tests."""
    import uvicorn

    uvicorn.run("services.eligibility.brp.standin:app", host=host, port=port, log_config=None, access_log=False)


@app.command()
def run(
    base_dir: Annotated[Path, typer.Option(help="where the SQLite files and logs go")] = Path("var/run"),
) -> None:
    """Migrate, load the demo data and start the services (8001-8003, reporting 8005) and the stand-in BRP (8004)."""
    from .devstack import DEFAULT_PORTS, Stack

    stack = Stack(base_dir=base_dir.resolve(), database_url=os.environ.get("DATABASE_URL") or None,
                  ports=dict(DEFAULT_PORTS))
    stack.migrate()
    stack.load_demo()
    stack.start()
    typer.echo("Berichtenplatform draait:")
    for name in ("allocation", "declaration", "eligibility", "reporting", "brp"):
        typer.echo(f"  {name:12} {stack.url(name)}" + ("" if name == "brp" else f"   docs: {stack.url(name)}/docs"))
    typer.echo(f"Logs: {stack.base_dir}/*.log   Demo-tokens: zie README.md   Stoppen: Ctrl-C")

    def _stop(*_: object) -> None:
        stack.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    try:
        while True:
            time.sleep(1)
            for name, proc in stack.procs.items():
                if proc.popen is not None and proc.popen.poll() is not None:
                    typer.echo(f"{name} is gestopt (exit {proc.popen.returncode}); zie {proc.log_path}")
                    _stop()
    except KeyboardInterrupt:
        _stop()


@token_app.command("new")
def token_new(label: str = "") -> None:
    """Print a new random token and the YAML line with its hash for the parties file."""
    from .auth import hash_token, new_token

    token = new_token()
    typer.echo(f"token (geef aan de partij, bewaar nergens anders): {token}")
    typer.echo(f"parties.yaml:  - {{label: '{label}', sha256: {hash_token(token)}}}")


@app.command()
def openapi(write: Annotated[bool, typer.Option(help="write services/<name>/openapi.json")] = False) -> None:
    """Print or write each service's OpenAPI document (committed; a test fails when it drifts)."""
    import json

    from .settings import REPO_ROOT

    for name in SERVICE_NAMES:
        module = importlib.import_module(f"services.{name}.app")
        text = json.dumps(module.app.openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        target = REPO_ROOT / "services" / name / "openapi.json"
        if write:
            target.write_text(text, encoding="utf-8")
            typer.echo(f"{target.relative_to(REPO_ROOT)} geschreven")
        else:
            typer.echo(text)


CONFIG_START, CONFIG_END = "<!-- config-table:start -->", "<!-- config-table:end -->"


def config_table() -> str:
    """The configuration table of every service, from the settings classes themselves."""
    from .settings import CommonSettings

    def rows(cls: type, skip: set[str]) -> list[str]:
        out = []
        for name, field in cls.model_fields.items():
            if name in skip:
                continue
            default = field.default if field.default is not None else ""
            if isinstance(default, (list, dict)):
                import json

                default = json.dumps(default)
            text = str(default)
            if "/work/" in text or str(Path.cwd()) in text:  # machine paths: show them relative
                text = text.split("/")[-1]
            desc = (field.description or "").replace("|", "\\|").replace("\n", " ")
            out.append(f"| `{name.upper()}` | `{text}` | {desc} |")
        return out

    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += rows(CommonSettings, set())
    common = set(CommonSettings.model_fields)
    for name in SERVICE_NAMES:
        module = importlib.import_module(f"services.{name}.settings")
        cls = next(v for k, v in vars(module).items() if k.endswith("Settings") and k != "CommonSettings"
                   and isinstance(v, type))
        extra = rows(cls, common)
        if extra:
            lines += [f"| **{name}** | | |", *extra]
    return "\n".join(lines)


@app.command("config-table")
def config_table_cmd(write: Annotated[bool, typer.Option(help="update the table in README.md")] = False) -> None:
    """Print (or write into README.md) the table of every setting of every service."""
    from .settings import REPO_ROOT

    table = config_table()
    if not write:
        typer.echo(table)
        return
    readme = REPO_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(CONFIG_START, 1)
    _, tail = rest.split(CONFIG_END, 1)
    readme.write_text(f"{head}{CONFIG_START}\n{table}\n{CONFIG_END}{tail}", encoding="utf-8")
    typer.echo("README.md bijgewerkt")


@app.command()
def rules() -> None:
    """List every implemented rule (code, retourcode, level, class, messages)."""
    for name in SERVICE_NAMES:
        try:
            importlib.import_module(f"services.{name}.rules")
        except ModuleNotFoundError:
            pass
    from . import header_rules  # noqa: F401
    from .rules import rule_table

    for row in rule_table():
        typer.echo(f"{row['regel']:7} {row['retourcode']:5} {row['niveau']:8} {row['klasse']:20} "
                   f"{row['berichten']:30} {row['omschrijving']}")


if __name__ == "__main__":
    app()
