"""The anonymised copy of the report model, and the scrubber of its HTML.

Anonymity is built into the data, never drawn over: the anonymised report is
rendered from a copy of the `ReportDocument` in which
- the customer's supplier is "Votre fournisseur actuel" and each other
  supplier "Fournisseur alternatif A", "B"… (the same letter everywhere);
- an offer name that contains a brand, is one of a supplier's own offer
  names (assets/suppliers.json) or is supplier-specific wording such as
  "Tarif Bleu", is replaced by a neutral description of its pricing;
- the customer's name, addresses, client and invoice numbers are gone, and
  PDL, PCE and meter numbers keep only their last 4 characters.
Free text (issue details, warnings, highlights, the reference's wording) is
scrubbed of every sensitive term, and the rendered HTML is scrubbed once more,
which catches names that are also common words ("Blanc", "Base") wherever
the template happens to use them.
"""
from __future__ import annotations

import copy
import dataclasses
import html as htmlmod
import re

from tasks.render.brands import BrandRegistry, split_supplier_name
from tasks.render.document import Bar, ReportDocument, french
from tasks.render.model import energy_recommendation
from tasks.render.textnorm import Term, TermMatcher, compact, fold

CURRENT_SUPPLIER = "Votre fournisseur actuel"
ALTERNATIVE = "Fournisseur alternatif {}"
OTHER_SUPPLIER = "un autre fournisseur"
MASK = "•••"
GENERIC_SOURCE = "grilles tarifaires publiques des fournisseurs"

CIVILITIES = {
    "m", "mr", "mme", "mlle", "mm", "mmes", "monsieur", "madame", "mademoiselle", "messieurs",
    "mesdames", "dr", "me", "mrs", "ms",
}
PARTICLES = {
    "de", "du", "des", "d", "la", "le", "les", "l", "et", "ou", "van", "von", "der", "den", "da", "di",
    "del", "della", "dos", "das", "do", "ben", "bin", "ibn", "el", "al", "y", "e", "au", "aux", "chez",
    "sci", "sarl", "sas", "sasu", "eurl", "sa", "ste", "societe", "ets", "cie",
}
_ID_KEYS = ("number", "numero", "ref", "siret", "siren", "contrat", "contract", "account", "compte")


# --------------------------------------------------------------------------
# Sensitive terms


def personal_terms(analysis: dict) -> list[Term]:
    """The customer's name (whole, reversed and each part), addresses (whole,
    street, postcode, city) and identifiers found in the analysis."""
    analysis = analysis if isinstance(analysis, dict) else {}
    customer = analysis.get("customer") if isinstance(analysis.get("customer"), dict) else {}
    terms: list[Term] = []
    for key, value in customer.items():
        if not isinstance(value, str) or not value.strip():
            continue
        if key == "name" or key.endswith("_name") or key in ("holder", "co_holder"):
            terms += _name_terms(value)
        elif "address" in key or "adresse" in key:
            terms += _address_terms(value)
        elif any(part in key for part in _ID_KEYS):
            terms += _identifier_terms(value)
    terms += _identifier_terms(analysis.get("invoice_number"))
    for energy_key, id_key in (("electricity", "pdl"), ("gas", "pce")):
        block = analysis.get(energy_key)
        if isinstance(block, dict):
            terms += _identifier_terms(block.get(id_key))
            for key, value in block.items():
                if key != id_key and isinstance(value, str) and any(part in key for part in _ID_KEYS + ("meter",)):
                    terms += _identifier_terms(value)
    return _dedupe(terms)


def _name_terms(name: str) -> list[Term]:
    words = [w for w in re.split(r"[\s,;/]+", name) if w]
    while words and fold(words[0]).strip(".") in CIVILITIES:
        words.pop(0)
    terms = []
    if words:
        terms.append(Term(" ".join(words), "name"))
        if len(words) > 1:
            terms.append(Term(" ".join(words[-1:] + words[:-1]), "name"))
    for word in words:
        pieces = [word] + (word.split("-") if "-" in word else [])
        for piece in pieces:
            key = compact(piece)
            if len(key) >= 2 and key not in PARTICLES and key not in CIVILITIES:
                terms.append(Term(piece, "name"))
    return terms


_POSTCODE = re.compile(r"(?<!\d)(\d{5}|\d{2}\s\d{3})(?!\d)")
_NUMBER_PREFIX = re.compile(r"^\s*\d+[\s,]*(?:bis|ter|quater|[a-d])?\b[\s,]*", re.IGNORECASE)


def _address_terms(address: str) -> list[Term]:
    terms = [Term(address, "address")]
    parts = [p.strip() for p in re.split(r"[,;\n]+", address) if p.strip()]
    for part in parts:
        terms.append(Term(part, "address"))
        match = _POSTCODE.search(part)
        if match:
            postcode = match.group(1)
            terms.append(Term(postcode, "address"))
            city = re.sub(r"\bcedex\b.*$", "", part[match.end():], flags=re.IGNORECASE).strip(" -")
            if len(compact(city)) >= 2:
                terms.append(Term(city, "address"))
                terms.append(Term(f"{postcode} {city}", "address"))
            before = part[:match.start()].strip(" -")
            if len(compact(before)) >= 4:
                terms += _street_terms(before)
        else:
            terms += _street_terms(part)
    return terms


def _street_terms(part: str) -> list[Term]:
    terms = [Term(part, "address")]
    street = _NUMBER_PREFIX.sub("", part).strip()
    if street and street != part and len(compact(street)) >= 4:
        terms.append(Term(street, "address"))
    return terms


def _identifier_terms(value) -> list[Term]:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return []
    text = str(value).strip()
    if len(compact(text)) < 4:
        return []
    return [Term(text, "identifier")]


def _dedupe(terms: list[Term]) -> list[Term]:
    seen, kept = set(), []
    for term in terms:
        key = (term.key, term.kind)
        if term.key and key not in seen:
            seen.add(key)
            kept.append(term)
    return kept


# --------------------------------------------------------------------------
# Supplier labels


class SupplierLabels:
    """One stable label per supplier: the customer's is "Votre fournisseur
    actuel", the others get letters in order of first appearance (the offers
    are listed cheapest first, so A is the cheapest alternative)."""

    def __init__(self, registry: BrandRegistry, current: str | None):
        self.registry = registry
        self.current = self.identity(current) if current else None
        self._letters: dict[str, str] = {}
        self._names: dict[str, set[str]] = {}
        if current:
            self._remember(current)

    def identity(self, name: str | None) -> str:
        entry = self.registry.entry_for(name)
        if entry is not None:
            return "entry:" + entry.name
        return "raw:" + compact(name or "")

    def _remember(self, name: str) -> str:
        ident = self.identity(name)
        self._names.setdefault(ident, set()).update(split_supplier_name(name))
        return ident

    def label(self, name: str | None) -> str:
        if not name:
            return OTHER_SUPPLIER
        ident = self._remember(name)
        if ident == self.current:
            return CURRENT_SUPPLIER
        if ident not in self._letters:
            self._letters[ident] = ALTERNATIVE.format(_letters(len(self._letters)))
        return self._letters[ident]

    def brand_terms(self) -> list[Term]:
        """Every spelling of every known brand, replaced by its label (brands
        that take no part in this report become "un autre fournisseur")."""
        terms: list[Term] = []
        labelled: set[str] = set()
        for ident, names in self._names.items():
            name = CURRENT_SUPPLIER if ident == self.current else self._letters.get(ident, OTHER_SUPPLIER)
            spellings = set(names)
            if ident.startswith("entry:"):
                entry = self.registry.entry_for(ident[6:])
                if entry is not None:
                    spellings |= entry.brand_strings()
            for spelling in spellings:
                if len(compact(spelling)) >= 2:
                    # Mid-sentence the current supplier reads "votre fournisseur
                    # actuel"; the scrubber capitalises it at a sentence start.
                    text = name[0].lower() + name[1:] if name == CURRENT_SUPPLIER else name
                    terms.append(Term(spelling, "brand", text))
                    labelled.add(compact(spelling))
        for spelling in self.registry.brand_strings():
            if len(compact(spelling)) >= 3 and compact(spelling) not in labelled:
                terms.append(Term(spelling, "brand", OTHER_SUPPLIER))
        for siren in self.registry.sirens():
            terms.append(Term(siren, "identifier"))
        return terms


def _letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def wording_terms(registry: BrandRegistry) -> list[Term]:
    return [Term(w.phrase, "wording", w.replacement) for w in registry.wording]


def sensitive_terms(analysis: dict, registry: BrandRegistry) -> list[Term]:
    """Everything that must not appear in the anonymised report: what the
    guard looks for in the finished PDF."""
    labels = SupplierLabels(registry, analysis.get("supplier") if isinstance(analysis, dict) else None)
    for name in _offer_suppliers(analysis):
        labels.label(name)
    return _dedupe(personal_terms(analysis) + labels.brand_terms() + wording_terms(registry))


def _offer_suppliers(analysis: dict) -> list[str]:
    """Supplier names of every offer of the market comparison, per energy
    included, cheapest first as the analyse stage lists them."""
    market = analysis.get("market") if isinstance(analysis, dict) else None
    market = market if isinstance(market, dict) else {}
    by_energy = market.get("by_energy") if isinstance(market.get("by_energy"), dict) else {}
    groups = [market] + [block for block in by_energy.values() if isinstance(block, dict)]
    names = []
    for group in groups:
        offers = [o for o in group.get("offers") or [] if isinstance(o, dict)]
        best = group.get("best_offer")
        for offer in offers + ([best] if isinstance(best, dict) else []):
            if isinstance(offer.get("supplier"), str):
                names.append(offer["supplier"])
    return names


# --------------------------------------------------------------------------
# Scrubbing


_ELISION = re.compile(r"\b([dDlL])['’]\s*$")
_SENTENCE_END = re.compile(r"(^|[.!?:]\s+|\n\s*)$")
_VOWELS = set("aeiouyhéèêëàâäîïôöûüœ•")


class Scrubber:
    """Replaces every sensitive term of a text by its neutral stand-in."""

    def __init__(self, terms: list[Term]):
        self.matcher = TermMatcher(terms)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        spans = self.matcher.find(text)
        if not spans:
            return text
        out: list[str] = []
        pos = 0
        for start, end, term in spans:
            if start < pos:
                continue
            before = text[pos:start]
            replacement = _replacement(term, text[start:end])
            elided = _ELISION.search(before)
            if elided and replacement and replacement[0].lower() not in _VOWELS:
                article = elided.group(1)
                before = before[:elided.start()] + (("De " if article.isupper() else "de ") if article in "dD" else "")
            done = "".join(out) + before
            if replacement and _SENTENCE_END.search(done):
                replacement = replacement[0].upper() + replacement[1:]
            out.append(before)
            out.append(replacement)
            pos = end
        out.append(text[pos:])
        result = "".join(out)
        result = re.sub(r"•••(?:[\s,;.\-–/]*•••)+", MASK, result)
        return result

    def html(self, markup: str) -> str:
        """The HTML with every text node and text attribute scrubbed; tags,
        classes and style are left alone."""
        parts = re.split(r"(<[^>]*>)", markup)
        for i, part in enumerate(parts):
            if not part:
                continue
            if part.startswith("<"):
                if part.startswith("<!--"):
                    parts[i] = ""
                else:
                    parts[i] = _ATTR.sub(self._attr, part)
            else:
                parts[i] = htmlmod.escape(self(htmlmod.unescape(part)), quote=False)
        return "".join(parts)

    def _attr(self, match: re.Match) -> str:
        value = htmlmod.unescape(match.group(3))
        return f'{match.group(1)}{match.group(2)}="{htmlmod.escape(self(value), quote=True)}"'


_ATTR = re.compile(r"(\s)(alt|title|aria-label|content|href|summary)=\"([^\"]*)\"", re.IGNORECASE)


def _replacement(term: Term, matched: str) -> str:
    if term.kind == "identifier":
        return mask_identifier(matched)
    return term.replacement


def mask_identifier(value: str | None) -> str:
    """`27508003413791` → `•••• 3791`: at most the last 4 characters."""
    chars = re.sub(r"[^0-9A-Za-z]", "", value or "")
    if len(chars) <= 4:
        return "••••"
    return "•••• " + chars[-4:].upper()


# --------------------------------------------------------------------------
# The anonymised document


_SKIP_FIELDS = {"kind", "role", "severity", "energy", "code", "pricing_code", "energies", "valid_from"}
_RAW_FIELDS = {"raw", "supplier_raw", "offer_raw", "current_supplier"}


def anonymise_document(doc: ReportDocument, analysis: dict, registry: BrandRegistry) -> tuple[ReportDocument, Scrubber]:
    """An anonymised copy of `doc` (which is left untouched) and the scrubber
    that made it, to be applied again to the rendered HTML."""
    labels = SupplierLabels(registry, doc.current_supplier)
    for section in doc.sections:
        for offer in section.offers:
            labels.label(offer.supplier_raw)
    for name in _offer_suppliers(analysis):
        labels.label(name)
    brand_terms = labels.brand_terms()
    brands = TermMatcher([t for t in brand_terms if t.kind == "brand"])
    brand_keys = [t.key for t in brand_terms if t.kind == "brand" and len(t.key) >= 5]
    wording = TermMatcher(wording_terms(registry))
    # A supplier's own offer names point to it as surely as its brand.
    known_offers = TermMatcher([Term(n, "offer") for n in registry.offer_names() if len(compact(n)) >= 3])
    scrubber = Scrubber(_dedupe(personal_terms(analysis) + brand_terms + wording_terms(registry)))

    def offer_label(name: str | None, pricing: str | None) -> tuple[str, bool]:
        """The offer's name if it is neutral, else a description of its
        pricing; and whether it is that description."""
        if pricing == "reglemente":
            return registry.regulated_label, True
        if not name:
            return french("pricing_offer", pricing) or "Offre de marché", True
        found = wording.find(name)
        if found:
            text = found[0][2].replacement
            return text[0].upper() + text[1:], True
        key = compact(name)
        if brands.contains(name) or known_offers.contains(name) or any(k in key for k in brand_keys):
            return french("pricing_offer", pricing) or "Offre de marché", True
        return name, False

    anon = copy.deepcopy(doc)
    anon.anonymous = True
    invoice_date = next((r.value for r in doc.invoice if r.label == "Date de la facture" and not r.missing), None)
    anon.subtitle = f"Facture du {invoice_date}" if invoice_date else "Facture analysée"
    anon.invoice = [_mask_row(r, scrubber) for r in anon.invoice
                    if r.kind not in ("name", "address", "client_number", "invoice_number")]
    pricing_code = _dict_get(analysis, "offer_pricing")
    for section in anon.sections:
        section.contract = [_mask_row(r, scrubber, offer=lambda raw: offer_label(raw, pricing_code)[0])
                            for r in section.contract]
        for offer in section.offers:
            offer.supplier = labels.label(offer.supplier_raw)
            offer.offer, offer.offer_is_description = offer_label(offer.offer_raw, offer.pricing_code)
            if offer.option and offer.option_alt and scrubber(offer.option) != offer.option:
                offer.option = offer.option_alt
        section.bars = [_anon_bar(b, labels, offer_label) for b in section.bars]
    anon.sources = _anon_sources(doc.sources)
    anon.pdf_title = "Analyse de facture d'énergie – rapport anonymisé"
    anon.pdf_subject = "Comparaison avec les offres du marché, sans données personnelles ni noms de fournisseurs"
    anon.pdf_keywords = "facture, énergie, rapport anonymisé"
    anon.current_supplier = None
    _rebuild_recommendations(anon)
    _scrub_tree(anon, scrubber)
    return anon, scrubber


def _dict_get(analysis, key):
    return analysis.get(key) if isinstance(analysis, dict) else None


def _mask_row(row, scrubber: Scrubber, offer=None):
    if row.alt and scrubber(row.value) != row.value and scrubber(row.alt) == row.alt:
        row.value = row.alt  # the usual word is also a sensitive one: say it otherwise
    if row.kind == "supplier":
        row.value = CURRENT_SUPPLIER
    elif row.kind == "offer" and offer is not None:
        row.value = offer(row.raw)
    elif row.kind in ("pdl", "pce", "meter"):
        row.value = mask_identifier(row.raw)
    row.raw = None
    return row


def _anon_bar(bar: Bar, labels: SupplierLabels, offer_label) -> Bar:
    if bar.role in ("offer", "best"):
        bar.label = f"{labels.label(bar.supplier_raw)} – {offer_label(bar.offer_raw, bar.pricing_code)[0]}"
    bar.supplier_raw = None
    bar.offer_raw = None
    return bar


def _anon_sources(sources: list[str]) -> list[str]:
    """One neutral line: a source's file name or path can name an offer or
    a supplier ("…/edf/zenFixe.js", "GAZ-Classique.pdf") even without a brand."""
    return [GENERIC_SOURCE] if sources else []


def _rebuild_recommendations(anon: ReportDocument) -> None:
    """The advice names the best offer: write it again with the anonymised
    labels rather than scrub a sentence built with the real names."""
    dual = len(anon.sections) > 1
    for section in anon.sections:
        best = section.offers[0] if section.offers else None
        section.recommendation = energy_recommendation(section.energy, best, section.savings_value,
                                                       section.current_value, dual, section.savings_basis)


def _scrub_tree(node, scrubber: Scrubber) -> None:
    for f in dataclasses.fields(node):
        name = f.name
        value = getattr(node, name)
        if name in _RAW_FIELDS:
            setattr(node, name, None if not isinstance(value, str) or name == "current_supplier" else "")
            continue
        if name in _SKIP_FIELDS:
            continue
        setattr(node, name, _scrub_value(value, scrubber))


# Personal data the analysis does not name but free text may quote (an email,
# a phone number, an IBAN, a second contract or meter number). Applied to the
# model's text only: the operator's own contact line must stay.
_GENERIC_PII = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"),
    re.compile(r"\bFR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}\b", re.IGNORECASE),
    re.compile(r"(?<![\d,.])\d(?:[ .]?\d){8,}(?![\d,])"),  # 9+ digits: never an amount or a quantity here
]


def scrub_generic(text: str) -> str:
    text = _GENERIC_PII[0].sub(MASK, text)
    for pattern in _GENERIC_PII[1:]:
        text = pattern.sub(lambda m: mask_identifier(m.group(0)), text)
    return text


def _scrub_value(value, scrubber: Scrubber):
    if isinstance(value, str):
        return scrub_generic(scrubber(value))
    if isinstance(value, list):
        return [_scrub_value(v, scrubber) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, scrubber) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _scrub_tree(value, scrubber)
        return value
    return value
