"""Which energy each part of the page is about.

A heading (`ÉLECTRICITÉ`, `Mon gaz naturel`, `Services et frais`) opens a
section; when headings stand side by side (`Électricité ‖ Gaz naturel`), the
page has two columns and each segment belongs to the heading above it on
its side.
"""
from __future__ import annotations

import re
from functools import lru_cache

from tasks.extract.labels import vocabulary
from tasks.extract.layout import BULLET_MARKS, SPECK_MARKS, Document, Line, Segment
from tasks.extract.numbers import fold


@lru_cache(maxsize=1)
def _headings() -> dict[str, list[re.Pattern]]:
    return {k: [re.compile(p) for p in v] for k, v in vocabulary("lines")["headings"].items()}


def heading_energy(text: str) -> str | None | bool:
    """"electricite"/"gaz" for a section heading, None for a services
    heading, False when the text is not a heading."""
    # A speck before or after it (`‘Électricité`, `Gaz.`).
    f = fold(text).strip(SPECK_MARKS + " ").lstrip(SPECK_MARKS + BULLET_MARKS + " ")
    if "€" in f:
        return False  # a heading never holds an amount
    for key, pats in _headings().items():
        if any(p.search(f) for p in pats):
            return None if key == "none" else key
    return False


class Sections:
    def __init__(self, doc: Document):
        self._of: dict[tuple[int, int], str | None] = {}
        active: list[tuple[float, str | None]] = []  # (left edge, energy) of each column's heading
        page, column = None, None
        for line in doc.lines:
            if line.page != page:
                page, active = line.page, []
            if line.column != column and line.column is not None and line.column[2] == "right":
                active = []  # a re-flowed region's second column is under no heading of its first
            column = line.column
            heads = [(s, heading_energy(s.text)) for s in line.segments]
            heads = [(s, e) for s, e in heads if e is not False]
            if heads and (heads[0][0] is line.segments[0] and (len(line.segments) <= 2 or len(heads) == 1)
                          or len(heads) == len(line.segments)):
                if len(heads) == 1:
                    active = [(-1.0, heads[0][1])]
                else:
                    active = [(s.x0 - s.height, e) for s, e in heads]
            for seg in line.segments:
                self._of[(line.index, seg.col)] = self._lookup(active, seg.x0)

    @staticmethod
    def _lookup(active: list[tuple[float, str | None]], x: float) -> str | None:
        found = None
        for left, energy in active:
            if x >= left:
                found = energy
        return found

    def of(self, seg: Segment) -> str | None:
        return self._of.get((seg.line, seg.col))

    def of_line(self, line: Line) -> str | None:
        return self.of(line.segments[0])
