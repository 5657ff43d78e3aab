"""The retourcode texts the platform names (services/common/messages/codes.py) are WJ001's, word for word, and
every retourcode a declaration rule can produce has its text there."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.common.messages.codes import RETOURCODES, describe
from services.declaration.rules import CLIENT_RULES, DECLARATIE_RULES, PRESTATIE_CUMULATIVE, PRESTATIE_STATIC

ROW = re.compile(r"^\| ([0-9A-Z]{4}) \| (.+?) \| (?:TR\d+|—) \|", re.M)


@pytest.fixture(scope="module")
def wj001(official_dir: Path) -> dict[str, set[str]]:
    """Code → its meanings in WJ001 (a code listed in several tables has the same text in each)."""
    text = (official_dir / "sources" / "jw" / "codelijsten" / "WJ001_Retourcode.md").read_text(encoding="utf-8")
    out: dict[str, set[str]] = {}
    for code, meaning in ROW.findall(text):
        out.setdefault(code, set()).add(meaning.strip())
    assert len(out) > 50, "WJ001 table not recognised"
    return out


def test_texts_are_the_wj001_meanings(wj001: dict[str, set[str]]) -> None:
    wrong = {code: text for code, text in RETOURCODES.items() if {text} != wj001.get(code)}
    assert wrong == {}
    # TR318's code: WJ001's meaning, not CS340's ("DeclaratiePeriode is exactly one calendar month")
    assert describe("8214") == ("DeclaratiePeriode is niet de kalendermaand die volgt op voorgaande "
                                "DeclaratiePeriode terwijl iedere declaratieperiode zorg geleverd is.")


def test_every_declaration_retourcode_has_its_text() -> None:
    produced = {r.retourcode for r in PRESTATIE_STATIC + PRESTATIE_CUMULATIVE}
    produced |= {rc for _code, rc, _f in DECLARATIE_RULES + CLIENT_RULES}
    assert produced - set(RETOURCODES) == set()
