"""OCR figures on the dev corpus (prints, asserts nothing).

    .venv/bin/python bench/bench_ocr.py speed      # OCR stage vs bare tesseract, 4-page wall time
    .venv/bin/python bench/bench_ocr.py accuracy   # ground-truth values readable in the OCR text

`speed`: for one scanned page (rendered by `load_pages`), the median of a
few runs of the OCR stage as the flow calls it (`ocr_pages` on a one-page
bill: pre-processing, then the page's strips read at once) and of the same
on one core (`ocr_page`), against the bare `tesseract` command on the same
image (PNG file, default psm, `OMP_THREAD_LIMIT=1`; also with the stage's
`--psm`), measured in turns; then the wall time of a 4-page scan through
`ocr_pages` (pages in parallel) against 4 × one page on one core. Written
to bench/ocr-results.md too.

`accuracy`: for every scanned and photographed bill, which ground-truth
values (invoice number, dates, customer name and number, totals, PDL/PCE,
consumption, prices) appear in the OCR text, in any of the forms a bill
prints them (compared without spaces, case-insensitive). This measures
what the extractor can find, not the extractor itself.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasks.ocr import PSM, ocr_page, ocr_pages  # noqa: E402
from tasks.rasterise import load_pages  # noqa: E402

RESULTS = ROOT / "bench" / "ocr-results.md"

CORPUS = ROOT / "tests" / "corpus" / "dev"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
ABBR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def documents(formats: set[str]) -> list[dict]:
    docs = []
    for path in sorted(CORPUS.glob("dev-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["format"] in formats:
            doc["paths"] = [CORPUS / name for name in doc["files"]]
            doc["kind"] = "pdf" if doc["files"][0].endswith(".pdf") else "images"
            docs.append(doc)
    return docs


# ------------------------------------------------------------------ speed


def bare_tesseract(image_path: Path, dpi: int, *extra: str) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.perf_counter()
    subprocess.run(["tesseract", str(image_path), "stdout", "-l", "fra", "--dpi", str(dpi), *extra, "tsv"],
                   check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def _timed(run, page) -> tuple[float, dict]:
    """Seconds `run` takes on a fresh copy of `page` (OCR drops the image)."""
    single = copy.copy(page)
    single.timings_ms = {}
    started = time.perf_counter()
    run(single)
    return time.perf_counter() - started, single.timings_ms


def speed(runs: int) -> None:
    doc = documents({"scan"})[0]
    [first, *_] = load_pages(doc["paths"], doc["kind"])
    bare, bare_psm, stage, one_core = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        first.image.save(png)
        # In turns: this machine's speed drifts by tens of percent within a minute.
        for _ in range(runs):
            bare.append(bare_tesseract(png, first.dpi))
            bare_psm.append(bare_tesseract(png, first.dpi, "--psm", str(PSM)))
            seconds, timings = _timed(lambda p: ocr_pages([p]), first)
            stage.append(seconds)
            one_core.append(_timed(ocr_page, first)[0])
    b, s, one = statistics.median(bare), statistics.median(stage), statistics.median(one_core)
    out = [f"one scanned page ({doc['id']} p1, {first.image.width}x{first.image.height} px, "
           f"median of {runs} runs in turns, {os.cpu_count()} cores)",
           f"  bare tesseract CLI : {b:6.2f} s (default psm 3, one thread)",
           f"  same, --psm {PSM}     : {statistics.median(bare_psm):6.2f} s (the stage's mode)",
           f"  OCR stage          : {s:6.2f} s  ratio {s / b:.2f}  (the page cut in strips read at once) "
           f"[{timings}]",
           f"  same, on one core  : {one:6.2f} s  ratio {one / b:.2f}"]

    four = load_pages(doc["paths"], doc["kind"]) + load_pages(doc["paths"], doc["kind"])
    four = four[:4]
    for i, page in enumerate(four, start=1):
        page.number = i
    singles = [_timed(ocr_page, page)[0] for page in four]
    started = time.perf_counter()
    ocr_pages(four, workers=0)
    wall = time.perf_counter() - started
    out.append(f"4-page scan: wall {wall:.2f} s vs 4 x one page on one core {sum(singles):.2f} s "
               f"(ratio {wall / sum(singles):.2f}; vs 4 x the one-page stage {4 * s:.2f} s: {wall / (4 * s):.2f})")
    print("\n".join(out))
    RESULTS.write_text("# OCR stage against bare Tesseract (`bench/bench_ocr.py speed`, "
                       f"{time.strftime('%Y-%m-%d %H:%M')})\n\n```\n" + "\n".join(out) + "\n```\n",
                       encoding="utf-8")


# --------------------------------------------------------------- accuracy


def french_amount(value: float) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def french_number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return str(value).replace(".", ",")
    return f"{int(value):,}".replace(",", " ")


def date_forms(iso: str) -> list[str]:
    y, m, d = iso.split("-")
    day = "1er" if int(d) == 1 else str(int(d))
    month = int(m) - 1
    return [f"{d}/{m}/{y}", f"{d}.{m}.{y}", f"{day} {MONTHS[month]} {y}", f"{int(d)} {MONTHS[month]} {y}",
            f"{day} {ABBR[month]} {y}"]


def expected_values(doc: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {
        "invoice_number": [doc["invoice_number"]],
        "invoice_date": date_forms(doc["invoice_date"]),
        "period.start": date_forms(doc["period"]["start"]),
        "period.end": date_forms(doc["period"]["end"]),
        "customer.client_number": [doc["customer"]["client_number"]],
        "total_ttc_eur": [french_amount(doc["total_ttc_eur"])],
    }
    name = doc["customer"]["name"]
    out["customer.name"] = [name, " ".join(reversed(name.split(" ", 1))), " ".join(reversed(name.rsplit(" ", 1)))]
    if doc.get("total_ht_eur") is not None:
        out["total_ht_eur"] = [french_amount(doc["total_ht_eur"])]
    for energy, identifier in (("electricity", "pdl"), ("gas", "pce")):
        values = doc.get(energy)
        if not values:
            continue
        out[f"{energy}.{identifier}"] = [values[identifier]]
        for key in ("consumption_kwh", "consumption_hp_kwh", "consumption_hc_kwh", "consumption_m3",
                    "conversion_coefficient", "unit_price_kwh_ht_eur", "unit_price_hc_kwh_ht_eur",
                    "subscribed_power_kva"):
            if values.get(key) is not None:
                out[f"{energy}.{key}"] = [french_number(values[key])]
        if values.get("subscription_eur") is not None:
            out[f"{energy}.subscription_eur"] = [french_amount(values["subscription_eur"])]
    return out


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def readable(doc: dict, text: str) -> dict[str, bool]:
    flat = squeeze(text)
    return {key: any(squeeze(form) in flat for form in forms) for key, forms in expected_values(doc).items()}


def accuracy(formats: set[str]) -> None:
    totals: dict[str, list[int]] = {}
    for doc in documents(formats):
        started = time.perf_counter()
        pages = ocr_pages(load_pages(doc["paths"], doc["kind"]))
        seconds = time.perf_counter() - started
        text = "\n".join(" ".join(w.text for w in page.words) for page in pages)
        found = readable(doc, text)
        ok = sum(found.values())
        totals.setdefault(doc["format"], [0, 0])
        totals[doc["format"]][0] += ok
        totals[doc["format"]][1] += len(found)
        missing = [key for key, hit in found.items() if not hit]
        turns = [(p.rotation, p.skew) for p in pages]
        print(f"{doc['id']} {doc['format']:5} {ok:2}/{len(found):2}  {seconds:5.1f} s  rotation/skew {turns}"
              f"  missing {missing}", flush=True)
    for fmt, (ok, count) in totals.items():
        print(f"{fmt}: {ok}/{count} = {100 * ok / count:.1f} % of values readable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["speed", "accuracy"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="scan,photo")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if args.mode == "speed":
        speed(args.runs)
    else:
        accuracy(set(args.formats.split(",")))


if __name__ == "__main__":
    main()
