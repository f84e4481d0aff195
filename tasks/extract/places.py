"""French postcodes and their towns (assets/geo/postcodes.tsv): a town OCR
read from an address line, checked against its postcode.

OCR drops the accent of a capital (`SAINT-ETIENNE`, `Nimes`) and misreads a
postcode's digit (`37000 Dijon`); the table of the communes each postcode
serves tells both apart from what was printed.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from tasks.extract.numbers import fold

_TABLE = Path(__file__).resolve().parents[2] / "assets" / "geo" / "postcodes.tsv"
# How alike (difflib's ratio) a town OCR garbled and the commune it is must be.
MISREAD_TOWN_RATIO = 0.7
_CEDEX = re.compile(r"\s+cedex(?:\s+\d+)?$")


def _key(name: str) -> str:
    """A town's name compared without case, accents, hyphens, or La Poste's `ST`."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(w, w) for w in words)


@lru_cache(maxsize=1)
def _towns() -> dict[str, dict[str, str]]:
    """postcode → {key of a name it is printed with: the commune's name}."""
    table: dict[str, dict[str, str]] = {}
    for row in _TABLE.read_text(encoding="utf-8").splitlines():
        postcode, name, label = row.split("\t")
        names = table.setdefault(postcode, {})
        names[_key(name)] = name
        if label:
            names.setdefault(_key(label), label)
    return table


def _commune_spelling(read: str, name: str) -> str:
    """A commune's name as the INSEE spells it (`Saint Etienne`, `Bourg- en-
    Bresse` read: « Saint-Étienne », « Bourg-en-Bresse »); a name La Poste
    gives the place (`PARIS` for an arrondissement), or a CEDEX after it,
    leaves the town as read."""
    return read if name.isupper() or _CEDEX.search(_key(read)) else name


def checked_town(postcode: str, town: str) -> tuple[str, str] | None:
    """`(postcode, town)` as printed, as far as the table tells: the town
    spelled as the commune is (accents OCR dropped, hyphens), a postcode
    one digit off the only one serving that town put right, a town OCR
    garbled (`14000 Csen`) the one commune of its postcode it can be. A
    postcode the table does not know (a CEDEX's) is left as read with its
    town; a town that none of the communes a known postcode serves is
    named, and that several postcodes a digit away serve, or none and that
    could be more than one or none of its communes: None."""
    towns = _towns()
    key = _town_key(town)
    if (known := _named(postcode, key)) is not None:
        return postcode, _commune_spelling(town, towns[postcode][known])
    near = _serving(_one_digit_off(postcode), key)
    if len(near) == 1:
        return near[0], _commune_spelling(town, towns[near[0]][_named(near[0], key)])
    if postcode not in towns:
        return postcode, town
    if near:
        return None  # `44600 Nantes`: Nantes is served by 44000, 44100, 44200…, not by 44600
    misread = _misread_commune(key, towns[postcode])
    return (postcode, misread) if misread else None


def postcode_with_unread_digit(read: str, town: str) -> str | None:
    """`8/000 Limoges`: a postcode one of whose five characters OCR read as
    no digit at all; the one digit there that makes a postcode serving the
    town, None when none or several do."""
    unread = [i for i, c in enumerate(read) if not c.isdigit()]
    if len(read) != 5 or len(unread) != 1:
        return None
    i = unread[0]
    serving = _serving((read[:i] + d + read[i + 1:] for d in "0123456789"), _town_key(town))
    return serving[0] if len(serving) == 1 else None


def serves(postcode: str, town: str) -> bool:
    """Whether `postcode` serves the town read as `town`."""
    return bool(_serving([postcode], _town_key(town)))


def _town_key(town: str) -> str:
    return _CEDEX.sub("", _key(town))


def _serving(postcodes, key: str) -> list[str]:
    """The postcodes among `postcodes` that serve the town of `key`."""
    return [p for p in postcodes if _named(p, key) is not None]


def _named(postcode: str, key: str) -> str | None:
    """The key of the commune of `postcode` named `key`, a space OCR put
    inside a word (`Sainte-Foy-l ès-Lyon`) or lost between two aside."""
    names = _towns().get(postcode, {})
    if key in names:
        return key
    compact = key.replace(" ", "")
    found = [k for k in names if k.replace(" ", "") == compact]
    return found[0] if len(found) == 1 else None


def _misread_commune(key: str, names: dict[str, str]) -> str | None:
    """The one commune of the postcode whose name the town read is a
    garbled copy of (`Csen` for Caen, `Aniens` for Amiens), by the INSEE's
    spelling; None when none is, or more than one could be."""
    close = [name for k, name in names.items() if not name.isupper()
             and difflib.SequenceMatcher(None, key, k).ratio() >= MISREAD_TOWN_RATIO]
    return close[0] if len(close) == 1 else None


def _one_digit_off(postcode: str) -> list[str]:
    return [postcode[:i] + d + postcode[i + 1:] for i in range(len(postcode)) for d in "0123456789"
            if d != postcode[i]]
