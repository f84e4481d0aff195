"""The layout families: one module per supplier style, each with `SPEC` and `render(bill, rng)`."""
from __future__ import annotations

from importlib import import_module

NAMES = ("ekwateur", "octopus", "mint", "ohm", "vattenfall", "ilek", "plenitude", "enercoop", "wekiwi",
         "gazdebordeaux", "iberdrola", "alpiq", "es", "happe", "primeo", "plum", "ovo", "dyneff", "butagaz",
         "geg")


def get(name: str):
    if name not in NAMES:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(NAMES)}")
    return import_module(f"tests.generator.families.{name}")
