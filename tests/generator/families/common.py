"""What every layout family shares: French formatting, label variants, the
Jinja2 environment and the context handed to a family's template."""
from __future__ import annotations

import random
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tests.generator import data
from tests.generator.bill import Bill, Line, customer_name, r2

TEMPLATES = Path(__file__).resolve().parent / "templates"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


class Fmt:
    """French number, money, date and identifier formatting in one family's style."""

    def __init__(self, *, date_style: str = "dmy", thousands: str = " ", price_unit: str = "eur4",
                 euro_after: bool = True):
        self.date_style = date_style
        self.sep = thousands
        self.price_unit = price_unit
        self.euro_after = euro_after

    def num(self, x: float | None, decimals: int = 2) -> str:
        if x is None:
            return ""
        neg = x < 0
        text = f"{abs(x):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", self.sep)
        return ("-" if neg else "") + text

    def int(self, x: int | None) -> str:
        return self.num(x, 0)

    def money(self, x: float | None, *, symbol: bool = True) -> str:
        if x is None:
            return ""
        text = self.num(x, 2)
        return f"{text} €" if symbol else text

    def date(self, d: date | None, style: str | None = None) -> str:
        if d is None:
            return ""
        style = style or self.date_style
        if style == "dmy":
            return d.strftime("%d/%m/%Y")
        if style == "dmy2":
            return d.strftime("%d/%m/%y")
        if style == "dot":
            return d.strftime("%d.%m.%Y")
        if style == "dash":
            return d.strftime("%d-%m-%Y")
        if style == "long":
            day = "1er" if d.day == 1 else str(d.day)
            return f"{day} {MONTHS[d.month - 1]} {d.year}"
        raise ValueError(style)

    def month_year(self, d: date) -> str:
        return f"{MONTHS[d.month - 1]} {d.year}"

    def period(self, a: date | None, b: date | None, style: str | None = None, joiner: str = "au") -> str:
        if a is None or b is None:
            return ""
        return f"du {self.date(a, style)} {joiner} {self.date(b, style)}"

    def price(self, eur: float | None, unit: str | None = None, per: str = "kWh") -> str:
        """A price per `per` as the family prints it (euros or cents of euro)."""
        if eur is None:
            return ""
        unit = unit or self.price_unit
        if unit == "eur4":
            return f"{self.num(eur, 4)} €/{per}"
        if unit == "eur5":
            return f"{self.num(eur, 5)} €/{per}"
        if unit == "eur4_bare":
            return self.num(eur, 4)
        if unit == "ceur":
            return f"{self.num(eur * 100, 2)} c€/{per}"
        if unit == "ceur3":
            return f"{self.num(eur * 100, 3)} c€/{per}"
        raise ValueError(unit)

    def rate(self, eur_per_kwh: float, style: str = "eur") -> str:
        """Accise rates: €/kWh with 5 decimals or €/MWh."""
        if style == "mwh":
            return f"{self.num(eur_per_kwh * 1000, 2)} €/MWh"
        return f"{self.num(eur_per_kwh, 5)} €/kWh"

    def pct(self, x: float) -> str:
        """21,93 % / 5,5 % / 20 %."""
        text = str(int(x)) if x == int(x) else f"{x:g}".replace(".", ",")
        return f"{text} %"


def spaced(ident: str, groups: tuple[int, ...]) -> str:
    """An identifier printed in groups ("2750 8003 4137 91")."""
    out, i = [], 0
    for g in groups:
        if i >= len(ident):
            break
        out.append(ident[i:i + g])
        i += g
    if i < len(ident):
        out.append(ident[i:])
    return " ".join(out)


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                    trim_blocks=True, lstrip_blocks=True)
    return e


def relabel(bill: Bill, labels: dict) -> None:
    """Print each line with this family's wording (the truth keeps labels as printed)."""
    for e in bill.energies:
        for line in e.lines:
            key = (line.kind, e.energy)
            if key in labels:
                text = labels[key]
                line.label = text(line, e) if callable(text) else text
            elif line.kind in labels:
                text = labels[line.kind]
                line.label = text(line, e) if callable(text) else text


def consumption_label(energy_word: str, hp_hc: tuple[str, str], gas: str = "gaz naturel"):
    """A `relabel` wording of consumption lines: `<word> gaz naturel` (or
    `gas`), `<word> Base`, `<word> Heures Pleines` (or HP), `<word> Tempo Bleu HC`."""
    def label(line: Line, e) -> str:
        if e.energy == "gaz":
            return f"{energy_word} {gas}"
        reg = line.register or "base"
        if reg == "base":
            return f"{energy_word} Base"
        if reg in ("hp", "hc"):
            return f"{energy_word} {hp_hc[0] if reg == 'hp' else hp_hc[1]}"
        _, colour, period = reg.split("_")
        return f"{energy_word} Tempo {colour.capitalize()} {period.upper()}"
    return label


def printed_spellings(bill: Bill, elec, gas, pdl: str, pce: str, client: str) -> dict:
    """What `render` returns beside its HTML: the HT total printed, and the
    PDL/PCE and client number as this layout spells them (spaced, prefixed)
    where that differs from the bill's own."""
    points = {}
    if elec and pdl != elec.point:
        points[elec.point] = [pdl]
    if gas and pce != gas.point:
        points[gas.point] = [pce]
    printed = {"total_ht": True, "point_spellings": points}
    if client != bill.client_number:
        printed["client_number_spellings"] = [client]
    return printed


def pick(rng: random.Random, *options):
    return rng.choice(options)


def context(bill: Bill, rng: random.Random, fmt: Fmt) -> dict:
    """Facts every template uses, already computed; each family formats them."""
    sup = data.SUPPLIERS[bill.supplier]
    elec, gas = bill.energy_block("electricite"), bill.energy_block("gaz")
    c = bill.customer
    return {
        "bill": bill, "f": fmt, "sup": sup, "elec": elec, "gas": gas, "c": c,
        "name": customer_name(bill),
        "full_name": f"{c['civility']} {c['first']} {c['last']}",
        "street_line": f"{c['number']} {c['street']}",
        "city_line": f"{c['postcode']} {c['city']}",
        "site": bill.delivery,
        "siret": data.luhn_complete(sup_siren_digits(bill.supplier)) + f"{rng.randint(10, 999):05d}",
        "siren": data.luhn_complete(sup_siren_digits(bill.supplier)),
        "tva_intra": "FR" + f"{rng.randint(10, 99)}" + data.luhn_complete(sup_siren_digits(bill.supplier)),
        "d": set(bill.distractors),
        "services": [line for line in bill.extra_lines if line.kind == "service"],
        "fees": [line for line in bill.extra_lines if line.kind == "fee"],
        "regul": bill.kind == "regularisation",
        "ics": "FR" + f"{rng.randint(10, 99)}" + "ZZZ" + data.random_digits(rng, 6),
        "rum": data.random_digits(rng, 10) + "-" + data.random_digits(rng, 4),
        "phone": f"09 {rng.randint(70, 79)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "print_run": f"{rng.randint(100000, 999999)}-{rng.randint(10, 99)}-{rng.choice('ABCDEFG')}",
    }


def sup_siren_digits(supplier: str) -> str:
    """Eight invented digits per supplier, stable across bills (the SIREN's body)."""
    seed = sum(ord(ch) * (i + 7) for i, ch in enumerate(supplier))
    rng = random.Random(seed)
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))


def masked_iban(iban: str) -> str:
    return f"{iban[:4]} **** **** **** **** ***{iban[-3:]}"


def iban_spaced(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def chart(history: list[tuple[date, int]], *, unit: str = "kWh", height_px: int = 70, colour: str = "#888",
          show_values: bool = True) -> list[dict]:
    """Bars for a consumption history chart (values printed above the bars leak into the text)."""
    top = max(v for _, v in history) or 1
    return [{"label": MONTHS[d.month - 1][:3].capitalize() if d.month != 6 and d.month != 7 else
             ("Juin" if d.month == 6 else "Juil"), "value": v, "h": max(2, int(v / top * height_px)),
             "colour": colour, "show": show_values} for d, v in history]


def is_line(obj) -> bool:
    return isinstance(obj, Line)


OPTION_LABELS = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
REGISTER_NAMES = {"base": "Base", "hp": "Heures Pleines", "hc": "Heures Creuses", "gaz": "Gaz",
                  "tempo_bleu_hp": "Tempo Bleu HP", "tempo_bleu_hc": "Tempo Bleu HC",
                  "tempo_blanc_hp": "Tempo Blanc HP", "tempo_blanc_hc": "Tempo Blanc HC",
                  "tempo_rouge_hp": "Tempo Rouge HP", "tempo_rouge_hc": "Tempo Rouge HC"}
NATURE = {"reel": "Réel", "estime": "Estimé"}


def helpers(fmt: Fmt, bill: Bill, *, accise_style: str = "eur", day_unit: str = "jours", month_unit: str = "mois",
            kwh_unit: str = "kWh") -> dict:
    """Formatting functions the templates call on lines, and a few computed amounts."""

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        if line.unit == "kWh":
            return f"{fmt.int(line.quantity)} {kwh_unit}".strip()
        if line.unit == "mois":
            return f"{fmt.int(line.quantity)} {month_unit}".strip()
        if line.unit == "jour":
            return f"{fmt.int(line.quantity)} {day_unit}".strip()
        return fmt.int(line.quantity)

    def unit_price(line: Line) -> str:
        if line.unit_price is None:
            return ""
        if line.kind == "accise":
            return fmt.rate(line.unit_price, accise_style)
        if line.unit == "kWh":
            return fmt.price(line.unit_price)
        if line.unit == "mois":
            return f"{fmt.num(line.unit_price, 2)} €/mois"
        if line.unit == "jour":
            return f"{fmt.num(line.unit_price, 4)} €/jour"
        return fmt.money(line.unit_price)

    def cta_text(line: Line) -> str:
        rate, base = line.detail.split("|")
        return f"{fmt.pct(float(rate))} × {fmt.money(float(base))}"

    extras = bill.extra_lines
    extras_vat = 0.0
    for rate in {line.vat for line in extras if line.vat}:
        extras_vat += r2(r2(sum(line.amount for line in extras if line.vat == rate)) * rate / 100)
    extras_ttc = round(sum(line.amount for line in extras) + extras_vat, 2)
    pay = {
        "prelevement": f"Prélevé à partir du {fmt.date(bill.due_date)}",
        "tip": f"À régler avant le {fmt.date(bill.due_date)} par TIP SEPA",
        "virement": f"À régler par virement avant le {fmt.date(bill.due_date)}",
        "cb": f"À régler avant le {fmt.date(bill.due_date)} par carte bancaire depuis votre espace client",
    }[bill.payment]
    return {
        "qty": qty, "unit_price": unit_price, "cta_text": cta_text, "nature": lambda n: NATURE[n],
        "coef": lambda e: fmt.num(e.coefficient, 2 if round(e.coefficient, 2) == e.coefficient else 3),
        "energy_ht": lambda e: r2(sum(line.amount for line in e.lines)),
        "energy_name": lambda e: "Électricité" if e.energy == "electricite" else "Gaz naturel",
        "reg_names": REGISTER_NAMES, "extras_ttc": extras_ttc, "pay_text": pay,
        "energies": bill.energies,
        "option_label": OPTION_LABELS.get(bill.energies[0].option or "", "") if bill.energies else "",
    }
