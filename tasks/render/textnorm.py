"""Case- and accent-insensitive matching of sensitive terms in any text.

Both the scrubber (which rewrites the anonymised report) and the guard
(which checks the finished PDF) use these matchers, so what one removes is
exactly what the other looks for. Text is folded (NFKD without combining
marks, case-folded, ligatures spelled out, every kind of space or dash made
plain) while remembering where each folded character came from, so a match
found in the folded text can be replaced in the original one.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SPECIAL = {
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00ad": "",  # soft hyphen: invisible, must not split a word
    "\u200b": "", "\u2060": "", "\ufeff": "",
}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.casefold()


class _FoldTable(dict):
    """`str.translate`'s table for `fold`, filled on first sight of a character."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()


def fold(text: str) -> str:
    """Lower case, no accents, plain spaces: `Élodie  KOWALSKI` → `elodie kowalski`."""
    return text.translate(_FOLDED)


def fold_with_map(text: str) -> tuple[str, list[int] | range]:
    """The folded text and, for each folded character, the index of the
    original character it comes from."""
    folded = text.translate(_FOLDED)
    if len(folded) == len(text) and all(len(_FOLDED[ord(ch)]) == 1 for ch in set(text)):
        return folded, range(len(text))  # one character for one, the usual case
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def compact(text: str) -> str:
    """Only letters and digits, folded: `2750 8003-4137.91` → `27508003413791`."""
    return _NOT_ALNUM.sub("", fold(text))


_CHUNK = re.compile(r"[0-9a-z]+")
_SEP = r"[^0-9a-z]{0,3}"  # spaces, hyphens, dots, apostrophes between the parts
_ID_SEP = r"[^0-9a-z]{0,2}"  # identifiers may be printed in groups of any size


@dataclass(frozen=True)
class Term:
    """One sensitive string and what replaces it in the anonymised report.

    `kind` is "name", "address", "identifier" or "brand". Words and brands
    match on word boundaries; identifiers match their letters and digits in
    order whatever the grouping (`2750 8003 4137 91`), even glued to a word."""

    text: str
    kind: str
    replacement: str = "•••"

    @property
    def key(self) -> str:
        return compact(self.text)

    def pattern(self) -> str | None:
        folded = fold(self.text)
        if self.kind == "identifier":
            chars = compact(self.text)
            if not chars:
                return None
            body = _ID_SEP.join(re.escape(c) for c in chars)
            if len(chars) < 6:
                # Short numbers would otherwise match inside amounts.
                return r"(?<![0-9a-z])" + body + r"(?![0-9a-z])"
            return body
        chunks = _CHUNK.findall(folded)
        if not chunks:
            return None
        return r"(?<![0-9a-z])" + _SEP.join(chunks) + r"(?![0-9a-z])"


def _alternation(usable: list[tuple["Term", str]]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for _, p in usable)) if usable else None


class TermMatcher:
    """All the terms compiled into one regular expression, longest first so
    `rue de la Gare` wins over `Gare` and `Total Energies` over `Total`."""

    def __init__(self, terms: list[Term]):
        usable = [(t, t.pattern()) for t in terms]
        usable = [(t, p) for t, p in usable if p]
        # Longest (in letters and digits) first; at equal length identifiers
        # first so their masking keeps the last characters.
        usable.sort(key=lambda tp: (-len(tp[0].key), tp[0].kind != "identifier"))
        self.terms = [t for t, _ in usable]
        self._by_key: dict[str, Term] = {}
        for term in self.terms:
            self._by_key.setdefault(term.key, term)
        self._regex = _alternation(usable)
        # Most texts of a report hold no term, and the expression (one
        # alternative per supplier name) is slow to run. A term can only
        # match a text whose letters and digits hold its own in a row (the
        # parts of its pattern are separated by nothing else): the text is
        # searched for those terms only, which leaves what they match as it
        # is (a term that cannot match changes nothing to the others').
        self._usable = usable
        self._keys = [t.key for t, _ in usable]
        self._subsets: dict[tuple[int, ...], re.Pattern] = {}

    def __bool__(self) -> bool:
        return self._regex is not None

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """Spans of the original text (start, end) and the term each matches."""
        if not self._regex or not text:
            return []
        folded, index = fold_with_map(text)
        regex = self._regex_for(folded)
        if regex is None:
            return []
        spans = []
        for match in regex.finditer(folded):
            if match.end() == match.start():
                continue
            start = index[match.start()]
            end = index[match.end() - 1] + 1
            term = self._by_key.get(compact(match.group(0))) or self._term_for(match.group(0))
            spans.append((start, end, term))
        return spans

    def _regex_for(self, folded: str) -> re.Pattern | None:
        letters = _NOT_ALNUM.sub("", folded)
        present = tuple(i for i, key in enumerate(self._keys) if key in letters)
        if not present:
            return None
        if present not in self._subsets:
            if len(self._subsets) > 256:
                self._subsets.clear()
            self._subsets[present] = _alternation([self._usable[i] for i in present])
        return self._subsets[present]

    def _term_for(self, folded_match: str) -> Term:
        # The separators allowed between parts can change the compact form
        # (never for letters or digits), so this is only a safety net.
        for term in self.terms:
            pattern = term.pattern()
            if pattern and re.fullmatch(pattern, folded_match):
                return term
        return Term(folded_match, "name")

    def contains(self, text: str) -> bool:
        return bool(self._regex and self._regex.search(fold(text)))

    def kinds_found(self, text: str) -> set[str]:
        return {term.kind for _, _, term in self.find(text)}
