"""Thresholds and vocabularies of the analyse stage, read from assets/rules/.

Code holds no threshold: each one is in `analysis_rules.json` with its
source, so a change of threshold is a data change that the method document
and the tests can point at.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parents[2] / "assets" / "rules"


@lru_cache(maxsize=4)
def _load(name: str) -> dict:
    with open(RULES_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def rules() -> dict:
    return _load("analysis_rules.json")


def profiles() -> dict:
    return _load("seasonal_profiles.json")


def value(section: str, key: str, rule: str | None = None):
    """`value("annualisation", "short_period_days")` or
    `value("rules", "margin_points", "HPHC_UNPROFITABLE")`: the `value` of an entry."""
    block = rules()[section]
    if rule is not None:
        block = block[rule]
    entry = block[key]
    return entry["value"] if isinstance(entry, dict) and "value" in entry else entry


def rule(code: str, key: str):
    return value("rules", key, code)


def issued_implausibly_late(issued: date, period_end: date) -> bool:
    """Whether a bill dated `issued` comes too long after a period ending
    `period_end` (`plausible_values.issued_after_period_max_days`): one of
    the two dates is misread."""
    return (issued - period_end).days > value("plausible_values", "issued_after_period_max_days")
