"""Which strings name a supplier: the brand list the anonymised report masks.

Reads `assets/suppliers.json` (names, aliases, legal names, web domains,
SIREN numbers, offer names; format in docs/architecture.md) and
`assets/anonymisation.json` (supplier-specific wording such as "Tarif Bleu"
and its neutral replacement). Both are loaded once per process.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tasks.render.textnorm import compact
from tasks.settings import ASSETS

log = logging.getLogger(__name__)

SUPPLIERS_FILE = ASSETS / "suppliers.json"
WORDING_FILE = ASSETS / "anonymisation.json"


@dataclass(frozen=True)
class SupplierEntry:
    name: str
    aliases: tuple[str, ...] = ()
    legal_names: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    siren: tuple[str, ...] = ()
    offer_names: tuple[str, ...] = ()

    def brand_strings(self) -> set[str]:
        """Every spelling that names this supplier, domains and their stems
        included (`particuliers.engie.fr` also gives `engie`)."""
        found = {self.name, *self.aliases, *self.legal_names}
        for domain in self.domains:
            domain = domain.strip().lower()
            if not domain:
                continue
            found.add(domain)
            labels = [p for p in domain.split(".") if p and p != "www"]
            if len(labels) >= 2:
                found.add(labels[-2])
        expanded = set()
        for text in found:
            expanded.update(split_supplier_name(text))
        return {s for s in expanded if s.strip()}


def split_supplier_name(name: str) -> list[str]:
    """`Plenitude (Eni)` → the whole name, `Plenitude` and `Eni`: market data
    writes a brand and its group or legal name in brackets."""
    name = (name or "").strip()
    if not name:
        return []
    parts = [name]
    match = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", name)
    if match:
        parts.extend(p.strip() for p in match.groups() if p.strip())
    return parts


@dataclass(frozen=True)
class Wording:
    """Supplier-specific wording and what the anonymised report says instead."""

    phrase: str
    replacement: str


@dataclass(frozen=True)
class BrandRegistry:
    suppliers: tuple[SupplierEntry, ...] = ()
    wording: tuple[Wording, ...] = ()
    regulated_label: str = "Tarif réglementé (TRV)"
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for entry in self.suppliers:
            for spelling in entry.brand_strings():
                key = compact(spelling)
                if len(key) >= 2:
                    self._index.setdefault(key, entry)

    @classmethod
    def from_files(cls, suppliers: Path | None = SUPPLIERS_FILE,
                   wording: Path | None = WORDING_FILE) -> "BrandRegistry":
        entries: list[SupplierEntry] = []
        if suppliers is not None and Path(suppliers).is_file():
            data = json.loads(Path(suppliers).read_text(encoding="utf-8"))
            for item in data.get("suppliers", []):
                if not isinstance(item, dict) or not item.get("name"):
                    continue
                entries.append(SupplierEntry(
                    name=str(item["name"]),
                    aliases=_strings(item.get("aliases")),
                    legal_names=_strings(item.get("legal_names")),
                    domains=_strings(item.get("domains")),
                    siren=_strings(item.get("siren")),
                    offer_names=_strings(item.get("offer_names")),
                ))
        elif suppliers is not None:
            log.warning("supplier list %s not found: only the names in the analysis are masked", suppliers)
        phrases: list[Wording] = []
        label = cls.regulated_label
        if wording is not None and Path(wording).is_file():
            data = json.loads(Path(wording).read_text(encoding="utf-8"))
            label = data.get("regulated_offer_label") or label
            for item in data.get("replacements", []):
                replacement = item.get("replacement") or label
                for phrase in _strings(item.get("phrases")):
                    phrases.append(Wording(phrase, replacement))
        return cls(tuple(entries), tuple(phrases), label)

    def entry_for(self, name: str | None) -> SupplierEntry | None:
        """The supplier a name designates (canonical name, alias, legal name,
        domain, or a bracketed part of it), None when unknown."""
        if not name:
            return None
        for part in split_supplier_name(name):
            entry = self._index.get(compact(part))
            if entry is not None:
                return entry
        return None

    def brand_strings(self) -> set[str]:
        found: set[str] = set()
        for entry in self.suppliers:
            found |= entry.brand_strings()
        return found

    def offer_names(self) -> set[str]:
        return {o for entry in self.suppliers for o in entry.offer_names if o.strip()}

    def sirens(self) -> set[str]:
        return {s for entry in self.suppliers for s in entry.siren if s}


def _strings(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if isinstance(v, (str, int)) and str(v).strip())
    return ()


@lru_cache(maxsize=1)
def default_registry() -> BrandRegistry:
    """The process-wide registry from the files under assets/."""
    return BrandRegistry.from_files()
