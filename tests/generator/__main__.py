"""python -m tests.generator --out DIR --count N --seed S [--formats digital,scan,photo] [--families a,b]"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tests.generator import FORMATS, families, generate_document, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.generator", description="Synthetic French energy bills with ground truth.")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: digital,scan,photo")
    parser.add_argument("--families", default=",".join(families.NAMES), help="comma-separated: " + ",".join(families.NAMES))
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    names = [f.strip() for f in args.families.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS] + [n for n in names if n not in families.NAMES]
    if bad:
        parser.error(f"unknown format or family: {', '.join(bad)}")
    start = time.perf_counter()
    for p in plan(args.count, args.seed, formats, names):
        truth = generate_document(args.out, p["doc_id"], p["seed"], family=p["family"], fmt=p["fmt"])
        print(f"{truth['id']}  {truth['family']:<10} {truth['format']:<7} {truth['energy']:<11} "
              f"{truth['invoice_kind']:<14} {','.join(truth['planted_issues']) or '-'}")
    print(f"{args.count} documents in {time.perf_counter() - start:.1f} s → {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
