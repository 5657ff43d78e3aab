"""Rule configuration per gemeente (regels.yaml): defaults plus per-gemeente overrides."""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

TYPE_VERWIJZER = ("01", "02", "03", "04", "05", "06", "08")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The grounds on which a person of 18 or older is still a jeugdige (Jeugdwet art. 1.1 "jeugdige" 2°-4°);
# the request names one (verlengdeJeugdhulp.grond), nothing extends the age limit by itself
VERLENGING_GRONDEN = ("pleegzorg", "voortzetting", "besluitVoor18", "hervatting", "adolescentenstrafrecht")
DEFAULT_GRONDEN: dict[str, int | None] = {"pleegzorg": 21, "voortzetting": 23, "besluitVoor18": 23, "hervatting": 23,
                                          "adolescentenstrafrecht": 23}


class JeugdRegels(_Strict):
    leeftijdsgrens: int = Field(18, ge=0, le=30)
    # grond -> the age the extension stops at (not included); null: not available at this gemeente
    verlengingGronden: dict[str, int | None] = Field(default_factory=lambda: dict(DEFAULT_GRONDEN))
    signaalOvergangWmoVanaf: int | None = Field(17, ge=0, le=30)
    verblijfBepaaltWoonplaats: bool = True

    @field_validator("verlengingGronden")
    @classmethod
    def _gronden(cls, value: dict[str, int | None]) -> dict[str, int | None]:
        for grond, age in value.items():
            if grond not in VERLENGING_GRONDEN:
                raise ValueError(f"onbekende grond {grond!r} (wel: {', '.join(VERLENGING_GRONDEN)})")
            if age is not None and not 18 <= age <= 30:
                raise ValueError(f"verlengingGronden.{grond}: leeftijd {age} ligt niet tussen 18 en 30")
        # a ground left out keeps its statutory default: switching one off never drops the others
        return {**DEFAULT_GRONDEN, **value}


class WmoRegels(_Strict):
    minimumleeftijd: int = Field(18, ge=0, le=30)


class VerwijzingRegels(_Strict):
    toegestaneTypen: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: {"jeugd": ("01", "02", "03", "04", "05", "08"), "wmo": ("01", "02", "05", "06")})
    geldigheidDagen: dict[str, int] = Field(default_factory=lambda: {"02": 365})
    externeVerwijzingMelden: bool = True

    @field_validator("toegestaneTypen")
    @classmethod
    def _types(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for domein, types in value.items():
            if domein not in ("jeugd", "wmo"):
                raise ValueError(f"onbekend domein {domein!r}")
            bad = [t for t in types if t not in TYPE_VERWIJZER]
            if bad:
                raise ValueError(f"onbekende TypeVerwijzer {bad}")
        return value

    @field_validator("geldigheidDagen")
    @classmethod
    def _days(cls, value: dict[str, int]) -> dict[str, int]:
        for t, days in value.items():
            if t not in TYPE_VERWIJZER or days < 0:
                raise ValueError(f"geldigheidDagen: ongeldige regel {t!r}: {days!r}")
        return value


class Regels(_Strict):
    """The effective rules for one gemeente."""

    jeugd: JeugdRegels = JeugdRegels()
    wmo: WmoRegels = WmoRegels()
    verwijzing: VerwijzingRegels = VerwijzingRegels()


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class RuleBook:
    """All gemeenten's rules, validated once at start-up."""

    def __init__(self, data: dict[str, Any]):
        unknown = set(data) - {"standaard", "gemeenten"}
        if unknown:
            raise ValueError(f"regels: onbekende sleutels {sorted(unknown)}")
        self._defaults_raw = data.get("standaard") or {}
        self.defaults = Regels.model_validate(self._defaults_raw)
        self.per_gemeente: dict[str, Regels] = {}
        for code, override in (data.get("gemeenten") or {}).items():
            code = str(code)
            if len(code) != 4 or not code.isdigit():
                raise ValueError(f"regels: gemeentecode {code!r} is geen CBS-code van 4 cijfers")
            self.per_gemeente[code] = Regels.model_validate(_merge(self._defaults_raw, override))

    @classmethod
    def from_file(cls, path: Path) -> RuleBook:
        return cls(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})

    def for_gemeente(self, gemeente: str) -> Regels:
        return self.per_gemeente.get(gemeente, self.defaults)


@lru_cache(maxsize=4)
def load_rulebook(path: str) -> RuleBook:
    return RuleBook.from_file(Path(path))
