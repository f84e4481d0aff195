"""`extract_invoice`: from pages (words with boxes) to the `analysis` dict."""
from __future__ import annotations

import re
import statistics
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from tasks.errors import EnergyTypeMismatch, NotAnEnergyInvoice
from tasks.extract import checks
from tasks.extract.customer import extract_customer
from tasks.extract.energy import (
    ENERGY_ROW_CONF, energy_scores, detect_energy, extract_band_zone, extract_car, extract_kva, extract_max_power,
    extract_meter, gas_conversion, labelled_consumption, makes_kwh, option_from_items, option_from_readings,
    heading_natures, printed_energy_ttc, printed_volumes, read_readings, tariff_option_mentions, Reading,
)
from tasks.extract.fields import (
    extract_invoice_date, extract_kind, extract_offer, extract_residential, extract_totals, period_candidates,
    pricing_candidates,
)
from tasks.extract.identifiers import (
    collect_exclusions, extract_client_number, extract_invoice_number, extract_points, unlabelled_pdl,
)
from tasks.extract.labels import vocabulary
from tasks.extract.layout import Document, build_document, column_flow
from tasks.extract.lines import NOT_ENERGY, Item, bills_extras, read_items, read_vat_rows
from tasks.extract.numbers import cents
from tasks.extract.sections import Sections
from tasks.extract.store import Candidate, Draft, vote
from tasks.extract.supplier import brands_of, catalogue_pricing, detect_supplier, offers_of
from tasks.model import Page

if TYPE_CHECKING:
    from tasks.extract.llm import LlmConfig

REQUESTED_TYPES = ("auto", "electricite", "gaz", "dual")

# Paths reported in `fields` and in low-confidence warnings, in schema order.
ELEC_KEYS = ("pdl", "subscribed_power_kva", "tariff_option", "consumption_kwh", "consumption_hp_kwh",
             "consumption_hc_kwh", "unit_price_kwh_ht_eur", "unit_price_hc_kwh_ht_eur", "subscription_eur",
             "reading", "amount_ttc_eur", "annual_reference_kwh", "max_power_reached_kva", "meter_number")
GAS_KEYS = ("pce", "consumption_kwh", "consumption_m3", "conversion_coefficient", "unit_price_kwh_ht_eur",
            "subscription_eur", "reading", "amount_ttc_eur", "annual_reference_kwh", "tariff_band", "zone")
TOP_KEYS = ("supplier", "offer_name", "offer_pricing", "invoice_number", "invoice_date", "invoice_kind",
            "period.start", "period.end", "customer.name", "customer.address", "customer.client_number",
            "customer.delivery_address", "total_ttc_eur", "total_ht_eur", "total_vat_eur", "amount_due_eur",
            "already_paid_eur", "residential")


def extract_invoice(pages: list[Page], *, requested_type: str = "auto", confidence_min: float = 0.5,
                    strict: bool = True, llm: "LlmConfig | None" = None) -> dict:
    """The `analysis` of a bill (without `market` and `issues` filled).

    Raises `NotAnEnergyInvoice` when no electricity or gas bill is recognised
    and `EnergyTypeMismatch` when `requested_type` differs from the detected
    energy (both only when `strict`).
    """
    started = time.perf_counter()
    doc = build_document(pages)
    state = _read(doc, requested_type)
    if llm is not None and getattr(llm, "api_key", ""):
        from tasks.extract.llm import merge_llm

        merge_llm(state, doc, llm)
    _run_checks(state)
    _reject_failed_llm(state)
    analysis = _finish(state, doc, requested_type=requested_type, confidence_min=confidence_min, strict=strict)
    analysis["timings_ms"] = {"extract": round((time.perf_counter() - started) * 1000, 1)}
    return analysis


class State:
    """Everything read from one bill before it becomes the analysis."""

    def __init__(self) -> None:
        self.draft = Draft()
        self.items: list[Item] = []
        self.vat_rows = []
        self.readings: list[Reading] = []
        self.heading_natures: list[tuple] = []  # (energy, nature, conf, page): see heading_natures
        self.energy: Candidate | None = None
        self.scores: dict[str, float] = {}
        self.offer_mentions: list[str] = []
        self.has_civility = False
        self.printed_ttc: dict[str, list[Candidate]] = {"electricite": [], "gaz": []}
        self.band_zone: tuple[Candidate | None, Candidate | None] = (None, None)
        self.flow: Document | None = None  # the pages re-flowed column by column
        self.warnings: list[str] = []
        self.llm_paths: set[str] = set()
        self.warned: set[str] = set()  # paths already explained in `warnings`


def _src(items) -> str:
    return "ocr" if any(getattr(i, "ocr", False) for i in items) else "text"


def _read(doc: Document, requested_type: str = "auto") -> State:
    st = State()
    d = st.draft
    excl = collect_exclusions(doc)
    sections = Sections(doc)
    # Rows are read on the page re-flowed column by column (side-by-side blocks).
    flow = st.flow = column_flow(doc)
    flow_sections = Sections(flow)
    items = read_items(flow, flow_sections)
    st.vat_rows = read_vat_rows(doc)
    readings = read_readings(flow, flow_sections)
    headed = heading_natures(flow, flow_sections)
    pdl, pce = extract_points(doc, excl)
    pdl = _unless_the_pce(pdl, pce)
    kva = extract_kva(doc)
    labelled = labelled_consumption(doc, sections)
    conversion = gas_conversion(doc)
    st.printed_ttc = printed_energy_ttc(doc)
    st.band_zone = extract_band_zone(doc)
    scores = energy_scores(pdl=pdl is not None, pce=pce is not None, items=items, readings=readings,
                           kva=kva is not None, gas_volume=bool(labelled["m3"] or conversion["m3"]),
                           gas_band=any(st.band_zone), labelled_kwh=labelled, printed_ttc=st.printed_ttc)
    energy, energy_conf = detect_energy(scores)
    if energy is None and requested_type in ("electricite", "gaz", "dual") and \
            all(scores[e] >= 2 for e in _present(requested_type)):
        # Some evidence of the energy the user chose, not enough alone: the
        # choice settles it.
        energy, energy_conf = requested_type, 0.55
        st.warnings.append("Le type d'énergie n'a pas pu être reconnu avec certitude : celui choisi a été retenu.")
    st.scores = scores
    st.energy = Candidate(energy, energy_conf, None, "ocr" if any(p.source == "ocr" for p in doc.pages) else "text",
                          "scores") if energy else None
    present = _present(energy)
    _energy_of_column(items, flow)
    # On a single-energy bill, lines and readings without a section are of that energy.
    if len(present) == 1:
        for it in items:
            if it.energy is None and it.kind not in (*NOT_ENERGY, "other"):
                it.energy = present[0]
        for r in readings:
            if r.energy is None:
                r.energy = present[0]
        headed = [(e or present[0], *rest) for e, *rest in headed]
    else:
        _energy_of_readings(readings, items)
        _energy_by_elimination(items, present)
    checks.check_line_quantities(items)
    st.items, st.readings, st.heading_natures = items, readings, headed

    # Bill-level fields.
    supplier = detect_supplier(doc)
    d.set("supplier", supplier)
    d.set("invoice_number", extract_invoice_number(doc))
    d.set("customer.client_number", extract_client_number(doc, d.get("invoice_number")))
    if d.cand("invoice_number") is None and d.get("customer.client_number"):
        d.set("invoice_number", extract_invoice_number(doc, d.get("customer.client_number")))
    d.set("invoice_date", extract_invoice_date(doc, d.get("invoice_number")))
    cust = extract_customer(doc)
    for key in ("name", "address", "delivery_address"):
        d.set(f"customer.{key}", cust[key])
    st.has_civility = cust["name"] is not None
    offer = extract_offer(doc, offers_of(supplier.value if supplier else None),
                          brands_of(supplier.value if supplier else None))
    d.set("offer_name", offer)
    pricing, mentions = pricing_candidates(doc, offer.value if offer else None)
    if not pricing and offer and (kind := catalogue_pricing(supplier.value if supplier else None, offer.value)):
        # The bill does not say it (or OCR lost the words): the offer read is
        # one the market catalogue knows, with its pricing and its source.
        pricing = [Candidate(kind, min(offer.conf, 0.75), None, offer.source, "offer-catalogue")]
    d.set("offer_pricing", vote(pricing))
    st.offer_mentions = mentions
    d.set("invoice_kind", extract_kind(doc, d.cand("invoice_number")))
    d.set("residential", extract_residential(doc, st.has_civility))
    totals = extract_totals(doc)
    for key, path in (("total_ttc", "total_ttc_eur"), ("total_ht", "total_ht_eur"), ("total_vat", "total_vat_eur"),
                      ("amount_due", "amount_due_eur"), ("already_paid", "already_paid_eur")):
        d.set(path, vote(totals[key]))
    checks.repair_misread_amount(items, d.get("total_ht_eur"), st.vat_rows)
    checks.infer_vat_rates(items, st.vat_rows)
    checks.infer_outside_vat(items, st.vat_rows, d.get("total_ht_eur"))
    paid = d.cand("already_paid_eur")
    if paid is not None and paid.value < 0:
        # Printed as a deduction (`-880,00 €`): the amount already paid is positive.
        d.set("already_paid_eur", Candidate(-paid.value, paid.conf, paid.page, paid.source, paid.note))

    # Period: labelled, or the consumption lines' and readings' common period.
    periods = period_candidates(doc)
    for it in items:
        if it.period_start and it.kind.startswith("consumption"):
            periods.append(Candidate((it.period_start, it.period_end), 0.45, it.page, _src([it]), "line"))
    # Other billed lines over the same dates (the subscription, the CTA) bear it out.
    consumed = {(it.period_start, it.period_end) for it in items if it.kind.startswith("consumption")}
    for it in items:
        if it.period_start and (it.period_start, it.period_end) in consumed and not it.kind.startswith("consumption"):
            periods.append(Candidate((it.period_start, it.period_end), 0.25, it.page, _src([it]), "line"))
    # The indexes' dates bear a period out when a billed line (any: the
    # consumption line's own dates may be misread) prints the same.
    billed = {(it.period_start, it.period_end) for it in items if it.period_start}
    for r in readings:
        if r.start_date and r.end_date:
            conf = 0.6 if (r.start_date, r.end_date) in billed else 0.4
            periods.append(Candidate((r.start_date, r.end_date), conf, r.page, "text", "reading"))
    period = vote(periods)
    if period:
        d.set("period.start", Candidate(period.value[0], period.conf, period.page, period.source, period.note))
        d.set("period.end", Candidate(period.value[1], period.conf, period.page, period.source, period.note))

    # Per energy.
    car = extract_car(doc, sections)
    if len(present) == 1 and car[None]:
        car[present[0]].extend(car[None])
    if "electricite" in present:
        if pdl is None:
            taken = {re.sub(r"\D", "", str(d.get(k) or "")) for k in ("invoice_number", "customer.client_number")}
            pdl = unlabelled_pdl(doc, excl, taken | {pce.value if pce else ""})
        if "gaz" in present:
            volumes = [c.value for c in labelled["m3"] + conversion["m3"]] + \
                [r.delta for r in readings if (r.energy == "gaz" or r.unit == "m3") and r.delta]
            labelled = {**labelled, "kwh_electricite": [c for c in labelled["kwh_electricite"]
                                                        if not _gas_kwh(c.value, volumes, conversion)]}
        _electricity(st, doc, pdl, kva, labelled, car["electricite"])
    if "gaz" in present:
        _gas(st, doc, pce, labelled, conversion, car["gaz"])
    return st


def _gas_kwh(kwh: float, volumes: list[float], conversion: dict) -> bool:
    """The kWh the bill's gas volume and coefficient make (`Énergie consommée
    6 433 kWh` under `Volume consommé 578 m³ ‖ Coefficient 11,130`, its gas
    heading lost): the gas's, not an electricity total."""
    return any(abs(c.value - kwh) < 0.5 for c in conversion["kwh"]) or any(
        makes_kwh(m3, k.value, kwh, exactly=True) for m3 in volumes for k in conversion["coef"])


def _unless_the_pce(pdl: Candidate | None, pce: Candidate | None) -> Candidate | None:
    """The PDL read, unless it is the PCE's number: gas bills call their point « point de
    livraison » too (a contract table's « Point de livraison » column over a « Gaz naturel »
    row), so a 14-digit PCE also reads as a PDL. One number is one meter's point, and the
    caption naming gas says which: reading it as a PDL would make a gas bill dual."""
    if pdl is None or pce is None:
        return pdl
    return None if re.sub(r"\D", "", str(pdl.value)) == re.sub(r"\D", "", str(pce.value)) else pdl


def _energy_of_readings(readings: list[Reading], items: list[Item]) -> None:
    """A reading without a section on a bill of both energies (`Index Base
    … 48 493 (réel)` under a page's general heading) is the energy whose
    consumption line bills exactly its index difference, when only one does."""
    for r in readings:
        if r.energy is not None or r.delta is None:
            continue
        billed = {it.energy for it in items if it.energy and it.kind.startswith("consumption")
                  and it.quantity is not None and abs(it.quantity - r.delta) < 0.5}
        if len(billed) == 1:
            r.energy = billed.pop()


# Kinds each energy of a dual bill bills once, labelled by its energy (a subscription read above the
# first heading, naming none, stays unknown: `test_a_dual_bills_line_of_no_known_energy…`).
_PER_ENERGY_KINDS = ("cta",)


def _energy_by_elimination(items: list[Item], present: list[str]) -> None:
    """On a bill of both energies, a line of a kind each energy bills
    (`Contribution Tarifaire d'Acheminement`, its `gaz` wrapped off in a
    narrow column) whose energy is not named, when every other line of that
    kind is one energy's, is the other energy's: that one bills none else."""
    if len(present) != 2:
        return
    for kind in _PER_ENERGY_KINDS:
        of_kind = [it for it in items if it.kind == kind]
        unnamed = [it for it in of_kind if it.energy is None]
        named = {it.energy for it in of_kind if it.energy is not None}
        if len(unnamed) == 1 and len(named) == 1:
            unnamed[0].energy = next(e for e in present if e not in named)


def _energy_of_column(items: list[Item], flow: Document) -> None:
    """A line without a section, read in a column of a two-column page
    whose other lines are all of one energy (`Abonnement` in the column of
    `Consommation heures pleines` and `Accise électricité`, the columns'
    headings lost), is of that energy."""
    energies: dict[tuple, set[str]] = {}
    for it in items:
        column = flow.lines[it.line_index].column
        if column and it.energy:
            energies.setdefault(column, set()).add(it.energy)
    for it in items:
        found = energies.get(flow.lines[it.line_index].column) or set()
        if it.energy is None and it.kind not in (*NOT_ENERGY, "other") and len(found) == 1:
            it.energy = next(iter(found))


def _present(energy: str | None) -> list[str]:
    return {"electricite": ["electricite"], "gaz": ["gaz"], "dual": ["electricite", "gaz"]}.get(energy or "", [])


def _sum_candidate(items: list[Item], attr: str, note: str) -> Candidate | None:
    values = [getattr(i, attr) for i in items]
    if not items or any(v is None for v in values):
        return None
    conf = min(i.conf for i in items) * (0.92 if all(i.checked or i.kind == "subscription" for i in items) else 0.75)
    if attr == "quantity" and any(not i.checked and (i.unit is None or _price_out_of_band(i)) for i in items):
        # A number with no unit and no arithmetic to back it is not a quantity
        # yet; nor one whose row's price no kWh costs (`692 kWh` at 12,49 €,
        # the thousands lost to a wrapped cell).
        conf *= 0.6
    source = _src(items) if len(items) == 1 else "computed"
    total = round(sum(values), 2)
    return Candidate(int(total) if float(total).is_integer() and attr == "quantity" else total, round(conf, 3),
                     items[0].page, source, note)


def _price_out_of_band(item: Item) -> bool:
    band = checks.kwh_price_band(item)
    return band is not None and item.unit_price is not None and not band[0] <= item.unit_price <= band[1]


def _one_register_only(by_kind: dict[str, list[Item]]) -> bool:
    """Peak-hour lines read without off-peak ones (or the reverse) and no
    other consumption line: the other register's line was lost (a table's
    columns read interleaved, its amount misread), and what was read is
    part of the consumption, not its total."""
    return (bool(by_kind["consumption_hp"]) != bool(by_kind["consumption_hc"])
            and not by_kind["consumption"] and not by_kind["consumption_tempo"])


def _borne_out(unplaced: list[Candidate], cands: list[Candidate | None]) -> list[Candidate]:
    """The labelled totals of no known energy (`Consommation de la période :
    6 433 kWh` under a heading OCR lost) that an energy's own reads make
    (its excise lines' kWh, its indexes): that energy's. Alone, such a
    total could be either energy's, or a yearly estimate's."""
    return [u for u in unplaced if any(c is not None and c.note != "kwh-label" and abs(c.value - u.value) < 0.5
                                       for c in cands)]


def _excise_candidate(items: list[Item]) -> Candidate | None:
    """The kWh the excise lines are levied on: the energy's consumption, read
    apart from the consumption lines and labels."""
    excise = [i for i in items if i.kind == "accise" and i.unit in ("kWh", None)]
    found = _sum_candidate(excise, "quantity", "excise")
    return found.with_conf(round(found.conf * 0.8, 3)) if found else None


def _price_candidate(items: list[Item], band: tuple[float, float]) -> Candidate | None:
    # A price that neither makes its line's amount nor lies in the band is a misread.
    priced = [i for i in items if i.unit_price is not None and (i.checked or band[0] <= i.unit_price <= band[1])]
    if not priced:
        return None
    prices = {round(i.unit_price, 6) for i in priced}
    conf = min(i.conf for i in priced) * (0.95 if all(i.checked for i in priced) else 0.7)
    if len(prices) == 1:
        return Candidate(priced[0].unit_price, round(conf, 3), priced[0].page, _src(priced), "line price")
    # Several prices over sub-periods: the average the bill actually applied,
    # when each line's quantity and price make its amount (one misread
    # price or quantity would skew it).
    if not all(i.checked for i in priced):
        return None
    qty = sum(i.quantity or 0 for i in priced)
    amount = sum(i.amount or 0 for i in priced)
    if qty <= 0:
        return None
    return Candidate(round(amount / qty, 5), round(conf * 0.8, 3), priced[0].page, "computed", "average price")


def _unit_price(st: State, items: list[Item], consumption: list[float],
                band: tuple[float, float]) -> Candidate | None:
    """The unit price the register's lines print. On the one unchecked OCR
    line of a register, only when it makes the line's amount from the
    consumption read elsewhere: otherwise the price or the amount was
    misread, and when the lines make the bill's HT total (the amount is
    right), the amount over that consumption is the price."""
    printed = _price_candidate(items, band)
    kwh = {round(c) for c in consumption}
    if printed is None:
        found = _price_from_amount(items, consumption, band)
        if found is None and len(items) == 1 and items[0].quantity is None and items[0].amount is not None \
                and len(kwh) == 1 and min(kwh) >= 100 and _lines_complete(st):
            # Neither price nor quantity read, the amount borne out by the HT total.
            found = _amount_over(items[0], min(kwh), band, "amount / consumption")
        return found
    if len(items) != 1 or items[0].checked or not items[0].ocr or items[0].amount is None or len(kwh) != 1:
        return printed
    kwh_used = kwh.pop()
    if kwh_used < 100:
        return printed
    if abs(printed.value * kwh_used - abs(items[0].amount)) <= 0.006 + 0.00005 * kwh_used:
        # To the cent (a price to four decimals), the price makes the line's
        # amount from the consumption the indexes give, whatever the OCR made
        # of the line's quantity: the price and the amount are as printed.
        return printed.with_conf(max(printed.conf, 0.85))
    if checks.close(printed.value * kwh_used, abs(items[0].amount), rel=0.01):
        return printed
    return _amount_over(items[0], kwh_used, band, "amount / consumption") if _lines_complete(st) else None


def _price_from_amount(items: list[Item], consumption: list[float], band: tuple[float, float]) -> Candidate | None:
    """The unit price of the one line billing a register's kWh, unread (OCR)
    while its quantity and amount were: the amount over the quantity, when
    that quantity is the register's consumption read elsewhere (its indexes,
    a labelled total), so that neither figure is a misread."""
    if len(items) != 1:
        return None
    item = items[0]
    if item.unit_price is not None or item.quantity is None or item.amount is None or item.quantity < 100 \
            or not any(abs(item.quantity - kwh) < 0.5 for kwh in consumption):
        return None
    return _amount_over(item, item.quantity, band, "amount / quantity")


def _amount_over(item: Item, kwh: float, band: tuple[float, float], note: str) -> Candidate | None:
    """The line's amount over `kwh`, to four decimals (on 100 kWh or more the
    amount's cents leave no more), when that is a price per kWh."""
    price = round(item.amount / kwh, 4)
    if not band[0] <= price <= band[1]:
        return None
    return Candidate(price, round(item.conf * 0.85, 3), item.page, "computed", note)


def _lines_complete(st: State) -> bool | None:
    """Whether the lines read add up to the bill's HT total (None: unknown)."""
    ht = st.draft.get("total_ht_eur")
    bases = [r.base for r in st.vat_rows]
    total = sum(i.amount or 0 for i in st.items)
    if ht is not None:
        return abs(total - ht) <= 0.05
    if bases and None not in bases:
        return abs(total - sum(bases)) <= 0.05
    return None


def _set_subscription(st: State, p: str, items: list[Item]) -> None:
    lines = [i for i in items if i.kind == "subscription"]
    cand = _lines_complete_or_doubt(st, _sum_candidate(lines, "amount", "lines"))
    if cand is not None and _vat_agrees(st):
        # The lines with their VAT make the printed totals: each amount is as
        # printed, however unsure the OCR of one was (`117€` for 11,17 €).
        cand = cand.with_conf(max(cand.conf, 0.85))
    elif any(i.ocr and not i.checked and i.quantity and i.unit_price for i in lines):
        # `8 mois ‖ 9,29 EUR/mois ‖ 1,32` (74,32 read short): a line its own
        # quantity and price contradict, and nothing else vouches for it.
        cand = None
    st.draft.set(p + "subscription_eur", cand)
    checks.check_subscription_days(st.draft, p + "subscription_eur", items)


def _lines_complete_or_doubt(st: State, cand: Candidate | None) -> Candidate | None:
    """A sum over lines is only as good as the lines read: when some are
    missing (OCR), the sum may be short."""
    if cand is None or _lines_complete(st) is not False or not any(i.ocr for i in st.items):
        return cand
    return cand.with_conf(cand.conf * 0.8)


def _lines_ttc(items) -> float | None:
    """The lines' amounts with their VAT (none on a line printed outside
    VAT); None unless every line has both. VAT is worked out as bills do:
    on each rate's base, rounded to the cent, not line by line."""
    if not items or any(i.amount is None or (i.vat_rate is None and not i.vat_exempt) for i in items):
        return None
    rates = {i.vat_rate for i in items if i.vat_rate}
    vat = sum(cents(sum(i.amount for i in items if i.vat_rate == r) * r / 100) for r in rates)
    return sum(i.amount for i in items) + vat


def _lines_make_ttc(st: State) -> bool:
    """The lines, each with its VAT, make the printed TTC total (a cent of
    rounding per line)."""
    printed_ttc, all_ttc = st.draft.get("total_ttc_eur"), _lines_ttc(st.items)
    return printed_ttc is not None and all_ttc is not None and \
        abs(all_ttc - printed_ttc) <= 0.01 * (len(st.items) + 1)


def _vat_agrees(st: State) -> bool:
    """Every line's VAT rate is borne out by the bill: the lines with their
    VAT make the TTC total, or each rate's lines make its base in the VAT table."""
    if _lines_make_ttc(st):
        return True
    table = {r.rate: r.base for r in st.vat_rows}
    if not table or None in table.values() or any(i.vat_rate is None or i.amount is None for i in st.items):
        return False
    bases = {rate: sum(i.amount for i in st.items if i.vat_rate == rate) for rate in {i.vat_rate for i in st.items}}
    return set(bases) == set(table) and all(abs(bases[r] - table[r]) <= 0.02 for r in table)


def _totals_add_up(st: State) -> bool | None:
    """Whether the TTC total is its HT total plus its VAT, or its VAT
    table's bases plus their VAT, as read (None: not enough read to tell).
    A bill whose total is off bills its lines' sum, not its total."""
    ttc = st.draft.get("total_ttc_eur")
    if ttc is None:
        return None
    ht, vat = st.draft.get("total_ht_eur"), st.draft.get("total_vat_eur")
    if ht is not None and vat is not None:
        return abs(ht + vat - ttc) <= 0.02
    if st.vat_rows and all(r.checked for r in st.vat_rows):  # each row's VAT its rate of its base
        if ht is not None and sum(r.base for r in st.vat_rows) < ht - 0.02:
            return None  # a row of the table went unread: its bases fall short of the HT total
        return abs(sum(r.base + r.vat for r in st.vat_rows) - ttc) <= 0.02
    return None


def _energy_ttc(st: State, energy: str, printed: list[Candidate]) -> Candidate | None:
    """The energy's share of the bill, VAT included: printed, else from its
    lines and their VAT rates, else (one energy, nothing else billed) the
    bill's total."""
    items = [i for i in st.items if i.energy == energy and i.kind not in NOT_ENERGY]
    cands = [c for c in (_confirmed_by_other_share(st, energy, p) for p in printed
                         if not checks.below_its_lines(p.value, items, st.draft.get("total_ht_eur")))
             if c.note != "energy-row" or c.conf > ENERGY_ROW_CONF]
    ht = st.draft.get("total_ht_eur")
    complete = ht is not None and abs(sum(i.amount or 0 for i in st.items) - ht) <= 0.05
    bases = [r.base for r in st.vat_rows]
    if not complete and bases and None not in bases:
        # Lines outside VAT (a late-payment penalty printed without a rate) are in no base.
        rated = [i for i in st.items if i.vat_rate is not None]
        complete = abs(sum(i.amount or 0 for i in st.items) - sum(bases)) <= 0.05 or \
            abs(sum(i.amount or 0 for i in rated) - sum(bases)) <= 0.05 \
            and all(i.kind in NOT_ENERGY for i in st.items if i.vat_rate is None)
    if not complete:
        # No HT total nor VAT table to compare with: the lines, with their VAT, make the TTC total.
        complete = _lines_make_ttc(st)
    # Only lines known to be all the bill's lines add up to an energy's share,
    # and only once each of them is known to be of one energy or the other.
    if any(i.energy is None and i.kind not in NOT_ENERGY for i in st.items):
        complete = False
    energy_ttc = _lines_ttc(items)
    if complete and energy_ttc is not None:
        total = round(energy_ttc, 2)
        # Printed, the share carries the bill's own rounding (VAT rounded per
        # rate, not per line): the lines that make it to the cent bear it out.
        total = next((c.value for c in cands if abs(c.value - total) <= 0.01 * len(items)), total)
        conf = min(i.conf for i in items)
        if _vat_agrees(st):
            # The amounts make the HT total and their VAT the printed VAT: every
            # line is as printed, however unsure the OCR of one was.
            conf = max(conf, 0.9)
        conf *= 0.85
        cands.append(Candidate(total, round(conf, 3), items[0].page, "computed", "lines ttc"))
    # One energy and nothing else billed: the bill's total is the energy's,
    # whether or not every line was read, unless that total is not the bill's
    # own sum (its lines and their VAT make another: a total misprinted).
    if not cands and len(_present(st.energy.value if st.energy else None)) == 1 \
            and not any(i.kind in NOT_ENERGY for i in st.items) and _totals_add_up(st) is not False \
            and (complete or not bills_extras(st.flow)):
        ttc = st.draft.cand("total_ttc_eur")
        if ttc is not None:
            cands.append(Candidate(ttc.value, round(ttc.conf * 0.85, 3), ttc.page, "computed", "single energy"))
    return vote(cands, key=lambda v: round(v, 1))


def _confirmed_by_other_share(st: State, energy: str, printed: Candidate) -> Candidate:
    """A printed share read unsure (`213,36` without its `€`) stands when it
    and the other energy's printed share make the bill's TTC total."""
    ttc = st.draft.get("total_ttc_eur")
    other = st.printed_ttc["gaz" if energy == "electricite" else "electricite"]
    if ttc is not None and any(abs(printed.value + o.value - ttc) <= 0.02 for o in other):
        return printed.with_conf(max(printed.conf, 0.9))
    return printed


def _reading_nature(readings: list[Reading], headed: list[tuple] = ()) -> Candidate | None:
    natures = [r.end_nature for r in readings if r.end_nature]
    if not natures:
        # Rows misread (a garbled index, an unread type cell): the nature
        # their heading gives the end date, when its headings agree.
        said = {nature for _, nature, _, _ in headed}
        if len(said) != 1:
            return None
        conf = min(c for _, _, c, _ in headed) * 0.9
        return Candidate(said.pop(), round(conf, 3), headed[0][3], "text", "readings heading")
    value = "estime" if "estime" in natures else "reel"
    # Three rows or more that all say the same vouch for each other: one
    # row's unsure index does not make their word unsure.
    if len(natures) >= 3 and len(set(natures)) == 1:
        conf = statistics.median(r.conf for r in readings if r.end_nature) * 0.9
    else:
        conf = min(r.conf for r in readings) * 0.9
    return Candidate(value, round(conf, 3), readings[0].page, "text", "readings")


def _electricity(st: State, doc: Document, pdl, kva, labelled, car) -> None:
    d, p = st.draft, "electricity."
    items = [i for i in st.items if i.energy == "electricite"]
    readings = [r for r in st.readings if r.energy == "electricite" and r.unit != "m3"]
    d.set(p + "pdl", pdl)
    d.set(p + "subscribed_power_kva", kva)
    option = vote([option_from_items(items), option_from_readings(readings)] + tariff_option_mentions(doc))
    d.set(p + "tariff_option", option)
    by_kind = {k: [i for i in items if i.kind == k and i.unit in ("kWh", None)] for k in
               ("consumption", "consumption_hp", "consumption_hc", "consumption_tempo")}
    energy_lines = [i for k in by_kind for i in by_kind[k]]
    total_cands = list(labelled["kwh_electricite"])
    if not _one_register_only(by_kind):
        total_cands.append(_sum_candidate(energy_lines, "quantity", "lines"))
    total_cands.append(_excise_candidate(items))
    main = [r for r in readings if r.register in ("base", "hp", "hc") or "_" in r.register]
    if len({r.register for r in main} & {"hp", "hc"}) == 1 and not any(r.register == "base" for r in main):
        main = []  # peak hours read without off-peak (or the reverse): no total
    # What the indexes say was used, per register: independent of the lines.
    read_use = {"all": [sum(r.delta for r in main)] if main else [], "hp": [], "hc": []}
    if main:
        total_cands.append(Candidate(_int(read_use["all"][0]), 0.7 * min(r.conf for r in main), main[0].page,
                                     "computed", "readings"))
    total_cands += _borne_out(labelled["kwh_unknown"], total_cands)
    d.set(p + "consumption_kwh", vote(total_cands))
    checks.check_quantities_against_consumption(items, d.cand(p + "consumption_kwh"))
    hphc = d.get(p + "tariff_option") in ("hphc", None)
    for kind, reg, key in (("consumption_hp", "hp", "consumption_hp_kwh"),
                           ("consumption_hc", "hc", "consumption_hc_kwh")):
        if not hphc:
            break  # Tempo and EJP registers are not the HP/HC split
        cands = [_sum_candidate(by_kind[kind], "quantity", "lines")]
        regs = [r for r in readings if r.register == reg]
        if regs:
            read_use[reg] = [sum(r.delta for r in regs)]
            cands.append(Candidate(_int(read_use[reg][0]), 0.7 * min(r.conf for r in regs), regs[0].page,
                                   "computed", "readings"))
        d.set(p + key, vote(cands))
    opt = d.get(p + "tariff_option")
    band = checks.KWH_PRICE_BAND["electricite"]
    if opt == "hphc":
        for kind, reg, key in (("consumption_hp", "hp", "unit_price_kwh_ht_eur"),
                               ("consumption_hc", "hc", "unit_price_hc_kwh_ht_eur")):
            d.set(p + key, _unit_price(st, by_kind[kind], read_use[reg], band))
    elif opt in ("base", None):
        independent = [c.value for c in labelled["kwh_electricite"]] + read_use["all"]
        d.set(p + "unit_price_kwh_ht_eur", _unit_price(st, by_kind["consumption"], independent, band))
    _set_subscription(st, p, items)
    for r in readings:
        # Index difference = consumption read elsewhere (a line, a label): the indexes are as printed.
        used = d.cand(p + {"hp": "consumption_hp_kwh", "hc": "consumption_hc_kwh"}.get(r.register, "consumption_kwh"))
        if used is not None and used.note != "readings" and r.delta is not None and abs(used.value - r.delta) < 0.5:
            r.conf = max(r.conf, 0.8)
    d.set(p + "reading", _reading_nature(readings, [h for h in st.heading_natures if h[0] == "electricite"]))
    d.set(p + "amount_ttc_eur", _energy_ttc(st, "electricite", st.printed_ttc["electricite"]))
    d.set(p + "annual_reference_kwh", vote(car))
    d.set(p + "max_power_reached_kva", extract_max_power(doc))
    d.set(p + "meter_number", extract_meter(doc))


def _gas(st: State, doc: Document, pce, labelled, conversion, car) -> None:
    d, p = st.draft, "gas."
    items = [i for i in st.items if i.energy == "gaz"]
    readings = [r for r in st.readings if r.energy == "gaz" or r.unit == "m3"]
    d.set(p + "pce", pce)
    cons = [i for i in items if i.kind == "consumption" and i.unit in ("kWh", None)]
    kwh = list(labelled["kwh_gaz"]) + conversion["kwh"] + [_sum_candidate(cons, "quantity", "lines"),
                                                          _excise_candidate(items)]
    kwh += _borne_out(labelled["kwh_unknown"], kwh)
    d.set(p + "consumption_kwh", vote(kwh))
    checks.check_quantities_against_consumption(items, d.cand(p + "consumption_kwh"))
    m3 = list(labelled["m3"]) + conversion["m3"]
    printed = printed_volumes(doc)  # volumes printed beside a gas caption, read once
    deltas = [r.delta for r in readings if r.delta is not None]

    def indexes_make(c: Candidate) -> bool:
        return bool(deltas) and abs(c.value - sum(deltas)) < 0.5

    if deltas and not any(indexes_make(c) for c in m3):
        # `Compteur - Gaz ‖ 29 m³` without a caption: the index difference says it is the volume.
        m3 += [c for c in printed if indexes_make(c)][:1]
    if any(indexes_make(c) for c in m3):
        # Index difference = the volume printed elsewhere (a label, the conversion line): the indexes are as printed.
        for r in readings:
            r.conf = max(r.conf, 0.8)
    if readings:
        m3.append(Candidate(_int(sum(r.delta for r in readings)), 0.6 * min(r.conf for r in readings),
                            readings[0].page, "computed", "readings"))
    volume, coef, kwh_read = vote(m3), vote(conversion["coef"]), d.get(p + "consumption_kwh")
    if coef is not None and kwh_read is not None and not (volume and makes_kwh(volume.value, coef.value, kwh_read,
                                                                            exactly=True)):
        # The volume read (an index misread: 198 m³ for 199) does not make the
        # kWh billed with the coefficient, or only roughly: a volume printed
        # elsewhere that does is the one.
        volumes = m3 + printed
        volume = vote(c for c in volumes if makes_kwh(c.value, coef.value, kwh_read, exactly=True)) \
            or vote(c for c in volumes if makes_kwh(c.value, coef.value, kwh_read)) or volume
    d.set(p + "consumption_m3", volume)
    d.set(p + "conversion_coefficient", coef)
    independent = [c.value for c in labelled["kwh_gaz"] + conversion["kwh"]]
    d.set(p + "unit_price_kwh_ht_eur", _unit_price(st, cons, independent, checks.KWH_PRICE_BAND["gaz"]))
    _set_subscription(st, p, items)
    d.set(p + "reading", _reading_nature(readings, [h for h in st.heading_natures if h[0] == "gaz"]))
    d.set(p + "amount_ttc_eur", _energy_ttc(st, "gaz", st.printed_ttc["gaz"]))
    d.set(p + "annual_reference_kwh", vote(car))
    band, zone = st.band_zone
    d.set(p + "tariff_band", band)
    d.set(p + "zone", zone)


def _int(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 3)


def _run_checks(st: State) -> None:
    d = st.draft
    checks.check_items(st.items)
    checks.check_vat_rows(st.vat_rows)
    checks.check_totals(d, st.items, st.vat_rows)
    if "electricity.consumption_kwh" in d.values:
        checks.check_electricity(d, st.readings)
    if "gas.consumption_kwh" in d.values:
        checks.check_gas(d, st.readings, st.items)
    checks.check_period(d)
    checks.check_references(d)


def _reject_failed_llm(st: State) -> None:
    names = _names()["names"]
    for path in sorted(st.llm_paths):
        if st.draft.failed.get(path):
            st.draft.drop(path, "llm")
            st.warned.add(path)
            st.warnings.append(f"La valeur proposée par l'extraction assistée pour {names.get(path, path)} a été "
                               "écartée : elle ne concorde pas avec le reste de la facture.")


# --- the analysis dict -------------------------------------------------------------


def _names() -> dict:
    return vocabulary("field_names")


def _finish(st: State, doc: Document, *, requested_type: str, confidence_min: float, strict: bool) -> dict:
    d = st.draft
    energy = st.energy.value if st.energy else None
    warnings = list(st.warnings)
    fields: dict[str, dict] = {}
    names = _names()["names"]

    def value(path: str):
        c = d.cand(path)
        if c is None:
            return None
        fields[path] = {"confidence": round(c.conf, 3), "source": c.source, "page": c.page}
        if c.conf < confidence_min:
            if path in st.warned:
                return None
            warnings.append(f"Valeur incertaine écartée : {names.get(path, path)} "
                            f"(confiance {round(c.conf * 100)} %).")
            return None
        v = c.value
        return v.isoformat() if isinstance(v, date) else v

    present = _present(energy)
    start, end = value("period.start"), value("period.end")
    days = None
    if start and end:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
        days = (b - a).days + (0 if a.day == b.day else 1)
    name = value("customer.name")
    analysis: dict[str, Any] = {
        "schema_version": "1",
        "energy": energy,
        "requested_type": requested_type if requested_type in REQUESTED_TYPES else "auto",
        "supplier": value("supplier"),
        "offer_name": value("offer_name"),
        "offer_pricing": value("offer_pricing"),
        "invoice_number": value("invoice_number"),
        "invoice_date": value("invoice_date"),
        "invoice_kind": value("invoice_kind"),
        "period": {"start": start, "end": end, "days": days},
        "customer": {
            "name": name,
            "address": value("customer.address"),
            "client_number": value("customer.client_number"),
            "delivery_address": value("customer.delivery_address"),
        },
        "total_ttc_eur": value("total_ttc_eur"),
        "total_ht_eur": value("total_ht_eur"),
        "total_vat_eur": value("total_vat_eur"),
        "amount_due_eur": value("amount_due_eur"),
        "already_paid_eur": value("already_paid_eur"),
        "residential": value("residential"),
        "electricity": None,
        "gas": None,
        "lines": [i.as_dict() for i in st.items],
        "vat_breakdown": [{"rate_percent": r.rate, "base_ht_eur": r.base, "vat_eur": r.vat} for r in st.vat_rows],
        "offer_mentions": st.offer_mentions,
        "fields": fields,
        "market": {"reference": None, "gap_percent": None, "estimated_savings_eur_per_year": None},
        "issues": [],
        "warnings": warnings,
        "pages": max(1, len(doc.pages)),
        "ocr_used": any(p.source == "ocr" for p in doc.pages),
    }
    if st.energy:
        fields["energy"] = {"confidence": round(st.energy.conf, 3), "source": st.energy.source, "page": None}
    if "electricite" in present:
        elec = {k: value("electricity." + k) for k in ELEC_KEYS}
        elec["readings"] = [r.as_dict() for r in st.readings if r.energy == "electricite"]
        analysis["electricity"] = elec
    if "gaz" in present:
        gas = {k: value("gas." + k) for k in GAS_KEYS}
        gas["readings"] = [r.as_dict() for r in st.readings if r.energy == "gaz"]
        analysis["gas"] = gas
    _contract_rules(analysis, st, requested_type=requested_type, strict=strict)
    return analysis


def _energy_fr(value: str | None) -> str:
    return _names()["energies"].get(value or "", "une énergie inconnue")


def _contract_rules(analysis: dict, st: State, *, requested_type: str, strict: bool) -> None:
    energy = analysis["energy"]
    if energy is None:
        if strict:
            raise NotAnEnergyInvoice(
                "Ce document n'a pas été reconnu comme une facture d'électricité ou de gaz "
                "(ni point de livraison, ni consommation facturée n'ont été trouvés).")
        analysis["warnings"].append(
            "Aucune facture d'électricité ou de gaz n'a été reconnue dans ce document : "
            "les valeurs lues sont données à titre indicatif.")
        return
    if requested_type not in ("auto", None, "") and requested_type != energy:
        detail = (f"Le type d'énergie demandé ({_energy_fr(requested_type)}) ne correspond pas à la facture, "
                  f"qui concerne {_energy_fr(energy)}.")
        if strict:
            raise EnergyTypeMismatch(detail)
        analysis["warnings"].append(detail + " La facture a été analysée telle qu'elle a été lue.")
