"""Kernel intake cost on a big declaratie: safe parse + XSD validation + header, against bare lxml.

Prints, for a generated 10,000-prestatie JW323, the kernel's parse+validate time divided by bare lxml
parse+validate of the same file with the official JW323 XSD, both measured in this run (goal: <= 1.2).
The official XSD is read from ../shared/standards (or OFFICIAL_STANDARDS_DIR); without it the baseline
uses the project's own XSD and says so.
"""
from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from lxml import etree

from services.common.messages.header import read_header
from services.common.messages.types import by_code
from services.common.pipeline import Pipeline
from services.common.settings import REPO_ROOT, CommonSettings
from services.common.xml.schemas import SchemaRegistry
from tests.builders.declaration import BatchToewijzing, batch, test_bsns

OFFICIAL = Path(os.environ.get("OFFICIAL_STANDARDS_DIR", REPO_ROOT.parent / "shared" / "standards"))


def generate(n: int = 10_000) -> bytes:
    bsns = test_bsns(2_000)
    toewijzingen = [BatchToewijzing(nummer=100_000 + i, bsn=bsns[i % len(bsns)], categorie="45", code="45A03",
                                    eenheid="04", volume=8, tarief=6500) for i in range(n)]
    return batch(toewijzingen, afzender="11110001", ontvanger="0141", year=2026, month=3).to_bytes()


def interleaved(a, b, runs: int = 15) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Run a and b alternately, so a busy spell of the machine falls on both sides."""
    ta, tb = [], []
    for _ in range(runs):
        for fn, times in ((a, ta), (b, tb)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return ta, tb


def main() -> None:
    body = generate()
    mtype = by_code("JW323")
    official_xsd = OFFICIAL / "xsd" / "ijw" / "3.2" / "JW323.xsd"
    baseline_label = "official JW323.xsd"
    if not official_xsd.exists():
        official_xsd = REPO_ROOT / "schemas" / "ijw" / "3.2" / "JW323.xsd"
        baseline_label = "project JW323.xsd (official not found)"
    bare_schema = etree.XMLSchema(etree.parse(str(official_xsd)))
    bare_parser = etree.XMLParser()

    def bare() -> None:
        assert bare_schema.validate(etree.fromstring(body, bare_parser))

    registry = SchemaRegistry(REPO_ROOT / "schemas")
    registry.warm([mtype])
    # the kernel's own intake, as POST /v1/berichten runs it: safe parse, type from the namespace, compiled XSD
    # (the depth check only for documents that fail it), then the header
    ctx = SimpleNamespace(settings=CommonSettings(), schemas=registry, service_name="declaration")
    pipeline = Pipeline(ctx, {})  # type: ignore[arg-type]

    def kernel() -> None:
        root, found = pipeline.parse_and_validate_any(body)
        read_header(root, found)

    bare(), kernel()  # warm caches
    bare_times, kernel_times = interleaved(bare, kernel)
    bare_best, bare_med = min(bare_times), statistics.median(bare_times)
    kernel_best, kernel_med = min(kernel_times), statistics.median(kernel_times)
    print(f"JW323 with 10,000 prestaties, {len(body) / 1e6:.1f} MB")
    print(f"  bare lxml parse+validate ({baseline_label}): best {bare_best * 1000:.1f} ms, median {bare_med * 1000:.1f} ms")
    print(f"  kernel safe parse+validate+header (project XSD): best {kernel_best * 1000:.1f} ms, "
          f"median {kernel_med * 1000:.1f} ms")
    print(f"  ratio kernel/bare (best): {kernel_best / bare_best:.2f}   (goal <= 1.2)")
    print(f"  ratio kernel/bare (median): {kernel_med / bare_med:.2f}")


if __name__ == "__main__":
    main()
