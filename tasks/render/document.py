"""The prepared report's data: display-ready French strings, nothing to compute.

`model.build_document` fills a `ReportDocument` from the analysis; the
anonymiser copies and rewrites it; the template lays it out. The French
wording of the analysis's codes (options, pricing, severities…) is data, in
templates/report_labels.json.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from tasks.settings import TEMPLATES


@lru_cache(maxsize=1)
def labels() -> dict:
    """The code → French label tables, read once."""
    return json.loads((TEMPLATES / "report_labels.json").read_text(encoding="utf-8"))


def french(table: str, code) -> str | None:
    """The French label of `code` in `table`, None for an unknown code."""
    return labels()[table].get(code) if isinstance(code, str) else None


@dataclass
class Row:
    """One line of a facts table. `kind` tells the anonymiser what the value
    is (supplier, offer, name, address, client_number, invoice_number, pdl,
    pce, meter); plain values have None."""

    label: str
    value: str
    kind: str | None = None
    note: str | None = None
    missing: bool = False
    raw: str | None = None  # the value before formatting, for the anonymiser
    alt: str | None = None  # the same value in other words (see OPTIONS_ALT)


@dataclass
class OfferRow:
    rank: int
    supplier: str
    offer: str
    pricing: str | None
    pricing_short: str | None
    option: str | None
    option_alt: str | None
    price_kwh: str | None
    subscription: str | None
    annual_cost: str
    delta: str | None
    is_best: bool
    supplier_raw: str
    offer_raw: str | None
    pricing_code: str | None
    cost_value: float = 0.0
    source: str | None = None
    valid_from: str | None = None  # ISO date of the offer's price grid
    offer_is_description: bool = False  # `offer` describes the pricing, no name


@dataclass
class Bar:
    label: str
    value: float
    display: str
    role: str  # current, reference, offer, best
    supplier_raw: str | None = None
    offer_raw: str | None = None
    pricing_code: str | None = None


@dataclass
class Figure:
    label: str
    value: str
    emphasis: bool = False


@dataclass
class EnergySection:
    energy: str
    title: str
    contract: list[Row]
    figures: list[Figure]
    bars: list[Bar]
    offers: list[OfferRow]
    more_offers: int
    market_note: str | None
    reference: str | None
    prices_valid_on: str | None  # "au 1er août 2025" or "pendant la période du … au …"
    annual_consumption: str | None
    annualisation: str | None
    recommendation: list[str]
    current_value: float | None = None
    savings_value: float | None = None
    savings_basis: str | None = None  # "best_offer", "reference" (no dated offer), None


@dataclass
class IssueCard:
    code: str
    severity: str
    severity_label: str
    title: str
    detail: str | None
    evidence: str | None
    action: str | None
    impact: str | None
    impact_value: float = 0.0
    energy: str | None = None
    energy_label: str | None = None  # shown on dual bills only


@dataclass
class CombinedRow:
    label: str
    current: str
    best: str
    savings: str
    emphasis: bool = False


@dataclass
class Summary:
    headline: str
    headline_value: str | None
    lines: list[str]
    highlights: list[str]


@dataclass
class ReportDocument:
    anonymous: bool
    title: str
    subtitle: str
    generated_on: str
    energies: list[str]
    summary: Summary
    invoice: list[Row]
    sections: list[EnergySection]
    combined: list[CombinedRow]
    issues: list[IssueCard]
    issues_note: str | None
    recommendation: list[str]
    method: list[str]
    sources: list[str]
    warnings: list[str]
    uncertain: list[str]
    current_supplier: str | None = None  # raw, for the anonymiser
    pdf_title: str = ""
    pdf_subject: str = ""
    pdf_keywords: str = ""
    extra: dict = field(default_factory=dict)
