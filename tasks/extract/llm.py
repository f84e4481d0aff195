"""Optional LLM extraction through an OpenAI-compatible chat-completions API.

Off unless an `LlmConfig` with an API key is given; the `openai` client is
imported only then. The model reads the bill's text (lines rebuilt from the
word boxes) and answers in JSON; each value it gives must be printed on the
bill (identifiers, numbers, dates are looked for in the text), passes the
same cross-checks as the values read by the rules, and is merged field by
field: it fills what the rules missed or reinforces what they read, it never
replaces a surer reading. A timeout or a server error falls back to the
rules after a few retries.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tasks.extract.numbers import fold

log = logging.getLogger(__name__)

# Confidence given to a value only the model found (it is checked before use).
LLM_CONF = 0.7
# Text sent to the model is capped (long bills carry pages of legal notices).
MAX_CHARS = 24_000


@dataclass(frozen=True)
class LlmConfig:
    api_key: str
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout: float = 30.0
    retries: int = 2  # extra attempts after a timeout, a connection error or a 5xx/429


# Fields asked for, with the type each must have: (dotted path, kind).
FIELDS: tuple[tuple[str, str], ...] = (
    ("supplier", "text"), ("offer_name", "text"), ("offer_pricing", "pricing"),
    ("invoice_number", "ref"), ("invoice_date", "date"), ("invoice_kind", "kind"),
    ("period.start", "date"), ("period.end", "date"),
    ("customer.name", "text"), ("customer.address", "text"), ("customer.client_number", "ref"),
    ("total_ttc_eur", "amount"), ("total_ht_eur", "amount"), ("total_vat_eur", "amount"),
    ("amount_due_eur", "amount"), ("already_paid_eur", "amount"),
    ("electricity.pdl", "pdl"), ("electricity.subscribed_power_kva", "kva"),
    ("electricity.tariff_option", "option"), ("electricity.consumption_kwh", "number"),
    ("electricity.consumption_hp_kwh", "number"), ("electricity.consumption_hc_kwh", "number"),
    ("electricity.unit_price_kwh_ht_eur", "price"), ("electricity.unit_price_hc_kwh_ht_eur", "price"),
    ("electricity.subscription_eur", "amount"), ("electricity.reading", "reading"),
    ("gas.pce", "pce"), ("gas.consumption_kwh", "number"), ("gas.consumption_m3", "number"),
    ("gas.conversion_coefficient", "number"), ("gas.unit_price_kwh_ht_eur", "price"),
    ("gas.subscription_eur", "amount"), ("gas.reading", "reading"),
)

SYSTEM_PROMPT = (
    "Tu lis des factures françaises d'électricité et de gaz. Réponds uniquement par un objet JSON "
    "dont les clés sont exactement : " + ", ".join(p for p, _ in FIELDS) + ". "
    "Mets null pour toute valeur absente de la facture : n'invente rien. Dates au format AAAA-MM-JJ, "
    "montants en euros comme nombres (1234.56), prix du kWh hors taxes en euros (0.1952), "
    "identifiants sans espaces. total_ttc_eur est le total TTC de la facture, pas le montant restant "
    "à payer après déduction des mensualités. offer_pricing vaut fixe, indexe ou reglemente ; "
    "invoice_kind vaut facture, regularisation ou echeancier ; electricity.tariff_option vaut base, "
    "hphc, tempo ou ejp ; reading (nature de l'index de fin) vaut reel ou estime ; customer.name est "
    "le prénom puis le nom sans civilité ; customer.address est « rue, code postal ville »."
)


def document_text(doc) -> str:
    parts = []
    page = None
    for line in doc.lines:
        if line.page != page:
            page = line.page
            parts.append(f"--- page {page} ---")
        parts.append(line.text)
    return "\n".join(parts)[:MAX_CHARS]


def ask_model(text: str, config: LlmConfig) -> dict[str, Any] | None:
    """The model's JSON answer, or None after retries on failure."""
    try:
        import openai
        from tenacity import retry_if_exception_type, Retrying, stop_after_attempt, wait_exponential
    except ImportError:  # pragma: no cover - both are pinned requirements
        log.warning("openai or tenacity missing: LLM extraction skipped")
        return None
    client = openai.OpenAI(api_key=config.api_key, base_url=config.base_url or None,
                           timeout=config.timeout, max_retries=0)
    transient = (openai.APITimeoutError, openai.APIConnectionError, openai.InternalServerError,
                 openai.RateLimitError)
    try:
        for attempt in Retrying(stop=stop_after_attempt(1 + max(0, config.retries)),
                                wait=wait_exponential(multiplier=0.2, max=2.0),
                                retry=retry_if_exception_type(transient), reraise=True):
            with attempt:
                response = client.chat.completions.create(
                    model=config.model,
                    messages=[{"role": "system", "content": SYSTEM_PROMPT},
                              {"role": "user", "content": text}],
                    response_format={"type": "json_object"},
                    temperature=0,
                )
        content = response.choices[0].message.content or ""
        data = json.loads(content)
        return data if isinstance(data, dict) else None
    except (openai.OpenAIError, json.JSONDecodeError, IndexError, AttributeError, TypeError) as exc:
        log.warning("LLM extraction failed: %s", type(exc).__name__)
        return None
    finally:
        client.close()


def _lookup(data: dict, path: str):
    if path in data:
        return data[path]
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


_ENUMS = {
    "pricing": {"fixe", "indexe", "reglemente"},
    "kind": {"facture", "regularisation", "echeancier"},
    "option": {"base", "hphc", "tempo", "ejp"},
    "reading": {"reel", "estime"},
}


def coerce(kind: str, value: Any) -> Any:
    """The value in the type of the field, or None when it cannot be one."""
    if value is None or value == "":
        return None
    try:
        if kind in _ENUMS:
            v = fold(str(value)).strip()
            return v if v in _ENUMS[kind] else None
        if kind == "date":
            return date.fromisoformat(str(value)[:10])
        if kind in ("amount", "number", "price"):
            v = float(str(value).replace(",", ".").replace(" ", "")) if isinstance(value, str) else float(value)
            if kind == "price" and v > 2:
                v = v / 100  # a price given in c€/kWh
            return round(v, 2) if kind == "amount" else (int(v) if kind == "number" and v.is_integer() else v)
        if kind == "kva":
            v = float(value)
            return int(v) if v in (3, 6, 9, 12, 15, 18, 24, 30, 36) else None
        if kind == "pdl":
            digits = re.sub(r"\D", "", str(value))
            return digits if len(digits) == 14 else None
        if kind == "pce":
            s = re.sub(r"\s", "", str(value)).upper()
            return s if re.fullmatch(r"\d{14}|GI\d{6}", s) else None
        if kind == "ref":
            s = re.sub(r"\s", "", str(value))
            return s if 4 <= len(s) <= 30 and re.search(r"\d", s) else None
        if kind == "text":
            s = re.sub(r"\s+", " ", str(value)).strip()
            return s if 2 <= len(s) <= 120 else None
    except (TypeError, ValueError):
        return None
    return None


def _fr_number_forms(v: float) -> set[str]:
    """How a number may be printed: `1 234,56`, `1234,56`, `0,1952`, `19,52` (c€)."""
    forms = set()
    for decimals in range(0, 6):
        s = f"{v:.{decimals}f}"
        if float(s) != round(v, decimals) or abs(float(s) - v) > 1e-9:
            continue
        intpart, _, dec = s.partition(".")
        grouped = f"{int(intpart):,}".replace(",", " ") if intpart.lstrip("-").isdigit() else intpart
        for ip in {intpart, grouped}:
            forms.add(ip + ("," + dec if dec else ""))
    return forms


def grounded(kind: str, value: Any, text: str, compact_digits: str) -> bool:
    """The value is printed on the bill (the model must not invent it)."""
    if value is None:
        return False
    if kind in ("pdl", "pce", "ref"):
        key = re.sub(r"[\s\-]", "", str(value)).upper()
        return key in re.sub(r"[\s\-]", "", text).upper() or (key.isdigit() and key in compact_digits)
    if kind == "date":
        d: date = value
        return any(s in text for s in (d.strftime("%d/%m/%Y"), d.strftime("%d/%m/%y"), d.strftime("%d.%m.%Y"))) \
            or str(d.year) in text
    if kind in ("amount", "number", "price", "kva"):
        v = float(value)
        candidates = _fr_number_forms(v)
        if kind == "price":
            candidates |= _fr_number_forms(round(v * 100, 4))
        flat = text.replace("\u00a0", " ").replace("\u202f", " ")
        return any(re.search(r"(?<![\d,])" + re.escape(c) + r"(?![\d])", flat) for c in candidates)
    if kind == "text":
        words = [w for w in re.findall(r"[a-z0-9]{3,}", fold(str(value)))]
        folded = fold(text)
        return bool(words) and sum(w in folded for w in words) >= max(1, int(0.7 * len(words)))
    return True  # enums are judgements, checked by the cross-checks


def merge_llm(state, doc, config: LlmConfig) -> None:
    """Merge the model's reading into `state.draft`, field by field."""
    from tasks.extract.store import Candidate

    text = document_text(doc)
    data = ask_model(text, config)
    if data is None:
        state.warnings.append("L'extraction assistée n'a pas répondu : la facture a été lue par les seules "
                              "règles de lecture.")
        return
    compact_digits = re.sub(r"\D", "", text)
    energy = state.energy.value if state.energy else None
    present = {"electricite": {"electricity"}, "gaz": {"gas"}, "dual": {"electricity", "gas"}}.get(energy or "", set())
    d = state.draft
    for path, kind in FIELDS:
        head = path.split(".")[0]
        if head in ("electricity", "gas") and head not in present:
            continue
        value = coerce(kind, _lookup(data, path))
        if value is None or not grounded(kind, value, text, compact_digits):
            continue
        current = d.cand(path)
        if current is not None and current.value is not None:
            if _same(current.value, value):
                d.confirm(path)
            continue  # a value read by the rules stays unless it is missing
        d.set(path, Candidate(value, LLM_CONF, None, "llm", "llm"))
        state.llm_paths.add(path)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= max(0.005, 1e-4 * abs(b))
    if isinstance(a, str) and isinstance(b, str):
        return fold(a).replace(" ", "") == fold(b).replace(" ", "")
    return a == b
