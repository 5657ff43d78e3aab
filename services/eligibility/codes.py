"""Code lists of the standard that the eligibility service checks input against (iJw/iWmo 3.2)."""
from __future__ import annotations

DOMEINEN = ("jeugd", "wmo")
UITVOERINGSVARIANTEN = ("inspanningsgericht", "outputgericht", "taakgericht")
# LDT_ProductCategorie: iJw 31-38 (2015 legacy), 40-55; iWmo 01-18
CATEGORIEEN = {
    "jeugd": frozenset([f"{n:02d}" for n in range(31, 39)] + [f"{n:02d}" for n in range(40, 56)]),
    "wmo": frozenset(f"{n:02d}" for n in range(1, 19)),
}
# LDT_Eenheid: 01 minuut, 04 uur, 14 etmaal, 16 dagdeel, 82 stuks (output), 83 euro's, 84 stuks (inspanning)
EENHEDEN = ("01", "04", "14", "16", "82", "83", "84")
# which units fit which variant (Toewijzingsvarianten inspanning-output; IV074)
EENHEDEN_PER_VARIANT = {
    "inspanningsgericht": frozenset({"01", "04", "14", "16", "84"}),
    "outputgericht": frozenset({"82", "83"}),
    "taakgericht": frozenset({"01", "04", "14", "16", "82", "83", "84"}),
}
DECLARATIEMOMENTEN = ("maandelijks", "einde-traject")
LUMPSUM_PERIODEN = ("maand", "kwartaal", "jaar")
TYPE_VERWIJZER = ("01", "02", "03", "04", "05", "06", "08")
EXTERNE_VERWIJZERS = frozenset({"02", "03", "04", "05", "08"})
MAX_BEDRAG = 99_999_999  # LDT_Bedrag
