"""The supplier, recognised from its names, legal footer (SIREN), web
domains and offer names listed in assets/suppliers.json."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from tasks.extract.layout import Document
from tasks.extract.numbers import clean, edit_distance, fold, repair_ocr_digits
from tasks.extract.store import Candidate
from tasks.settings import ASSETS

SUPPLIERS_PATH = ASSETS / "suppliers.json"


@dataclass(frozen=True)
class Supplier:
    name: str
    aliases: tuple[str, ...]
    legal_names: tuple[str, ...]
    domains: tuple[str, ...]
    siren: tuple[str, ...]
    offer_names: tuple[str, ...]
    market_offers_name: str | None = None  # its name in assets/tariffs/market_offers.json
    brand_of: str | None = None  # the supplier whose legal entity sells this brand


@lru_cache(maxsize=1)
def load_suppliers() -> tuple[Supplier, ...]:
    data = json.loads(SUPPLIERS_PATH.read_text(encoding="utf-8"))
    return tuple(Supplier(s["name"], tuple(s.get("aliases", ())), tuple(s.get("legal_names", ())),
                          tuple(s.get("domains", ())), tuple(s.get("siren", ())), tuple(s.get("offer_names", ())),
                          s.get("market_offers_name"), s.get("brand_of"))
                 for s in data["suppliers"])


def catalogue_pricing(supplier: str | None, offer: str) -> str | None:
    """How the offer's price moves (`fixe`, `indexe`, `reglemente`) as the
    market offers catalogue records it for this supplier's offer of that
    very name; None when the catalogue does not say, or says several."""
    from tasks.analyse.marketdata import load_offers

    market_name = next((s.market_offers_name for s in load_suppliers() if s.name == supplier), None)
    if not market_name:
        return None
    kinds = {o.pricing for o in load_offers().offers
             if o.supplier == market_name and fold(o.offer_name) == fold(offer)}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def offers_of(name: str | None) -> list[str]:
    if not name:
        return [o for s in load_suppliers() for o in s.offer_names]
    return [o for s in load_suppliers() if s.name == name for o in s.offer_names]


def brands_of(name: str | None) -> tuple[str, ...]:
    """The one-word names a supplier trades under (`Plüm`), as it spells them."""
    return tuple(a for s in load_suppliers() if s.name == name for a in s.aliases if " " not in a)


def _name_pattern(name: str) -> re.Pattern:
    folded = re.escape(fold(name)).replace(r"\ ", r"\s*")
    return re.compile(rf"(?<![a-z0-9]){folded}(?![a-z0-9])")


@lru_cache(maxsize=None)
def _patterns(supplier: Supplier) -> dict[str, list]:
    return {
        "aliases": [_name_pattern(a) for a in supplier.aliases if len(a) > 3],
        "short": [re.compile(rf"(?<![A-Za-z0-9]){re.escape(a)}(?![A-Za-z0-9])") for a in supplier.aliases
                  if len(a) <= 3],
        "legal": [_name_pattern(a) for a in supplier.legal_names],
        "domains": [re.compile(rf"(?<![a-z0-9-]){re.escape(d.lower())}(?![a-z0-9-])") for d in supplier.domains],
        "offers": [_name_pattern(o) for o in supplier.offer_names if len(o) >= 6],
        "legal_shapes": [shape for shape in map(_legal_shape, supplier.legal_names)
                         if len(shape[0]) >= FUZZY_LEGAL_LEN],
    }


# A brand set in spaced capitals (`O H M Énergie`): three letters or more, one space apart.
_SPACED_LETTERS = re.compile(r"(?<!\S)(?:[A-Z] ){2,}[A-Z](?!\S)")


def _unspaced(text: str) -> str:
    return _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)


# The least evidence that names a supplier.
MIN_SCORE = 2.0


def detect_supplier(doc: Document) -> Candidate | None:
    suppliers = load_suppliers()
    scores = {s.name: 0.0 for s in suppliers}
    pages: dict[str, int] = {}
    named_on: dict[str, int] = {}  # how many lines name each supplier
    ocr = any(p.source == "ocr" for p in doc.pages)
    first_page = doc.lines[0].page if doc.lines else 1
    digits_text = []
    for line in doc.lines:
        text = _unspaced(clean(line.text))
        folded = fold(text)
        line_shape = None  # made once a line is searched for a legal name read one letter off
        top = line.page == first_page and line.y0 < doc.page_height(line.page) * 0.15
        if re.search(r"rcs|siren|siret|capital", folded):
            digits_text.append(re.sub(r"\D", "", repair_ocr_digits(text) if ocr else text))
        for s in suppliers:
            pats = _patterns(s)
            hits = 0.0
            legal = sum(1 for p in pats["legal"] if p.search(folded))
            if ocr and not legal and pats["legal_shapes"]:
                line_shape = line_shape or _legal_shape(folded)
                legal = _misread_legal_names(line_shape, pats["legal_shapes"])
            hits += 3 * legal
            hits += 2.5 * sum(1 for p in pats["domains"] if p.search(folded))
            alias_hits = sum(len(p.findall(folded)) for p in pats["aliases"]) + \
                sum(len(p.findall(text)) for p in pats["short"])
            hits += min(alias_hits, 2) * (2.0 if top else 1.0)
            hits += 0.5 * sum(1 for p in pats["offers"] if p.search(folded))
            if hits:
                scores[s.name] += hits
                named_on[s.name] = named_on.get(s.name, 0) + 1
                pages.setdefault(s.name, line.page)
    joined = " ".join(digits_text)
    for s in suppliers:
        if any(siren in joined for siren in s.siren):
            scores[s.name] += 6
    _credit_brands(suppliers, scores, named_on)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < MIN_SCORE:
        return None
    conf = min(0.99, 0.5 + 0.06 * best_score) * (1.0 - 0.5 * second / best_score)
    return Candidate(best, round(conf, 3), pages.get(best), "ocr" if ocr else "text", f"score {best_score:.1f}")


# A legal name this long (letters, no spaces) read one letter off on a scan
# is still that name: no two suppliers' legal names are so close.
FUZZY_LEGAL_LEN = 12


def _legal_shape(text: str) -> tuple[str, frozenset[str]]:
    """A name or a line as `_misread_legal_names` compares them: its letters and
    digits without spaces, and its words of four letters or more."""
    folded = fold(text)
    return re.sub(r"[^a-z0-9&']", "", folded), frozenset(re.findall(r"[a-z]{4,}", folded))


def _misread_legal_names(line: tuple[str, frozenset[str]], legal_shapes: list[tuple[str, frozenset[str]]]) -> int:
    """How many legal names (their `_legal_shape`) a scanned line holds one
    letter off (`OO Energy France SAS` for `OVO Energy France`): the footer's
    legal name is the bill's surest identity, and OCR drops or swaps a letter
    of it. A line is searched only when it holds one of the name's words whole."""
    found = 0
    compact, words = line
    for target, name_words in legal_shapes:
        if not words & name_words:
            continue
        n = len(target)
        if any(edit_distance(compact[i:i + m], target, limit=1) <= 1
               for m in (n - 1, n, n + 1) for i in range(0, max(1, len(compact) - m + 1))):
            found += 1
    return found


def _credit_brands(suppliers: tuple[Supplier, ...], scores: dict[str, float], named_on: dict[str, int]) -> None:
    """A brand sold by another supplier's legal entity (`happ-e … by ENGIE`,
    `ENGIE SA` in the footer), named on its own on several lines and enough
    to be found alone, is the bill's supplier: its parent's name and footer
    are its own. Named on one line, it is an advert on its parent's bill."""
    for s in suppliers:
        if s.brand_of in scores and scores[s.name] >= MIN_SCORE and named_on.get(s.name, 0) >= 2:
            scores[s.name] += scores[s.brand_of]
            scores[s.brand_of] = 0.0
