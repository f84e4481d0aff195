"""Gather the figures of the last run of each bench into bench/results.md,
the one page `make bench` leaves: the performance targets first, then each
bench's own page (written by the scripts beside this one, with its date),
as it is.

    python -m bench.collect
"""
from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.md"
# In the order `make bench` runs them.
PAGES = ("ocr-results.md", "sync-results.md", "jobs-results.md", "load-results.md", "faults-results.md")

HEADER = """# Benchmarks

Figures of the last run of each script of `make bench` on this kind of
machine (2 cores); each section carries the date of its run and how it
measures. Targets (issue 7): digital 2-page bill, sync p50 ≤ 1.5× the bare
tools' sum; scanned page ≤ 1.2× bare Tesseract, 4-page scan ≤ 0.6× four
single pages; Prefect's share of a sync request ≤ 10 %; jobs ≥ 0.7× sync
throughput; peak RSS ≤ 400 MB per worker. Accuracy: bench/eval-results.md.
"""


def demoted(markdown: str) -> str:
    """The page's headings one level down, to sit under this page's title."""
    return "\n".join("#" + line if line.startswith("#") else line for line in markdown.splitlines())


def collect(bench: Path = BENCH) -> str:
    sections = [HEADER]
    for name in PAGES:
        page = bench / name
        if page.exists():
            sections.append(demoted(page.read_text(encoding="utf-8").strip()) + f"\n\n(source: `bench/{name}`)\n")
        else:
            sections.append(f"## {name}\n\nNot run yet.\n")
    return "\n".join(sections)


def main() -> int:
    RESULTS.write_text(collect(), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(BENCH.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
