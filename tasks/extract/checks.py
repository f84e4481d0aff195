"""Cross-checks between values that the bill states more than once or that
are bound by arithmetic. A value that passes gains confidence; a value that
fails, and that nothing else supports, loses it (and is nulled later if it
falls under the threshold). Values the bill prints clearly are kept even when
the bill itself is inconsistent: the analyse stage reports that."""
from __future__ import annotations

import re
from dataclasses import replace
from itertools import combinations

from tasks.analyse.marketdata import load_reference
from tasks.analyse.rules import issued_implausibly_late, value
from tasks.extract.energy import COEF_BAND, KVA_STEPS, Reading, makes_kwh
from tasks.extract.lines import CTA_RATE_RANGE, VAT_RATES, Item, VatRow
from tasks.extract.numbers import cents, clean, find_numbers, find_percents
from tasks.extract.store import Candidate, Draft

# Sane bands (€/kWh HT): about three times the regulated and market prices
# (TRVE 0,13–0,20 €, Tempo red peak up to 0,60 €, gas 0,05–0,13 €); the
# excise has never exceeded 0,0337 €/kWh. Outside them a figure was misread.
KWH_PRICE_BAND = {"electricite": (0.03, 0.8), "tempo": (0.03, 1.6), "gaz": (0.01, 0.4)}
ACCISE_BAND = (0.0005, 0.06)
# A residential subscription's price, per day, month or year: 36 kVA Tempo
# is about 60 €/month, a T2 gas subscription about 25 €/month.
SUBSCRIPTION_BAND = {"jour": (0.05, 4.0), "mois": (1.5, 120.0), "an": (18.0, 1440.0)}


def close(a: float, b: float, *, abs_tol: float = 0.05, rel: float = 0.0) -> bool:
    return abs(a - b) <= max(abs_tol, rel * abs(b))


def _is_ocr(d: Draft, path: str) -> bool:
    c = d.cand(path)
    return bool(c and c.source in ("ocr", "llm"))


def _blame(d: Draft, paths: tuple[str, ...], factor: float, code: str, *, only_ocr: bool = False) -> None:
    """A relation between `paths` failed: doubt what is least supported. A
    value proposed by the LLM is the first suspect and the only one doubted."""
    llm = [p for p in paths if d.cand(p) is not None and d.cand(p).source == "llm"]
    if llm:
        for p in llm:
            d.drop(p, code)
        return
    for p in paths:
        if d.support.get(p, 0) == 0 and (not only_ocr or _is_ocr(d, p)):
            d.doubt(p, factor, code)


def check_items(items: list[Item]) -> None:
    for it in items:
        if it.quantity is not None and it.unit_price is not None and not it.checked:
            it.conf *= 0.6 if it.ocr else 0.9


def check_line_quantities(items: list[Item]) -> None:
    """OCR lines whose figures no bill prints.

    A subscription's price per day, month or year that no household pays
    is forgotten, and its amount with it when they agree (the same misread
    in both).

    A line billing kWh, with no unit price to check it against, whose
    amount per kWh is no price at all: ten times the band and more with an
    amount read without cents, the amount lost its decimal comma (`425 kWh
    … 11662 €`) and is forgotten; otherwise the quantity lost digits (`492
    kWh … 412,84 €`, `74 kWh … 148,55 €`: the thousands gone) and is
    forgotten before it counts as the consumption."""
    for it in items:
        band = SUBSCRIPTION_BAND.get(it.unit) if it.kind == "subscription" else None
        if it.ocr and band and it.unit_price is not None and not band[0] <= it.unit_price <= band[1]:
            if it.checked:  # `1 mois × 659€/mois = 659€`: both commas lost, the row agrees with itself
                it.amount, it.checked = None, False
            it.unit_price = None
            continue
        if not it.ocr or it.checked or not it.quantity or it.amount is None or it.unit not in ("kWh", None):
            continue
        if it.kind == "accise":
            band = ACCISE_BAND
        elif kwh_price_band(it) is not None:
            band = kwh_price_band(it)
        else:
            continue
        per_kwh = abs(it.amount) / it.quantity
        if per_kwh > 10 * band[1] and float(it.amount).is_integer():
            it.amount = None
        elif not band[0] <= per_kwh <= band[1]:
            it.quantity = None


def kwh_price_band(item: Item) -> tuple[float, float] | None:
    """The plausible prices of a kWh for an energy line (None for another line)."""
    if not item.kind.startswith("consumption") or item.energy not in KWH_PRICE_BAND:
        return None
    return KWH_PRICE_BAND["tempo" if item.kind == "consumption_tempo" else item.energy]


def repair_misread_amount(items: list[Item], total_ht: float | None, vat_rows: list[VatRow]) -> None:
    """An OCR line whose amount was misread in a common way, with no
    quantity × price to catch it: its decimal comma lost (`23,87 €` read
    `2387`), a speck before it read as a minus sign (`- 18,61 €`), or a digit
    misread where the row's quantity × price gives the amount (`2 mois ×
    12,14 €` over `24,98 €`). When exactly one such repair makes the lines
    add up to the bill's HT total (or its VAT table's bases) to the cent,
    that is the reading. Two such lines (both CTAs of a dual bill with their
    commas lost) only when the VAT table's base of every rate proves them."""
    bases = [r.base for r in vat_rows]
    if total_ht is None and bases and None not in bases:
        total_ht = sum(bases)
    if total_ht is None or not items or any(i.amount is None for i in items):
        return
    total = sum(i.amount for i in items)
    if abs(total - total_ht) <= 0.01:
        return
    options = [(i, fixed) for i in items if i.ocr for fixed in _repairs(i)]
    fits = [(i, fixed) for i, fixed in options if abs(total - i.amount + fixed - total_ht) <= 0.01]
    if not fits:
        fits = _two_repairs(items, options, total - total_ht, vat_rows)
    if len(fits) == 1 or len(fits) == 2 and fits[0][0] is not fits[1][0]:
        for item, fixed in fits:
            item.amount = fixed


def _two_repairs(items: list[Item], options: list[tuple[Item, float]], excess: float,
                 vat_rows: list[VatRow]) -> list[tuple[Item, float]]:
    """Two misread lines (both CTAs of a dual bill, `197` and `164`; `361€`
    and `693€` on one faint scan): the one pair of repairs that makes up the
    lines' excess over the HT total to the cent, and each rate's base of the
    VAT table when it gives them; without bases, only two decimal commas lost."""
    with_bases = len(vat_rows) >= 2 and all(r.base is not None for r in vat_rows) \
        and all(i.vat_rate is not None for i in items)
    pairs = [(a, b) for a, b in combinations(options, 2) if a[0] is not b[0]
             and abs(a[0].amount - a[1] + b[0].amount - b[1] - excess) <= 0.01
             and (_makes_bases(items, {id(a[0]): a[1], id(b[0]): b[1]}, vat_rows) if with_bases
                  else _comma_lost(*a) and _comma_lost(*b))]
    return list(pairs[0]) if len(pairs) == 1 else []


def _comma_lost(item: Item, fixed: float) -> bool:
    """`361€` for 3,61 €: a whole amount of three digits or more, no product to back it, read without its comma."""
    return not item.checked and float(item.amount).is_integer() and abs(item.amount) >= 100 \
        and fixed == round(item.amount / 100, 2)


def _makes_bases(items: list[Item], fixed: dict[int, float], vat_rows: list[VatRow]) -> bool:
    """The lines, with the amounts `fixed` (by id) for theirs, make each rate's base of the VAT table to the cent."""
    return all(abs(sum(fixed.get(id(i), i.amount) for i in items if i.vat_rate == r.rate) - r.base) <= 0.01
               for r in vat_rows)


def _repairs(item: Item) -> list[float]:
    amount = item.amount
    if item.checked:
        # Its product proves its size; a speck may still have been read as
        # its minus sign (`21,93 % x 84,88 € ‖ - 18,61 €`).
        return [-amount] if amount < 0 else []
    repairs = [round(amount / 100, 2)] if float(amount).is_integer() else []
    if amount < 0:
        repairs.append(-amount)
    if item.quantity is not None and item.unit_price is not None:
        product = round(item.quantity * item.unit_price, 2)
        if product not in repairs and abs(product - abs(amount)) > 0.01:
            repairs.append(product)
    if item.kind == "cta":
        # `CTA (21,93 % x 11,98 €) ‖ 2:03::55%`: the amount cell garbled, the
        # rate of its base printed in the label makes it.
        for share in _cta_shares(item.label):
            if share not in repairs and abs(share - abs(amount)) > 0.01:
                repairs.append(share)
    return repairs


def _cta_shares(label: str) -> list[float]:
    """The amounts the CTA rates and bases printed in a label of an OCR line
    make (`21,93 % x 11,98 €`; `20,8% x 895€`, the base's comma lost)."""
    text = clean(label)
    out = []
    for rate, a, b in find_percents(text):
        if not CTA_RATE_RANGE[0] <= rate <= CTA_RATE_RANGE[1] or rate in VAT_RATES:
            continue
        rest = text[:a] + " " * (b - a) + text[b:]
        out += [cents(rate * n.value / (100 if n.decimals == 2 else 10_000)) for n in find_numbers(rest)
                if n.decimals in (0, 2)]
    return out


def check_quantities_against_consumption(items: list[Item], consumption: Candidate | None) -> None:
    """The one line of an energy billing its kWh (its consumption in a
    single register, its excise) when its kWh are not the consumption read
    elsewhere (readings, label): a quantity read on a scan and not backed
    by quantity × price = amount is the likelier misread, and would make a
    price per kWh. It is forgotten, not replaced: another line of a split
    period may have gone unread."""
    if consumption is None or consumption.note == "lines":
        return
    for kind in ("consumption", "accise"):
        lines = [i for i in items if i.kind == kind]
        if len(lines) != 1:
            continue
        item = lines[0]
        if item.ocr and not item.checked and item.quantity is not None \
                and abs(item.quantity - consumption.value) > 0.5:
            item.quantity = None


# The VAT of energy bills (assets/tariffs/reference_tariffs.json, taxes.tva):
# the fixed part (subscription and CTA) at the reduced rate for periods up to
# 31 July 2025, everything else at the normal rate; for later periods
# everything at the normal rate. A bill over both fits neither plan alone:
# its fixed lines, each over a period on one side of the switch, take the
# rate of their own period.
_FIXED_PART = ("subscription", "cta")


def _plan_rates(items: list[Item]) -> list[list[float]]:
    """The rate of each line under each way the bill may apply VAT."""
    ref = load_reference()
    plans = [[i.vat_rate if i.vat_rate is not None else fixed if i.kind in _FIXED_PART else ref.vat_normal
              for i in items] for fixed in (ref.vat_reduced, ref.vat_after_switch)]
    dated = []
    for i in items:
        if i.vat_rate is not None or i.kind not in _FIXED_PART:
            dated.append(i.vat_rate if i.vat_rate is not None else ref.vat_normal)
        elif i.period_start and i.period_end and \
                ref.vat_subscription_pct(i.period_start) == ref.vat_subscription_pct(i.period_end):
            dated.append(ref.vat_subscription_pct(i.period_start))
        else:
            return plans  # a fixed line over both sides of the switch, or undated
    return plans + [dated]


def infer_vat_rates(items: list[Item], vat_rows: list[VatRow]) -> None:
    """Lines printed without their VAT rate get the rate of the legal plan
    whose bases are exactly those of the bill's VAT table, and only then:
    the table, checked row by row, proves the assignment."""
    if not vat_rows or not all(r.checked for r in vat_rows) \
            or not any(i.vat_rate is None and not i.vat_exempt for i in items) \
            or any(i.amount is None for i in items if not i.vat_exempt):
        return
    # A recovery indemnity printed without a rate may be outside VAT, as the law has it.
    fees = frozenset(k for k, i in enumerate(items) if i.kind == "fee" and i.vat_rate is None and not i.vat_exempt)
    fits = []
    for rates in _plan_rates(items):
        for outside in {frozenset(), fees}:
            rated = [(rate, i.amount) for k, (i, rate) in enumerate(zip(items, rates))
                     if not i.vat_exempt and k not in outside]
            if _make_table(rated, vat_rows) and (rates, outside) not in fits:
                fits.append((rates, outside))
    if len(fits) == 1:  # plans that fit but disagree on a line prove nothing
        rates, outside = fits[0]
        for k, (item, rate) in enumerate(zip(items, rates)):
            if item.vat_rate is None and not item.vat_exempt:
                item.vat_exempt = k in outside
                item.vat_rate = None if k in outside else rate


# Lines a bill may print outside VAT: a recovery indemnity, a penalty, an unnamed charge.
_MAYBE_OUTSIDE_VAT = ("fee", "other")


def infer_outside_vat(items: list[Item], vat_rows: list[VatRow], total_ht: float | None) -> None:
    """Lines printed without a VAT rate (a recovery indemnity) that make
    exactly the part of the HT total outside the VAT table's bases, while
    the rated lines make each base, are outside VAT."""
    unrated = [i for i in items if i.vat_rate is None and not i.vat_exempt]
    # An energy's subscription, consumption, excise or CTA is never outside
    # VAT: unrated, its VAT row was lost to OCR (`TVA 5,5 %` unread).
    if not unrated or total_ht is None or not vat_rows or not all(r.checked for r in vat_rows) \
            or any(i.amount is None for i in items) or any(i.kind not in _MAYBE_OUTSIDE_VAT for i in unrated):
        return
    if _make_table([(i.vat_rate, i.amount) for i in items if i.vat_rate is not None], vat_rows) \
            and abs(sum(i.amount for i in unrated) - (total_ht - sum(r.base for r in vat_rows))) <= 0.01:
        for i in unrated:
            i.vat_exempt = True


def _make_table(rated: list[tuple[float, float]], vat_rows: list[VatRow]) -> bool:
    """Whether amounts at their rates add up to each base of the VAT table, rate by rate."""
    bases: dict[float, float] = {}
    for rate, amount in rated:
        bases[rate] = bases.get(rate, 0.0) + amount
    table = {r.rate: r.base for r in vat_rows}
    return set(bases) == set(table) and all(abs(bases[r] - table[r]) <= 0.02 for r in table)


def _vat_table_proves_ht(vat_rows: list[VatRow], base_sum: float | None, vat_sum: float | None,
                         lines_sum: float | None, ttc: float | None) -> bool:
    """The VAT table's bases are the bill's whole HT total: every row's VAT
    is its rate of its base, and the bases plus their VAT make the TTC total
    (nothing billed outside VAT), or the lines read add up to the bases
    (two independent reads agree)."""
    if base_sum is None or vat_sum is None or not all(r.checked for r in vat_rows):
        return False
    return (ttc is not None and close(base_sum + vat_sum, ttc, abs_tol=0.02)) or \
        (lines_sum is not None and close(lines_sum, base_sum))


def _one_digit_apart(a: float, b: float) -> bool:
    x, y = f"{a:.2f}", f"{b:.2f}"
    return len(x) == len(y) and sum(p != q for p, q in zip(x, y)) == 1


def _due_differs(d: Draft, ttc: float) -> bool:
    """An amount to pay read apart from `ttc` with nothing paid before read to
    explain it: the printed TTC total, unread, may be either."""
    due = d.get("amount_due_eur")
    return due is not None and d.get("already_paid_eur") is None and not close(due, ttc)


# A printed TTC total may disagree with HT + VAT by some euros, never fall
# under this share of the HT total: below it, OCR read a piece of the figure.
TTC_FLOOR_SHARE = 0.5


def check_totals(d: Draft, items: list[Item], vat_rows: list[VatRow]) -> None:
    ht, vat, ttc = d.get("total_ht_eur"), d.get("total_vat_eur"), d.get("total_ttc_eur")
    lines_sum = round(sum(i.amount for i in items if i.amount is not None), 2) if items else None
    vat_sum = round(sum(r.vat for r in vat_rows), 2) if vat_rows and all(r.vat is not None for r in vat_rows) else None
    base_sum = round(sum(r.base for r in vat_rows), 2) if vat_rows and all(r.base is not None for r in vat_rows) \
        else None
    vat_seen = vat if vat is not None else vat_sum
    if ttc is not None and ttc < 0 < (ht or 0) and _is_ocr(d, "total_ttc_eur") \
            and (close(ht + vat_seen, -ttc, abs_tol=0.03) if vat_seen is not None else -ttc >= ht):
        # A speck before the TTC total read as a minus (`Montant TTC ee -613,05 €`):
        # a bill's totals share their sign.
        d.set("total_ttc_eur", replace(d.cand("total_ttc_eur"), value=-ttc))
        ttc = -ttc
    if ttc is not None and ht is not None and 0 < ttc < TTC_FLOOR_SHARE * ht and _is_ocr(d, "total_ttc_eur"):
        # `Montant TT C ‖ 49 0,21 €` read 0,21 €: a piece of the figure OCR cut.
        d.drop("total_ttc_eur", "ttc-below-ht")
    # An HT total read by OCR that neither the lines nor the TTC less the VAT bear out.
    unborne = ht is not None and _is_ocr(d, "total_ht_eur") and not (lines_sum is not None and close(lines_sum, ht)) \
        and not (vat_seen is not None and ttc is not None and close(ht + vat_seen, ttc, abs_tol=0.03))
    if unborne and lines_sum is not None and vat_seen is not None and ttc is not None \
            and close(lines_sum + vat_seen, ttc, abs_tol=0.03):
        # The lines and the VAT add up to the TTC, the HT read does not: a misread HT.
        page = d.cand("total_ht_eur").page
        d.set("total_ht_eur", Candidate(lines_sum, 0.8, page, "computed", "lines sum"))
        ht = lines_sum
    elif unborne and lines_sum is not None and _one_digit_apart(ht, lines_sum) \
            and (all(i.checked for i in items) or (ttc is not None and lines_sum <= ttc < ht)):
        # `142,08` for 142,98: every line's quantity × price makes its amount,
        # and their sum is the HT read but for one digit OCR misread; or the HT
        # read (`312,02` for 112,02) is more than the TTC total and their sum is not.
        page = d.cand("total_ht_eur").page
        d.set("total_ht_eur", Candidate(lines_sum, 0.75, page, "computed", "lines sum, one digit"))
        ht = lines_sum
    elif unborne and lines_sum is not None and ht == int(ht) and close(ht / 100, lines_sum) \
            and (ttc is None or lines_sum <= ttc < ht):
        # `132767 €` for 1 327,67 €, the lines' sum: the comma lost.
        page = d.cand("total_ht_eur").page
        d.set("total_ht_eur", Candidate(lines_sum, 0.8, page, "computed", "lines sum, comma lost"))
        ht = lines_sum
    elif unborne and not d.support.get("total_ht_eur") and not (base_sum is not None and close(base_sum, ht)) \
            and _vat_table_proves_ht(vat_rows, base_sum, vat_sum, lines_sum, ttc):
        # The HT total read as a figure nothing bears out (a column's first
        # amount under its « Total HT » heading): the VAT table's bases are
        # the whole HT. (Not printed at all, the HT total stays unknown.)
        d.set("total_ht_eur", Candidate(base_sum, 0.8, vat_rows[0].page, "computed", "vat table bases"))
        ht = base_sum
    if ht is not None:
        if lines_sum is not None and close(lines_sum, ht):
            d.confirm("total_ht_eur")
        if base_sum is not None and close(base_sum, ht):
            d.confirm("total_ht_eur")
    if vat is not None and vat_sum is not None and close(vat_sum, vat, abs_tol=0.03):
        d.confirm("total_vat_eur")
    if vat is None and vat_sum is not None:
        # The VAT total is not printed apart: the rows' sum is the VAT.
        if ht is not None and ttc is not None and close(ttc - ht, vat_sum):
            d.set("total_vat_eur", Candidate(vat_sum, 0.85, vat_rows[0].page, "computed", "vat rows"))
            vat = vat_sum
    due, due_cand, ttc_cand = d.get("amount_due_eur"), d.cand("amount_due_eur"), d.cand("total_ttc_eur")
    if ttc is not None and due is not None and d.get("already_paid_eur") is None and close(ttc, due) \
            and ttc_cand.spot is not None and due_cand.spot is not None and ttc_cand.spot != due_cand.spot:
        # Printed twice, under its own caption and as the amount to pay: as read,
        # whether or not the bill's HT and VAT add up to it.
        d.confirm("total_ttc_eur")
        d.confirm("amount_due_eur")
    if ht is not None and vat is not None and ttc is not None:
        if close(ht + vat, ttc, abs_tol=0.03):
            for p in ("total_ht_eur", "total_vat_eur", "total_ttc_eur"):
                d.confirm(p)
        else:
            # Either the bill is inconsistent (kept as printed) or one value
            # was misread: doubt only OCR values that nothing confirms.
            _blame(d, ("total_ht_eur", "total_vat_eur", "total_ttc_eur"), 0.7, "totals", only_ocr=True)
    elif ttc is None and ht is not None and vat is not None and d.support.get("total_ht_eur", 0) \
            and d.support.get("total_vat_eur", 0) and not _due_differs(d, ht + vat):
        d.set("total_ttc_eur", Candidate(round(ht + vat, 2), 0.6, None, "computed", "ht+vat"))
    elif ttc is None and base_sum is not None and vat_sum is not None and lines_sum is not None \
            and close(base_sum, lines_sum) and all(r.checked for r in vat_rows) \
            and not _due_differs(d, base_sum + vat_sum):
        # The TTC total unread: the VAT table, each row's VAT its rate of its
        # base and the bases the lines read, adds up to it.
        d.set("total_ttc_eur", Candidate(round(base_sum + vat_sum, 2), 0.7, vat_rows[0].page, "computed",
                                         "vat table"))
    due, paid, ttc = d.get("amount_due_eur"), d.get("already_paid_eur"), d.get("total_ttc_eur")
    if ttc is not None and due is not None and paid is not None:
        if close(ttc - paid, due):
            for p in ("amount_due_eur", "already_paid_eur", "total_ttc_eur"):
                d.confirm(p)
        elif close(due, ttc) and paid > 0:
            d.doubt("total_ttc_eur", 0.6, "due")
        else:
            _blame(d, ("amount_due_eur", "already_paid_eur"), 0.9, "due", only_ocr=True)


def check_vat_rows(vat_rows: list[VatRow]) -> None:
    for r in vat_rows:
        if r.base is not None and r.vat is not None and not r.checked:
            r.conf *= 0.6


def check_electricity(d: Draft, readings: list[Reading]) -> None:
    p = "electricity."
    total, hp, hc = (d.get(p + k) for k in ("consumption_kwh", "consumption_hp_kwh", "consumption_hc_kwh"))
    if total is not None and hp is not None and hc is not None:
        if abs(hp + hc - total) <= 1:
            for k in ("consumption_kwh", "consumption_hp_kwh", "consumption_hc_kwh"):
                d.confirm(p + k)
        else:
            paths = tuple(p + k for k in ("consumption_kwh", "consumption_hp_kwh", "consumption_hc_kwh"))
            _blame(d, paths, 0.6, "hphc")
    elec = [r for r in readings if r.energy != "gaz" and r.unit != "m3"]
    if total is not None and elec:
        deltas = sum(r.delta for r in elec if r.register in ("base", "hp", "hc") or "_" in r.register)
        if abs(deltas - total) <= 1:
            d.confirm(p + "consumption_kwh")
        elif d.cand(p + "consumption_kwh").source == "llm":
            d.drop(p + "consumption_kwh", "readings")
    kva = d.get(p + "subscribed_power_kva")
    if kva is not None and kva not in KVA_STEPS:
        d.drop(p + "subscribed_power_kva", "kva")
    _check_peak(d, p)
    lo, hi = KWH_PRICE_BAND["electricite"]
    for k in ("unit_price_kwh_ht_eur", "unit_price_hc_kwh_ht_eur"):
        v = d.get(p + k)
        if v is not None and not lo <= v <= hi:
            d.drop(p + k, "price-band")
    hp_price, hc_price = d.get(p + "unit_price_kwh_ht_eur"), d.get(p + "unit_price_hc_kwh_ht_eur")
    if hp_price is not None and hc_price is not None and hc_price >= hp_price:
        d.doubt(p + "unit_price_hc_kwh_ht_eur", 0.5, "hc>hp")
    for k in ("consumption_kwh", "consumption_hp_kwh", "consumption_hc_kwh"):
        v = d.get(p + k)
        if v is not None and not 0 <= v <= 500_000:
            d.drop(p + k, "range")


# A meter cuts the supply soon above the power subscribed: the peak reached
# stays under this multiple of it (a 9 kVA read as 3 beside an 8,8 kVA peak).
PEAK_OVER_KVA = 1.5


def _check_peak(d: Draft, p: str) -> None:
    """A maximum power reached far above the power subscribed: one of the
    two was misread, and which cannot be told (both null)."""
    kva, peak = d.get(p + "subscribed_power_kva"), d.get(p + "max_power_reached_kva")
    if kva is not None and peak is not None and peak > PEAK_OVER_KVA * kva:
        d.drop(p + "subscribed_power_kva", "kva-peak")
        d.drop(p + "max_power_reached_kva", "kva-peak")


def check_gas(d: Draft, readings: list[Reading], items: list[Item] = ()) -> None:
    p = "gas."
    gas = [r for r in readings if r.energy == "gaz" or r.unit == "m3"]
    m3, coef, kwh = (d.get(p + k) for k in ("consumption_m3", "conversion_coefficient", "consumption_kwh"))
    if coef is not None and not COEF_BAND[0] <= coef <= COEF_BAND[1]:
        fixed = _one_digit_coefficient(coef, m3, kwh) if _is_ocr(d, p + "conversion_coefficient") else None
        if fixed is None:
            d.drop(p + "conversion_coefficient", "coef-range")
            coef = None
        else:
            c = d.cand(p + "conversion_coefficient")
            d.set(p + "conversion_coefficient", Candidate(fixed, round(c.conf * 0.7, 3), c.page, "computed",
                                                          "one digit from m3 x coef = kWh"))
            coef = fixed
    # No gas gives that many kWh per m³, or so few: the volume (an index
    # misread makes a difference the kWh billed cannot come from) or the energy is misread.
    implausible = bool(m3 and kwh) and not COEF_BAND[0] <= kwh / m3 <= COEF_BAND[1]
    if m3 is not None and coef is not None and kwh is not None and not implausible:
        if makes_kwh(m3, coef, kwh):
            for k in ("consumption_m3", "conversion_coefficient", "consumption_kwh"):
                d.confirm(p + k)
        elif _is_ocr(d, p + "conversion_coefficient") and _volume_and_energy_borne_out(d, gas, items):
            # The coefficient read between them is the misread: one digit off, or unknown.
            fixed = _one_digit_coefficient(coef, m3, kwh)
            if fixed is None:
                d.drop(p + "conversion_coefficient", "m3xcoef")
            else:
                c = d.cand(p + "conversion_coefficient")
                d.set(p + "conversion_coefficient", Candidate(fixed, round(c.conf * 0.9, 3), c.page, "computed",
                                                              "one digit from m3 x coef = kWh"))
        else:
            _blame(d, tuple(p + k for k in ("consumption_m3", "conversion_coefficient", "consumption_kwh")), 0.6,
                   "m3xcoef")
    elif implausible:
        d.drop(p + "consumption_m3", "m3-kwh")
        _blame(d, (p + "consumption_kwh",), 0.6, "m3-kwh")
        m3 = None
    if m3 is not None and gas:
        if abs(sum(r.delta for r in gas) - m3) <= 1:
            d.confirm(p + "consumption_m3")
        elif d.cand(p + "consumption_m3").source == "llm":
            d.drop(p + "consumption_m3", "readings")
    v = d.get(p + "unit_price_kwh_ht_eur")
    lo, hi = KWH_PRICE_BAND["gaz"]
    if v is not None and not lo <= v <= hi:
        d.drop(p + "unit_price_kwh_ht_eur", "price-band")


def _volume_and_energy_borne_out(d: Draft, gas: list[Reading], items: list[Item]) -> bool:
    """The volume read is the indexes' difference as well (`29 m³` printed,
    29 m³ between the indexes), and the kWh read are the lines' kWh as well
    (`énergie consommée : 320 kWh`, 320 kWh billed; with no such caption
    read, the consumption line's kWh the excise line's too): two reads each."""
    m3, kwh = d.cand("gas.consumption_m3"), d.cand("gas.consumption_kwh")
    deltas = [r.delta for r in gas if r.delta is not None]
    # Units printed only in a column's header leave the lines' kWh bare; the
    # excise split over two periods bills them in two lines.
    billing = []
    for kind in ("consumption", "accise"):
        lines = [i.quantity for i in items if i.energy == "gaz" and i.kind == kind and i.unit in ("kWh", None)
                 and i.quantity is not None]
        billing.append(any(close(q, kwh.value) for q in lines + [sum(lines)]))
    kwh_twice = all(billing) if kwh.note == "lines" else any(billing)
    return m3.note != "readings" and kwh_twice and bool(deltas) and abs(sum(deltas) - m3.value) <= 0.5


def _one_digit_coefficient(coef: float, m3: float | None, kwh: float | None) -> float | None:
    """A coefficient misread by one digit (`19,715` for 10,715): the one
    digit change that brings it into the plausible range and makes m³ ×
    coefficient = kWh, to the half m³ the volume was rounded to. A digit
    finer than that rounding leaves the coefficient unknown (`11,65` with
    80 m³ and 885 kWh: 11,05 fits, and so does every coefficient from 10,99
    to 11,13; the one printed was 11,06)."""
    if not m3 or not kwh or m3 < 10:
        return None
    text = f"{coef:.3f}"
    point = text.index(".")
    fits = {}
    for i, ch in enumerate(text):
        for digit in "0123456789":
            if ch.isdigit() and digit != ch:
                value = float(text[:i] + digit + text[i + 1:])
                if COEF_BAND[0] <= value <= COEF_BAND[1] and close(m3 * value, kwh, abs_tol=0.5 * value + 1):
                    fits[value] = 10.0 ** (point - i - (1 if i < point else 0))  # the changed digit's place
    if len(fits) != 1:
        return None
    value, place = fits.popitem()
    return value if place > 2 * (0.5 * value + 1) / m3 else None


def check_references(d: Draft) -> None:
    """An invoice number and a client number read as the same reference:
    one of them was read beside another caption (`C5148997` under an
    invoice-number caption whose own value OCR garbled). The less sure one
    is dropped. A client number that is the PDL or the PCE read under their
    own caption was taken from the delivery point's tile (its own garbled)."""
    inv, cli = d.cand("invoice_number"), d.cand("customer.client_number")
    if cli is not None and _bare(cli.value) in {_bare(d.get(p)) for p in ("electricity.pdl", "gas.pce") if d.get(p)}:
        d.drop("customer.client_number", "meter-reference")
        return
    if inv is None or cli is None or _bare(inv.value) != _bare(cli.value):
        return
    d.drop("invoice_number" if inv.conf <= cli.conf else "customer.client_number", "same-reference")


def _bare(reference) -> str:
    return re.sub(r"\W", "", str(reference))


def check_period(d: Draft) -> None:
    start, end = d.get("period.start"), d.get("period.end")
    if start and end:
        days = (end - start).days
        if days < 0 or days > 800:
            d.doubt("period.start", 0.4, "period")
            d.doubt("period.end", 0.4, "period")
    inv = d.get("invoice_date")
    if inv and start and inv < start:
        d.doubt("invoice_date", 0.7, "date-order")
    if inv and end and issued_implausibly_late(inv, end):
        # A bill comes out weeks after its period: a year apart, one of the
        # dates lost a digit (2026 read 2025 on a photo), and a wrong period
        # prices the bill at another year's tariffs and tax rules.
        for p in ("invoice_date", "period.start", "period.end"):
            d.doubt(p, 0.7, "date-order")


def check_subscription_days(d: Draft, path: str, items: list[Item]) -> None:
    """A subscription summed from OCR lines billed by the day, whose days
    fall short of the billed period by more than the two days of how
    periods are counted: a line of it went unread (a row cut off its
    values), and the sum would be short."""
    start, end = d.get("period.start"), d.get("period.end")
    subs = [i for i in items if i.kind == "subscription"]
    if d.get(path) is None or not start or not end or min(d.conf("period.start"), d.conf("period.end")) < 0.6 \
            or not any(i.ocr for i in subs) \
            or any(i.unit != "jour" or not i.quantity for i in subs):
        return
    if sum(i.quantity for i in subs) < (end - start).days - 1:
        d.drop(path, "subscription-days")


def below_its_lines(energy_ttc: float, items: list[Item], total_ht: float | None = None) -> bool:
    """Whether an energy's printed total TTC is far below what its own lines
    already come to (VAT only adds): another row's amount, taken for the
    total on a tilted photo's table. Lines not read only lower the sum; a
    line above the bill's whole HT total was misread (`395` for « 3,95 € »)
    and proves nothing."""
    lines = sum(i.amount for i in items if i.amount is not None and (total_ht is None or i.amount <= total_ht))
    return energy_ttc < value("plausible_values", "energy_ttc_min_share_of_lines") * lines
