"""`berichten validate` validates files offline, prints every error with line and path, exits 1 on any invalid."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .factory import start_bericht


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services.common", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)


def test_validate_valid_and_invalid_files(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(start_bericht())
    result = run_cli("validate", str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "geldig (JW305)" in result.stdout

    bad = tmp_path / "bad.xml"
    from lxml import etree

    broken = start_bericht(bsn="12345").replace(b"<jw305:Geslacht>2", b"<jw305:Geslacht>9")
    bad.write_bytes(etree.tostring(etree.fromstring(broken), pretty_print=True, xml_declaration=True,
                                   encoding="UTF-8"))
    result = run_cli("validate", str(good), str(bad))
    assert result.returncode == 1
    assert "ONGELDIG (JW305, 2 fout(en))" in result.stdout
    assert "regel 19: /jw305:Bericht/jw305:Client/jw305:Bsn:" in result.stdout
    assert "regel 23: /jw305:Bericht/jw305:Client/jw305:Geslacht:" in result.stdout


def test_validate_refuses_hostile_and_unknown_files(tmp_path: Path) -> None:
    evil = tmp_path / "evil.xml"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    other = tmp_path / "other.xml"
    other.write_bytes(b"<Bericht xmlns='urn:iets'/>")
    result = run_cli("validate", str(evil), str(other))
    assert result.returncode == 1
    assert "DOCTYPE" in result.stdout and "onbekende namespace" in result.stdout


def test_validate_against_official_directory(tmp_path: Path, official_dir: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(start_bericht(standard="WMO"))
    result = run_cli("validate", "--schemas-dir", str(official_dir / "xsd"), str(good))
    assert result.returncode == 0, result.stdout
    assert "geldig (WMO305)" in result.stdout
