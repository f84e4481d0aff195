"""Synthetic French energy bills with ground truth, for tests and `make eval`.

    from tests.generator import generate_document, generate_corpus
    truth = generate_document(out_dir, "gen-0001", seed=7, family="octopus", fmt="scan")

The ground truth has the format of tests/corpus/dev/*.json; see README.md here.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from tests.generator import degrade, families, render
from tests.generator.bill import Bill, ground_truth, make_bill

FORMATS = ("digital", "scan", "photo")
# Bump when the bills or their truth change, so that cached corpora are rebuilt.
VERSION = 4


def draw(seed: int, family: str, **kwargs) -> Bill:
    """The bill's facts only (no rendering)."""
    return make_bill(seed, families.get(family).SPEC, **kwargs)


def build(seed: int, family: str, fmt: str = "digital", *, doc_id: str | None = None, dpi: int | None = None,
          **kwargs) -> tuple[dict, list[tuple[str, bytes]]]:
    """Draw, render and degrade one bill in memory: (truth, [(file name, bytes)]).
    `dpi` forces the scan/photo resolution (tests use 150 to stay fast)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = families.get(family)
    doc_id = doc_id or f"gen-{family}-{seed}"
    bill = make_bill(seed, module.SPEC, doc_id=doc_id, **kwargs)
    # Separate streams, so that a layout change does not change the bill's facts.
    layout_rng = random.Random(f"{seed}/layout")
    html, printed = module.render(bill, layout_rng)
    pdf = render.html_to_pdf(html)
    pages = render.page_count(pdf)
    degrade_rng = random.Random(f"{seed}/{fmt}")
    if fmt == "digital":
        files = [(f"{doc_id}.pdf", pdf)]
        meta = {}
    elif fmt == "scan":
        drawn = degrade_rng.choice([150, 200, 240, 300])  # drawn even when forced: same stream after it
        dpi = dpi or drawn
        grey = degrade_rng.random() < 0.75
        scanned, meta = degrade.scan(render.rasterise(pdf, dpi, grey=grey), degrade_rng, dpi=dpi, grey=grey)
        files = [(f"{doc_id}.pdf", scanned)]
    else:
        drawn = degrade_rng.randint(150, 210)
        dpi = dpi or drawn
        shots, meta = degrade.photo(render.rasterise(pdf, dpi), degrade_rng)
        meta = {"dpi": dpi, **meta}
        files = [(f"{doc_id}_p{i}.{ext}", data) for i, (data, ext) in enumerate(shots, start=1)]
    truth = ground_truth(bill, fmt=fmt, files=[name for name, _ in files], pages=pages, printed=printed,
                         degrade_meta=meta)
    return truth, files


def generate_document(out_dir: Path, doc_id: str, seed: int, *, family: str, fmt: str = "digital",
                      **kwargs) -> dict:
    """Write one bill's files and `<doc_id>.json` into `out_dir`; return the truth."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth, files = build(seed, family, fmt, doc_id=doc_id, **kwargs)
    for name, data in files:
        (out_dir / name).write_bytes(data)
    (out_dir / f"{doc_id}.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    return truth


def plan(count: int, seed: int, formats=FORMATS, family_names=None) -> list[dict]:
    """Which family and format each document of a corpus gets: every family in
    every format as evenly as `count` allows, in a seed-dependent order."""
    family_names = list(family_names or families.NAMES)
    combos = [(fam, fmt) for fmt in formats for fam in family_names]
    rng = random.Random(f"plan/{seed}")
    out = []
    while len(out) < count:
        batch = combos[:]
        rng.shuffle(batch)
        out.extend(batch)
    return [{"doc_id": f"gen-{i + 1:04d}", "family": fam, "fmt": fmt, "seed": seed * 100_003 + i}
            for i, (fam, fmt) in enumerate(out[:count])]


def generate_corpus(out_dir: Path, count: int, seed: int, formats=FORMATS, family_names=None) -> list[dict]:
    """`count` documents into `out_dir`; returns their truths."""
    return [generate_document(out_dir, p["doc_id"], p["seed"], family=p["family"], fmt=p["fmt"])
            for p in plan(count, seed, formats, family_names)]
