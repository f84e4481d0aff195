"""The analyse stage: market positioning, hidden issues and highlights.

    analyse(analysis, *, gap_cap_percent=12.0) -> dict
        A copy of `analysis` with `market` and `issues` filled and the
        stage's French warnings appended; the values extraction produced are
        never changed.
    highlights(analysis) -> list[str]
        3–4 French lines of at most 90 characters for the report.

The method (annualisation, comparison, each rule with its threshold and
source) is in docs/analysis-method.md; the data in assets/tariffs/ and
assets/rules/.
"""
from __future__ import annotations

from .highlights import highlights

__all__ = ["analyse", "highlights"]


def analyse(analysis: dict, *, gap_cap_percent: float = 12.0) -> dict:
    """A copy of `analysis` with `market`, `issues` and the stage's warnings."""
    # Imported here so that `python -m tasks.analyse.marketdata` runs the
    # module once, not after the package already imported it.
    from .stage import analyse as run

    return run(analysis, gap_cap_percent=gap_cap_percent)
