"""Rules on the Client class. A failure puts the code on the Client and returns all its prestaties with
0233 (niet beoordeeld), IV087."""
from __future__ import annotations

from ..domain import ClientIn
from .base import MESSAGES, JudgeContext, rule


@rule("TR304", retourcode="8187", applies_to="Client", messages=MESSAGES, level="klasse",
      summary="De client (Bsn) heeft een toewijzing van deze gemeente bij deze aanbieder.")
def client_known(c: ClientIn, ctx: JudgeContext) -> bool:
    return c.bsn in ctx.known_clients


CLIENT_RULES = [("TR304", "8187", client_known)]
