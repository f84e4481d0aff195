"""Candidate values, how sure we are of them, and the vote between them."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from tasks.extract.layout import Segment
from tasks.extract.numbers import spelled_month


@dataclass(frozen=True, slots=True)
class Candidate:
    value: Any
    conf: float
    page: int | None
    source: str  # "text" | "ocr" | "computed" | "llm"
    note: str = ""  # how it was found, for debugging
    spot: tuple[int, int] | None = None  # line and segment it was read in

    def with_conf(self, conf: float) -> "Candidate":
        return replace(self, conf=max(0.0, min(0.99, conf)))


def ocr_factor(word_conf: float) -> float:
    """How much an OCR word confidence lowers a value found in it."""
    return 0.55 + 0.45 * max(0.0, min(1.0, word_conf))


def from_segment(value: Any, seg: Segment, base: float, note: str = "",
                 span: tuple[int, int] | None = None) -> Candidate:
    conf = base
    if seg.ocr:
        # A month's name spelled whole is read right however pale its print: a written date is as sure as its digits.
        wc = seg.conf_between(*span, sure=spelled_month) if span else seg.conf
        conf *= ocr_factor(wc)
    spot = (seg.line, seg.col) if seg.line >= 0 else None  # a segment of the document's, not one made up
    return Candidate(value, round(conf, 3), seg.page, "ocr" if seg.ocr else "text", note, spot)


def vote(cands: Iterable[Candidate | None], *, key: Callable[[Any], Any] = lambda v: v) -> Candidate | None:
    """The value most candidates agree on, with a confidence that grows with
    agreement and falls when other values compete."""
    groups: dict[Any, list[Candidate]] = {}
    for c in cands:
        if c is None or c.value is None:
            continue
        groups.setdefault(key(c.value), []).append(c)
    if not groups:
        return None

    def support(group: list[Candidate]) -> float:
        miss = 1.0
        for c in group:
            miss *= 1.0 - min(c.conf, 0.99)
        return 1.0 - miss

    ranked = sorted(groups.values(), key=lambda g: (support(g), max(c.conf for c in g)), reverse=True)
    best = ranked[0]
    top = max(best, key=lambda c: c.conf)
    conf = support(best)
    if len(ranked) > 1:
        rival = support(ranked[1])
        # Two different readings of one field: trust the winner only as much
        # as it outweighs the other.
        conf = conf * (1.0 - 0.6 * rival / max(conf, 1e-9) * rival)
    return top.with_conf(min(0.99, conf))


class Draft:
    """The values chosen so far, by dotted path, each with its candidate."""

    def __init__(self) -> None:
        self.values: dict[str, Candidate | None] = {}
        self.support: dict[str, int] = {}  # independent confirmations found by checks
        self.failed: dict[str, list[str]] = {}  # checks a value failed (codes)

    def set(self, path: str, cand: Candidate | None) -> None:
        self.values[path] = cand

    def get(self, path: str):
        c = self.values.get(path)
        return c.value if c else None

    def cand(self, path: str) -> Candidate | None:
        return self.values.get(path)

    def conf(self, path: str) -> float:
        c = self.values.get(path)
        return c.conf if c else 0.0

    def confirm(self, path: str, amount: float = 0.08) -> None:
        c = self.values.get(path)
        if c:
            self.values[path] = c.with_conf(c.conf + amount * (1 - c.conf) * 4)
            self.support[path] = self.support.get(path, 0) + 1

    def doubt(self, path: str, factor: float, code: str) -> None:
        c = self.values.get(path)
        if c:
            self.values[path] = c.with_conf(c.conf * factor)
            self.failed.setdefault(path, []).append(code)

    def drop(self, path: str, code: str) -> None:
        """Null a value that failed a check (kept in `fields` with confidence 0)."""
        c = self.values.get(path)
        if c:
            self.values[path] = c.with_conf(0.0)
            self.failed.setdefault(path, []).append(code)
