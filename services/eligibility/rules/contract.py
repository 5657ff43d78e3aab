"""Contract rules: a contract for gemeente x aanbieder x product, valid on the peildatum, not taakgericht,
no cliëntenstop, the client's gemeente inside the aanbieder's werkgebied."""
from __future__ import annotations

from datetime import date, timedelta

from ..contracts.service import ContractLine
from .base import Facts, Outcome, Question, eligibility_rule, nl_date


def _product(q: Question) -> str:
    return f"{q.categorie}/{q.code}" if q.code else f"categorie {q.categorie}"


def _covered_until(line: ContractLine, lines: list[ContractLine]) -> date | None:
    """Last day the product stays contracted from `line` on, following back-to-back periods (renewals)."""
    end = line.geldig_tot
    while end is not None:
        nxt = next((x for x in lines if x.geldig_vanaf == end + timedelta(days=1)), None)
        if nxt is None:
            break
        end = nxt.geldig_tot
    return end


@eligibility_rule("GEEN_CONTRACT")
def contracted(q: Question, f: Facts, out: Outcome) -> None:
    """The aanbieder has a contract with the gemeente for this domain and product, valid on the peildatum
    (GEEN_CONTRACT 3; a product outside its validity period: BUITEN_CONTRACT 4; taakgericht: TAAKGERICHT 4)."""
    if q.aanbieder is None or f.contract is None:
        return
    lines = f.contract.lines_for(q.domein)
    if not lines:
        out.refuse("GEEN_CONTRACT", gemeente=q.gemeente, aanbieder=q.aanbieder,
                   product_nl=f" voor {q.domein}", product_en=f" for {q.domein}")
        return
    if q.categorie is None:
        if not any(line.valid_on(q.peildatum) for line in lines):
            out.refuse("BUITEN_CONTRACT", toelichting_nl=f"het contract is niet geldig op {nl_date(q.peildatum)}",
                       toelichting_en=f"the contract is not valid on {q.peildatum.isoformat()}")
        return
    # a contract line without a code (aspecifiek) covers every code of its categorie; a specific line wins
    product = [line for line in f.contract.lines_for(q.domein, q.categorie)
               if q.code is None or line.code in (q.code, None)]
    product.sort(key=lambda line: (line.code is None, line.geldig_vanaf))
    if not product:
        out.refuse("GEEN_CONTRACT", gemeente=q.gemeente, aanbieder=q.aanbieder,
                   product_nl=f" voor product {_product(q)}", product_en=f" for product {_product(q)}")
        return
    valid = [line for line in product if line.valid_on(q.peildatum)]
    if not valid:
        periods = ", ".join(f"{nl_date(x.geldig_vanaf)} t/m {nl_date(x.geldig_tot) if x.geldig_tot else 'doorlopend'}"
                            for x in product)
        out.refuse("BUITEN_CONTRACT",
                   toelichting_nl=f"product {_product(q)} is gecontracteerd {periods}, niet op {nl_date(q.peildatum)}",
                   toelichting_en=f"product {_product(q)} is not contracted on {q.peildatum.isoformat()}")
        return
    if q.code is None:
        # an aspecific request: the categorie's lines; a variant or tariff only when they agree
        out.signal("ASPECIFIEK", categorie=q.categorie)
        variants = {x.uitvoeringsvariant for x in valid}
        out.uitvoeringsvariant = variants.pop() if len(variants) == 1 else None
        if len(valid) == 1:
            out.line = valid[0]
    else:
        out.line = valid[0]  # the line with this code if there is one, else the categorie's aspecific line
        out.uitvoeringsvariant = out.line.uitvoeringsvariant
    if out.uitvoeringsvariant == "taakgericht":
        out.refuse("TAAKGERICHT", product=_product(q))
    line = out.line
    if line is None:
        return
    if q.einddatum is not None:
        until = _covered_until(line, product)
        if until is not None and q.einddatum > until:
            out.signal("EINDDATUM_NA_CONTRACT", datum=nl_date(until))
    if line.budgetplafond is not None:
        out.signal("BUDGETPLAFOND", bedrag=line.budgetplafond)


@eligibility_rule("CLIENTENSTOP")
def no_clientenstop(q: Question, f: Facts, out: Outcome) -> None:
    """A cliëntenstop (sanction: no new clients) blocks new toewijzingen at this aanbieder."""
    if q.aanbieder is None or f.contract is None:
        return
    if f.contract.afspraak.clientenstop:
        out.refuse("CLIENTENSTOP", gemeente=q.gemeente, aanbieder=q.aanbieder)


@eligibility_rule("BUITEN_WERKGEBIED")
def inside_service_area(q: Question, f: Facts, out: Outcome) -> None:
    """The gemeente where the client lives must be in the aanbieder's werkgebied (empty = no restriction)."""
    if q.aanbieder is None or f.contract is None:
        return
    area = f.contract.afspraak.werkgebied
    where = out.woongemeente or q.gemeente
    if area and where not in area:
        out.refuse("BUITEN_WERKGEBIED", woongemeente=where, aanbieder=q.aanbieder)
