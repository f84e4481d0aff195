"""Field accuracy of the extraction stage alone against a ground truth.

Reads each bill with the real rasterise and OCR stages, runs
`extract_invoice` and compares per field (amounts within 0.01, text
case-insensitively). Prints, per format, the share of fields right, wrong
(a value that differs: the costly error) and missing (null), energy
detection, then every wrong or missing field, then per-field accuracy.

    python -m bench.extract_score                      # tests/corpus/dev
    python -m bench.extract_score --corpus DIR          # any folder of <id>.json + files
    python -m bench.extract_score --cache /tmp/pages    # keep OCR output between runs
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def load(corpus: Path, doc_id: str, cache: Path | None):
    from tasks.ocr import ocr_pages
    from tasks.rasterise import load_pages

    truth = json.loads((corpus / f"{doc_id}.json").read_text(encoding="utf-8"))
    key = cache / f"{corpus.name}-{doc_id}.pkl" if cache else None
    if key and key.exists():
        return pickle.loads(key.read_bytes()), truth
    files = [corpus / f for f in truth["files"]]
    pages = load_pages(files, "pdf" if files[0].suffix == ".pdf" else "images")
    if any(p.needs_ocr for p in pages):
        pages = ocr_pages(pages, workers=2)
    if key:
        key.write_bytes(pickle.dumps(pages))
    return pages, truth


def main(argv: list[str] | None = None) -> int:
    from tasks.extract import extract_invoice
    from tests.extract_support import compare

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus" / "dev")
    ap.add_argument("--cache", type=Path, default=None, help="folder to keep the pages read (OCR is slow)")
    ap.add_argument("ids", nargs="*", help="document ids (default: all)")
    args = ap.parse_args(argv)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    ids = args.ids or sorted(p.stem for p in args.corpus.glob("*.json") if p.stem != "manifest")
    per_format = defaultdict(lambda: {"right": 0, "wrong": 0, "missing": 0, "docs": 0, "energy_ok": 0})
    per_field = defaultdict(lambda: [0, 0])
    problems = []
    timings = []
    for doc_id in ids:
        pages, truth = load(args.corpus, doc_id, args.cache)
        started = time.perf_counter()
        analysis = extract_invoice(pages, strict=False)
        timings.append(time.perf_counter() - started)
        result = compare(analysis, truth)
        stats = per_format[truth.get("format", "?")]
        stats["docs"] += 1
        stats["energy_ok"] += analysis["energy"] == truth["energy"]
        for kind in ("right", "wrong", "missing"):
            stats[kind] += len(result[kind])
        for path in result["right"]:
            per_field[path][0] += 1
            per_field[path][1] += 1
        for entry in result["wrong"] + result["missing"]:
            path = entry.split(":")[0]
            per_field[path][1] += 1
            problems.append(f"{doc_id} {truth.get('format', '?'):7} {'WRONG  ' if ':' in entry else 'missing'} {entry}")
    print(f"{'format':8} {'docs':>4} {'fields':>6} {'right':>7} {'wrong':>7} {'missing':>8} {'energy':>7}")
    for fmt, s in sorted(per_format.items()):
        n = s["right"] + s["wrong"] + s["missing"]
        print(f"{fmt:8} {s['docs']:4} {n:6} {s['right'] / n:7.1%} {s['wrong'] / n:7.1%} {s['missing'] / n:8.1%} "
              f"{s['energy_ok'] / s['docs']:7.0%}")
    if problems:
        print("\nfields not right:")
        print("\n".join(problems))
    print("\nper field:")
    for path, (ok, n) in sorted(per_field.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        print(f"  {path:42} {ok:3}/{n:<3} {ok / n:6.1%}")
    if timings:
        timings.sort()
        print(f"\nextract_invoice median {timings[len(timings) // 2] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
