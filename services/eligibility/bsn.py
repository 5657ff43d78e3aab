"""BSN validation and the keyed hash that stands in for a BSN in stored records."""
from __future__ import annotations

import hashlib
import hmac
import re

from stdnum.nl import bsn as stdnum_bsn

BSN_PATTERN = re.compile(r"^[0-9]{9}$")


def is_valid_bsn(value: str) -> bool:
    """Exactly 9 digits (the XSD pattern) and the elfproef. The pattern comes first: stdnum's compact()
    left-pads, so '40645678' would otherwise pass."""
    return bool(BSN_PATTERN.match(value)) and stdnum_bsn.is_valid(value)


def bsn_hash(key: str, bsn: str) -> str:
    return hmac.new(key.encode("utf-8"), bsn.encode("ascii"), hashlib.sha256).hexdigest()
