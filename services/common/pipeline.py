"""One pipeline for every inbound XML message (design.md steps 3-11).

parse safely → detect type → XSD (lxml, compiled once) → header and party checks → idempotency →
header rules (TR056, TR135) → the service's handler (load context, run rules, change state, build the
retour) → store inbound, retour and outbox entries in one transaction → answer with the retour.
"""
from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lxml import etree
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from . import metrics
from .auth import Party
from .clock import today_nl
from .db import NeedsTransaction
from .gcpause import gc_paused
from .logging import get_logger
from .memory import release_freed_memory
from .messages.antwoord import DeclaratieAntwoordBuilder
from .messages.header import Header, read_header
from .messages.retour import RetourBuilder
from .messages.types import MessageType, by_namespace
from .messages.xmlutil import serialize
from .onloop import NeedsThread, leave_loop, run_on_loop
from .outbound import check_outbound
from .problems import Problem
from .rules import Failure, Outcome, run_rules
from .store.models import Bericht, new_id, utcnow
from .writes import Writes
from .xml.parts import Parts, PartSpec, Split, split
from .xml.safe import XmlRejected, check_depth, parse

if TYPE_CHECKING:
    from .app import ServiceContext

log = get_logger("pipeline")

XML = "application/xml"
_PARTS_AHEAD = 2


@dataclass
class Inbound:
    """A schema-valid inbound message, as handed to a service's handler."""

    id: str
    body: bytes
    root: etree._Element
    mtype: MessageType
    header: Header
    caller: Party
    received_at: datetime
    ctx: ServiceContext
    # what a single_statement handler leaves to the kernel to write with the message (services.common.writes)
    writes: Writes = field(default_factory=Writes)
    # what a reads_in_parts handler's reader made of the message, part by part
    parts: Parts | None = None

    @property
    def sender(self) -> str:
        return self.header.logical_sender(self.mtype)

    @property
    def recipient(self) -> str:
        return self.header.logical_recipient(self.mtype)

    def retour_builder(self) -> RetourBuilder:
        return RetourBuilder(self.mtype, self.root, xsd_versie=self.ctx.settings.xsd_versie)

    def antwoord_builder(self) -> DeclaratieAntwoordBuilder:
        return DeclaratieAntwoordBuilder(self.mtype, self.root, xsd_versie=self.ctx.settings.xsd_versie)

    def header_only_reply(self, codes: list[str], *, technical: bool = False) -> etree._Element | None:
        """Header-only retour or 325 for a message rejected as a whole; None for a retour (302/320)."""
        if self.mtype.retour is None:
            return None
        xslt = self.ctx.settings.xslt_versie if technical else None
        builder: Any = self.antwoord_builder() if self.mtype.number == "323" else self.retour_builder()
        return builder.header_only(codes, xslt_versie=xslt)


@dataclass
class Reply:
    """What a handler decided: the retour (None for 302/320, which get no retour) and the verdict."""

    root: etree._Element | None
    verdict: str  # goedgekeurd / deels-afgekeurd / afgekeurd / verworpen
    outcome: Outcome = field(default_factory=Outcome)
    in_mailbox: bool = True  # show the inbound message in the recipient's mailbox
    extra_headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Inbound, Session], Reply]


def single_statement(handler: Handler) -> Handler:
    """Mark a handler that reads through the session and leaves every write to `msg.writes`: on PostgreSQL
    the kernel then reads in autocommit mode and writes the handler's rows, the message and its retour in one
    statement (services.common.writes): two round trips for a small message instead of five or more. Should
    the handler write directly after all (a rare path), the kernel runs it again in a transaction."""
    handler.single_statement = True  # type: ignore[attr-defined]
    return handler


def reads_in_parts(spec: PartSpec) -> Callable[[Handler], Handler]:
    """Mark a handler whose message is read in parts (services.common.xml.parts): the kernel hands it
    `msg.parts`, what `spec.read` made of each schema-valid part, in message order. A small message, or one
    the cut does not fit, is one part: the whole document."""
    def mark(handler: Handler) -> Handler:
        handler.parts = spec  # type: ignore[attr-defined]
        return handler
    return mark


@dataclass
class PipelineResult:
    status: int
    content: bytes
    media_type: str
    headers: dict[str, str]


def reply_for_outcome(msg: Inbound, outcome: Outcome, class_reply: Callable[[], etree._Element]) -> Reply:
    """Standard layering for 3xx retours: technical → 0001, header → its code, classes → per class."""
    if outcome.technical:
        return Reply(msg.header_only_reply(["0001"], technical=True), "verworpen", outcome, in_mailbox=False)
    if outcome.header:
        return Reply(msg.header_only_reply([f.retourcode for f in outcome.header]), "verworpen", outcome,
                     in_mailbox=False)
    if outcome.klasse:
        return Reply(class_reply(), "afgekeurd", outcome)
    return Reply(msg.header_only_reply([]), "goedgekeurd", outcome)


_TABLE = Bericht.__table__
_FIND_BY_KEY = select(Bericht.id, Bericht.sha256, Bericht.retour_id, Bericht.verdict).where(
    Bericht.idem_key == bindparam("key"))


def _idem_key(sender: str, mtype: MessageType, header: Header) -> str:
    return f"{sender}|{mtype.code}|{header.identificatie}|{header.dagtekening.isoformat()}"


class Pipeline:
    def __init__(self, ctx: ServiceContext, handlers: dict[str, Handler]):
        self.ctx = ctx
        self.handlers = handlers  # message code → handler
        self._part_specs = list(dict.fromkeys(
            spec for h in handlers.values() if (spec := getattr(h, "parts", None)) is not None))
        # parts of a big message parsed and validated ahead of its reader (see _read_parts): two, because with
        # one the worker keeps waiting for the GIL the reader holds, and the overlap is lost
        self._part_pool = ThreadPoolExecutor(max_workers=_PARTS_AHEAD, thread_name_prefix="xml-parts")
        # small messages try the event loop first (process_async) where a handler can run there at all
        self._on_loop_first = ctx.db.is_postgres and any(
            getattr(h, "single_statement", False) for h in handlers.values())

    # ---- steps 3-6 ---------------------------------------------------------------------------
    def parse_and_validate_any(self, body: bytes) -> tuple[etree._Element, MessageType]:
        """Steps 3-5 for any of the 28 message types (the validate-only endpoint)."""
        return self._parse_and_validate(body, any_type=True)

    def _parse_and_validate(self, body: bytes, any_type: bool = False) -> tuple[etree._Element, MessageType]:
        max_depth = self.ctx.settings.xml_max_depth
        try:
            root = parse(body, max_depth=None)
        except XmlRejected as exc:
            raise Problem(exc.status, exc.code, exc.detail) from None
        qname = etree.QName(root)
        mtype = by_namespace(qname.namespace or "")
        if mtype is None or qname.localname != "Bericht":
            self._check_depth(root, max_depth)
            raise Problem(
                400, "onbekend-bericht",
                "Het hoofdelement is geen Bericht in een iJw 3.2- of iWmo 3.2-namespace "
                f"(ontvangen: {qname.localname!r} in namespace {qname.namespace!r}).",
            )
        if mtype.code not in self.handlers and not any_type:
            self._wrong_service(mtype)
        errors = self.ctx.schemas.validate(root, mtype)
        if errors:
            self._check_depth(root, max_depth)  # only now: a schema-valid message is never deep
            raise Problem(
                400, "xsd-validatie",
                f"Het {mtype.code}-bericht voldoet niet aan het XSD ({len(errors)} fout(en)); "
                "er wordt geen retourbericht gemaakt (controleniveau 1).",
                invalid_params=[e.as_param() for e in errors[:200]],
                extra={"berichtType": mtype.code},
            )
        return root, mtype

    @staticmethod
    def _check_depth(root: etree._Element, max_depth: int) -> None:
        try:
            check_depth(root, max_depth)
        except XmlRejected as exc:
            raise Problem(exc.status, exc.code, exc.detail) from None

    def _wrong_service(self, mtype: MessageType) -> None:
        if mtype.service != self.ctx.service_name:
            url = getattr(self.ctx.settings, f"{mtype.service}_url", "")
            raise Problem(
                400, "verkeerde-dienst",
                f"{mtype.code} ({mtype.name}) wordt verwerkt door de {mtype.service}-dienst"
                f"{' op ' + url if url else ''}, niet door de {self.ctx.service_name}-dienst.",
                extra={"berichtType": mtype.code, "dienst": mtype.service},
            )
        raise Problem(
            400, "bericht-niet-ontvangbaar",
            f"{mtype.code} ({mtype.name}) wordt door het platform verstuurd, niet ontvangen.",
            extra={"berichtType": mtype.code},
        )

    def _check_parties(self, mtype: MessageType, header: Header, caller: Party) -> None:
        sender, recipient = header.logical_sender(mtype), header.logical_recipient(mtype)
        if caller.code != sender:
            # 403 with the codes only: the caller knows its own code; it tried to act for another party.
            raise Problem(403, "afzender-niet-toegestaan",
                          f"Het bericht komt volgens de header van {sender}, maar u bent ingelogd als {caller.code}.")
        # Inbound messages always go to a gemeente: heen-messages of aanbieders, and the retours (302,
        # 320) of the messages the gemeente sent.
        party = self.ctx.parties.get(recipient)
        if party is None or not party.is_gemeente:
            raise Problem(400, "onbekende-ontvanger",
                          f"Ontvanger {recipient} is geen gemeente die op dit platform is aangesloten.")

    def _read(self, body: bytes) -> tuple[etree._Element, MessageType, Parts | None]:
        """Steps 3-5, plus the handler's own reading when it reads in parts."""
        in_parts = self._read_in_parts(body)
        if in_parts is not None:
            return in_parts
        root, mtype = self._parse_and_validate(body)
        spec: PartSpec | None = getattr(self.handlers.get(mtype.code), "parts", None)
        if spec is None:
            return root, mtype, None
        return root, mtype, Parts([spec.read(root, 0)], None, root, self._reparse)

    def _read_in_parts(self, body: bytes) -> tuple[etree._Element, MessageType, Parts] | None:
        """A big message part by part (services.common.xml.parts), so its whole tree never exists. None
        whenever anything is not plainly right: the whole-document path then answers, errors and all.

        Two worker threads parse and validate the next parts (lxml does both without the GIL) while this
        thread hands the finished ones to the handler's reader: on two cores the reading costs no time."""
        for spec in self._part_specs:
            cut = split(body, spec.container, spec.item, self.ctx.settings.xml_part_bytes)
            if cut is not None:
                return self._read_parts(cut, spec)
        return None

    def _read_parts(self, cut: Split, spec: PartSpec) -> tuple[etree._Element, MessageType, Parts] | None:
        try:
            first = parse(cut.document(0), max_depth=None)
        except XmlRejected:
            return None
        qname = etree.QName(first)
        mtype = by_namespace(qname.namespace or "")
        if (mtype is None or qname.localname != "Bericht"
                or getattr(self.handlers.get(mtype.code), "parts", None) is not spec
                or self.ctx.schemas.has_identity_constraints(mtype)):
            return None
        schemas = self.ctx.schemas

        def parse_valid(index: int) -> etree._Element | None:
            try:
                root = first if index == 0 else parse(cut.document(index), max_depth=None)
            except XmlRejected:
                return None
            return root if schemas.is_valid_here(root, mtype) else None

        ahead = _PARTS_AHEAD  # parts in flight: a tree of ~5 MB each, besides the first
        pending = deque(self._part_pool.submit(parse_valid, i) for i in range(min(ahead, len(cut))))
        results: list[Any] = []
        try:
            with gc_paused():  # the reader makes tens of thousands of small objects (services.common.gcpause)
                for index in range(len(cut)):
                    root = pending.popleft().result()
                    if index + ahead < len(cut):
                        pending.append(self._part_pool.submit(parse_valid, index + ahead))
                    if root is None:
                        return None
                    results.append(spec.read(root, index))
                    del root  # only the first part's tree is kept (it carries the header)
        finally:
            for future in pending:  # after a bad part: nothing left running for this message
                future.cancel()
        release_freed_memory()  # the parts' trees, freed in the parser threads' own arenas (services.common.memory)
        return first, mtype, Parts(results, cut, first, self._reparse)

    @staticmethod
    def _reparse(document: bytes) -> etree._Element:
        return parse(document, max_depth=None)

    # ---- the whole pipeline ------------------------------------------------------------------
    async def process_async(self, body: bytes, caller: Party, request_id: str | None = None) -> PipelineResult:
        """process() from the event loop: a small message for a single_statement handler on PostgreSQL runs on
        the loop itself (services.common.onloop); the rest, or whatever has to stop there, in a worker thread."""
        if self._on_loop_first and len(body) <= self.ctx.settings.onloop_max_bytes:
            try:
                result = await run_on_loop(self.process, body, caller, request_id)
                metrics.ONLOOP.labels(self.ctx.service_name, "done").inc()
                return result
            except NeedsThread as stop:  # nothing was written: from the start, in a thread
                metrics.ONLOOP.labels(self.ctx.service_name, f"left-{stop}").inc()
        return await run_in_threadpool(self.process, body, caller, request_id)

    def process(self, body: bytes, caller: Party, request_id: str | None = None) -> PipelineResult:
        root, mtype, parts = self._read(body)
        header = read_header(root, mtype)
        self._check_parties(mtype, header, caller)
        sender = header.logical_sender(mtype)
        key = _idem_key(sender, mtype, header)
        digest = hashlib.sha256(body).hexdigest()
        msg = Inbound(id=new_id(), body=body, root=root, mtype=mtype, header=header, caller=caller,
                      received_at=utcnow(), ctx=self.ctx, parts=parts)

        # Optimistic: most messages are new, so judge and insert straight away and let the unique key on
        # (sender, type, Identificatie, Dagtekening) catch a repeat. Only then (or after a race on a domain
        # constraint) the second pass looks the key up first: replay, or 9056 for other content.
        # A single_statement handler's first pass runs on PostgreSQL as two round trips (see single_statement).
        db = self.ctx.db
        one_statement = getattr(self.handlers.get(mtype.code), "single_statement", False) and db.is_postgres
        look_up_first = False
        while True:
            if not one_statement:
                leave_loop("transaction")  # on the event loop only the autocommit pass (services.common.onloop)
            msg.writes = Writes()
            if msg.parts is not None and msg.parts.taken:  # the handler runs again: it needs them again
                msg.parts = self._read(body)[2]
            try:
                with (db.autocommit_reads() if one_statement else db.transaction()) as session:
                    existing = None
                    if look_up_first:
                        existing = session.connection().execute(_FIND_BY_KEY, {"key": key}).first()
                    if existing is not None:
                        result, reply = self._replay_or_duplicate(session, msg, existing, digest, request_id)
                    else:
                        reply = self._judge(msg, session)
                        if msg.parts is not None and msg.parts.split is not None:
                            release_freed_memory()  # what judging a big message built is gone by now
                        result = self._store(session, msg, reply, key, digest, request_id, one_statement)
                if reply is not None:
                    self._count(mtype, reply)
                return result
            except NeedsTransaction:
                if not one_statement:
                    raise
                one_statement = False  # nothing was written: the same pass again, in a transaction
            except IntegrityError:
                if look_up_first:
                    raise
                look_up_first, one_statement = True, False

    def _judge(self, msg: Inbound, session: Session) -> Reply:
        outcome = run_rules(msg.mtype.code, msg.mtype.number, {"Header": [msg.header]}, msg,
                            levels=("header",))
        if outcome.header:
            root = msg.header_only_reply([f.retourcode for f in outcome.header])
            return Reply(root, "verworpen", outcome, in_mailbox=False)
        return self.handlers[msg.mtype.code](msg, session)

    def _store(self, session: Session, msg: Inbound, reply: Reply, key: str | None, digest: str,
               request_id: str | None, one_statement: bool = False) -> PipelineResult:
        """Insert the inbound message and its retour with one Core statement (this is the hot path of every
        message; the ORM unit of work costs more than the insert itself), after the handler's own writes;
        with `one_statement` all of it as one statement in autocommit mode."""
        mtype, header = msg.mtype, msg.header
        now = utcnow()
        headers = {"Bericht-Id": msg.id, "Berichten-Oordeel": reply.verdict, **reply.extra_headers}
        if reply.outcome.failures:
            headers["Afkeur-Regels"] = ",".join(dict.fromkeys(f.rule for f in reply.outcome.failures))
        retour_id = new_id() if reply.root is not None else None
        inbound = dict(
            id=msg.id, message_type=mtype.code, standard=mtype.standard, direction="in",
            sender=msg.sender, recipient=msg.recipient, identificatie=header.identificatie,
            dagtekening=header.dagtekening, idem_key=key, sha256=digest, size=len(msg.body),
            content=msg.body, created_at=msg.received_at,
            status="nieuw" if reply.in_mailbox else "verworpen", received_at=None, in_reply_to=None,
            retour_id=retour_id, verdict=reply.verdict, failures=reply.outcome.public() or None,
            request_id=request_id,
        )
        if reply.root is None:
            msg.writes.write_with(session, _TABLE, [inbound], one_statement=one_statement)
            return PipelineResult(202, b"", XML, headers)
        retour_type = mtype.sibling(mtype.retour[-3:]) if mtype.retour else mtype
        check_outbound(self.ctx, reply.root, retour_type)  # every message out is validated too
        content = serialize(reply.root)
        retour = dict(
            id=retour_id, message_type=retour_type.code, standard=mtype.standard, direction="out",
            sender=msg.recipient, recipient=msg.sender, identificatie=_retour_ident(reply.root, retour_type),
            dagtekening=today_nl(), idem_key=None, sha256=hashlib.sha256(content).hexdigest(),
            size=len(content), content=content, created_at=now, status="ontvangen", received_at=now,
            in_reply_to=msg.id, retour_id=None, verdict=None, failures=None, request_id=request_id,
        )
        # inbound first: the retour's in_reply_to points at it
        msg.writes.write_with(session, _TABLE, [inbound, retour], one_statement=one_statement)
        headers["Retour-Id"] = retour_id or ""
        return PipelineResult(200, content, XML, headers)

    def _replay_or_duplicate(self, session: Session, msg: Inbound, existing: Any, digest: str,
                             request_id: str | None) -> tuple[PipelineResult, Reply | None]:
        if existing.sha256 == digest:
            headers = {"Bericht-Id": existing.id, "Idempotent-Replay": "true",
                       "Berichten-Oordeel": existing.verdict or ""}
            if existing.retour_id is None:
                return PipelineResult(202, b"", XML, headers), None
            content = session.connection().execute(
                select(Bericht.content).where(Bericht.id == existing.retour_id)).scalar_one()
            headers["Retour-Id"] = existing.retour_id
            return PipelineResult(200, content, XML, headers), None
        # TR056: same identification, different content. Store it (nothing accepted is lost or changed)
        # and answer with 9056 in the header.
        outcome = Outcome([Failure("TR056", "9056", "Header", "header", msg.header)])
        reply = Reply(msg.header_only_reply(["9056"]), "verworpen", outcome, in_mailbox=False)
        return self._store(session, msg, reply, None, digest, request_id), reply

    def _count(self, mtype: MessageType, reply: Reply) -> None:
        service = self.ctx.service_name
        metrics.MESSAGES.labels(service, mtype.code, reply.verdict).inc()
        for f in reply.outcome.failures:
            metrics.RETOURCODES.labels(service, mtype.code, f.retourcode).inc()
        log.info("bericht_verwerkt", type=mtype.code, verdict=reply.verdict,
                 regels=[f.rule for f in reply.outcome.failures][:20])


def _retour_ident(root: etree._Element, mtype: MessageType) -> str:
    """The identification of a retour we built: IdentificatieRetour, or for a 325 its own BerichtIdentificatie."""
    ns = {"m": mtype.namespace, "b": mtype.basis_ns}
    path = "m:Header/m:BerichtIdentificatie/b:Identificatie" if mtype.number == "325" else "m:Header/m:IdentificatieRetour"
    el = root.find(path, ns)
    return el.text if el is not None and el.text else ""
