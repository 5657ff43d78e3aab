"""iJw / iWmo 3.2 XML schemas of the project.

``schemas/spec``  the project-authored specification (YAML),
``schemas/model.py`` loads it, ``schemas/generate.py`` writes the XSDs to
``schemas/ijw/3.2`` and ``schemas/iwmo/3.2`` (committed; loaded at run time).
"""

from pathlib import Path

SCHEMAS_DIR = Path(__file__).resolve().parent


def xsd_path(message_type: str, release: str = "3.2") -> Path:
    """Path of the project XSD for a message type id such as ``"JW301"`` or ``"WMO325"``."""
    std = "ijw" if message_type.upper().startswith("JW") else "iwmo"
    return SCHEMAS_DIR / std / release / f"{message_type.upper()}.xsd"
