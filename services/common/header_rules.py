"""Header rules that hold for every inbound message, whatever the service."""
from __future__ import annotations

from typing import Any

from .clock import today_nl
from .messages.header import Header
from .rules import rule

INBOUND = ("302", "305", "307", "315", "317", "320", "323")


@rule("TR135", retourcode="8848", applies_to="Header", messages=INBOUND, level="header",
      summary="Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.")
def dagtekening_not_in_future(header: Header, _msg: Any) -> bool:
    return header.dagtekening <= today_nl()
