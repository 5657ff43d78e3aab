"""A minimal service on the shared kernel, for testing the kernel itself over real HTTP.

It accepts the allocation message types and approves everything, except that a StartProduct with
StatusAanlevering 3 gets retourcode 9063 on its class: enough to exercise the retour layering, the
message store, idempotency and the mailbox without any domain logic in the way.
"""
from __future__ import annotations

from services.common.app import create_app
from services.common.messages.types import inbound_types
from services.common.messages.xmlutil import Reader
from services.common.pipeline import Inbound, Reply, reply_for_outcome
from services.common.rules import Outcome, rule, run_rules
from services.common.settings import CommonSettings

MESSAGES = {"305", "307"}


class _Product:
    def __init__(self, element, status: str):  # type: ignore[no-untyped-def]
        self.element = element
        self.status = status


@rule("TEST063", retourcode="9063", applies_to="StartProduct", messages={"KERNELTEST"})
def _no_delete_without_first(product: _Product, _ctx: object) -> bool:
    return product.status != "3"


def handle(msg: Inbound, _session: object) -> Reply:
    if msg.mtype.number not in MESSAGES:
        return Reply(msg.header_only_reply([]), "goedgekeurd")
    r = Reader(msg.mtype)
    tag = "m:Client/m:StartProducten/m:StartProduct" if msg.mtype.number == "305" else \
        "m:Client/m:StopProducten/m:StopProduct"
    products = [_Product(el, r.text(el, "m:StatusAanlevering") or "") for el in r.findall(msg.root, tag)]
    outcome: Outcome = run_rules("KERNELTEST", "KERNELTEST", {"StartProduct": products}, None)

    def class_reply():  # type: ignore[no-untyped-def]
        codes = {p.element: outcome.codes_for(p) for p in products if outcome.codes_for(p)}
        return msg.retour_builder().with_classes(codes)

    return reply_for_outcome(msg, outcome, class_reply)


settings = CommonSettings(service_name="allocation")
ACCEPTED = inbound_types("allocation")
app = create_app(service_name="allocation", title="kernel test", description="kernel test service",
                 settings=settings, handlers={m.code: handle for m in ACCEPTED}, accepted_types=ACCEPTED)
