"""A typed view of the extraction output for the analyse stage.

Extraction follows the schema, but one stray value (a string where a number
is expected, a list instead of a label) must not crash the stage or be read
as a fact. `clean` returns a separate copy in which every key the stage
reads has the expected type or is None; the analysis returned to the caller
keeps extraction's values untouched.
"""
from __future__ import annotations

import math

LINE_KINDS = {"subscription", "consumption", "consumption_hp", "consumption_hc", "consumption_tempo", "accise", "cta",
              "service", "fee", "discount", "other"}
ENERGIES = {"electricite", "gaz"}
NATURES = {"reel", "estime"}


def num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def enum(value, allowed) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def integer(value) -> int | None:
    v = num(value)
    return int(v) if v is not None and v.is_integer() else None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _line(raw: dict) -> dict:
    return {
        "label": text(raw.get("label")),
        "energy": enum(raw.get("energy"), ENERGIES),
        "kind": enum(raw.get("kind"), LINE_KINDS) or "other",
        "quantity": num(raw.get("quantity")),
        "unit": text(raw.get("unit")),
        "unit_price_ht_eur": num(raw.get("unit_price_ht_eur")),
        "amount_ht_eur": num(raw.get("amount_ht_eur")),
        "vat_rate_percent": num(raw.get("vat_rate_percent")),
        "period_start": text(raw.get("period_start")),
        "period_end": text(raw.get("period_end")),
    }


def _reading(raw: dict) -> dict:
    return {
        "register": text(raw.get("register")),
        "start_date": text(raw.get("start_date")),
        "end_date": text(raw.get("end_date")),
        "start_index": num(raw.get("start_index")),
        "end_index": num(raw.get("end_index")),
        "start_nature": enum(raw.get("start_nature"), NATURES),
        "end_nature": enum(raw.get("end_nature"), NATURES),
    }


def _block(raw, energy: str) -> dict | None:
    if not isinstance(raw, dict):
        return None
    block = {
        "consumption_kwh": num(raw.get("consumption_kwh")),
        "unit_price_kwh_ht_eur": num(raw.get("unit_price_kwh_ht_eur")),
        "subscription_eur": num(raw.get("subscription_eur")),
        "reading": enum(raw.get("reading"), NATURES),
        "annual_reference_kwh": num(raw.get("annual_reference_kwh")),
        "readings": [_reading(r) for r in raw.get("readings") or [] if isinstance(r, dict)]
        if isinstance(raw.get("readings"), list) else [],
    }
    if energy == "electricite":
        block.update(
            subscribed_power_kva=num(raw.get("subscribed_power_kva")),
            tariff_option=enum(raw.get("tariff_option"), {"base", "hphc", "tempo", "ejp"}),
            consumption_hp_kwh=num(raw.get("consumption_hp_kwh")),
            consumption_hc_kwh=num(raw.get("consumption_hc_kwh")),
            unit_price_hc_kwh_ht_eur=num(raw.get("unit_price_hc_kwh_ht_eur")),
            max_power_reached_kva=num(raw.get("max_power_reached_kva")),
        )
    else:
        zone = raw.get("zone")
        block.update(
            tariff_band=text(raw.get("tariff_band")),
            zone=str(int(zone)) if num(zone) is not None and float(zone).is_integer() else text(zone),
            consumption_m3=num(raw.get("consumption_m3")),
            conversion_coefficient=num(raw.get("conversion_coefficient")),
        )
    return block


def clean(analysis: dict) -> dict:
    a = _dict(analysis)
    period = _dict(a.get("period"))
    fields = _dict(a.get("fields"))
    return {
        "energy": enum(a.get("energy"), ENERGIES | {"dual"}),
        "offer_name": text(a.get("offer_name")),
        "offer_pricing": enum(a.get("offer_pricing"), {"fixe", "indexe", "reglemente"}),
        "offer_mentions": [m for m in a.get("offer_mentions") or [] if text(m)]
        if isinstance(a.get("offer_mentions"), list) else [],
        "invoice_date": text(a.get("invoice_date")),
        "invoice_kind": enum(a.get("invoice_kind"), {"facture", "regularisation", "echeancier"}),
        "residential": a.get("residential") if isinstance(a.get("residential"), bool) else None,
        # Values read by OCR may hold a misread digit (issues.power_oversized).
        "ocr_used": a.get("ocr_used") is True,
        "period": {"start": text(period.get("start")), "end": text(period.get("end")),
                   "days": integer(period.get("days"))},
        "fields": {"period.days": _dict(fields.get("period.days"))},
        "total_ttc_eur": num(a.get("total_ttc_eur")),
        "total_ht_eur": num(a.get("total_ht_eur")),
        "total_vat_eur": num(a.get("total_vat_eur")),
        "amount_due_eur": num(a.get("amount_due_eur")),
        "already_paid_eur": num(a.get("already_paid_eur")),
        "vat_breakdown": [{"rate_percent": num(b.get("rate_percent")), "base_ht_eur": num(b.get("base_ht_eur")),
                           "vat_eur": num(b.get("vat_eur"))}
                          for b in a.get("vat_breakdown") or [] if isinstance(b, dict)]
        if isinstance(a.get("vat_breakdown"), list) else [],
        "lines": [_line(raw) for raw in a.get("lines") or [] if isinstance(raw, dict)]
        if isinstance(a.get("lines"), list) else [],
        "electricity": _block(a.get("electricity"), "electricite"),
        "gas": _block(a.get("gas"), "gaz"),
    }
