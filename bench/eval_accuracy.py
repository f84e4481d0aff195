"""Accuracy of the whole service on bills it has never seen (`make eval`).

Generates an evaluation corpus with tests.generator (every layout family in
every format), adds tests/corpus/dev, runs the service on each document the
way a synchronous request does, and compares the result with the ground
truth as a careful acceptance check would:

- amounts (`*_eur`) within 0.01, other numbers within a relative 1e-4;
- dates exactly; identifiers on their characters without spaces;
- names, addresses and offer names case-insensitively with whitespace
  normalised (a match that needs accents removed is reported apart).

Prints field accuracy per field and per format, wrong vs missing values,
energy detection, hidden-issue recall/precision, the no-issue rate on clean
bills, sensitive strings leaked into the anonymised report or the
highlights, and the median time of each stage; writes the same figures to
bench/eval-results.md.

    python -m bench.eval_accuracy [--quick] [--count N] [--seed S] [--out DIR] [--no-dev]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import subprocess
import sys
import time
import traceback
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Before Prefect or Tesseract are imported or started.
for key, value in {"OMP_THREAD_LIMIT": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                   "PREFECT_LOGGING_LEVEL": "WARNING"}.items():
    os.environ.setdefault(key, value)

DEV = ROOT / "tests" / "corpus" / "dev"
RESULTS_MD = ROOT / "bench" / "eval-results.md"
FORMATS = ("digital", "scan", "photo")

# (dotted path, comparison kind)
FIELDS = [
    ("energy", "enum"), ("supplier", "text"), ("offer_name", "text"), ("offer_pricing", "enum"),
    ("invoice_number", "id"), ("invoice_date", "date"), ("invoice_kind", "enum"),
    ("period.start", "date"), ("period.end", "date"),
    ("customer.name", "text"), ("customer.address", "text"), ("customer.client_number", "id"),
    ("total_ttc_eur", "amount"), ("total_ht_eur", "amount"),
    ("electricity.pdl", "id"), ("electricity.subscribed_power_kva", "number"), ("electricity.tariff_option", "enum"),
    ("electricity.consumption_kwh", "number"), ("electricity.consumption_hp_kwh", "number"),
    ("electricity.consumption_hc_kwh", "number"), ("electricity.unit_price_kwh_ht_eur", "number"),
    ("electricity.unit_price_hc_kwh_ht_eur", "number"), ("electricity.subscription_eur", "amount"),
    ("electricity.reading", "enum"), ("electricity.amount_ttc_eur", "amount"),
    ("gas.pce", "id"), ("gas.consumption_kwh", "number"), ("gas.consumption_m3", "number"),
    ("gas.conversion_coefficient", "number"), ("gas.unit_price_kwh_ht_eur", "number"),
    ("gas.subscription_eur", "amount"), ("gas.reading", "enum"), ("gas.amount_ttc_eur", "amount"),
]
ISSUE_CODES = ("PRICE_ABOVE_REFERENCE", "POWER_OVERSIZED", "HPHC_UNPROFITABLE", "ESTIMATED_READING",
               "PAID_SERVICES", "LATE_FEES", "VAT_ANOMALY", "INDEXED_OFFER", "TOTALS_MISMATCH")


# ---------------------------------------------------------------- comparison

def get(obj, path: str):
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u2019", "'")).strip().casefold()


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def compare(kind: str, truth, pred) -> str | None:
    """ok | accent | wrong | missing | extra, or None when neither side has a value."""
    if truth is None:
        return None if pred is None else "extra"
    if pred is None:
        return "missing"
    if kind in ("amount", "number"):
        try:
            t, p = float(truth), float(pred)
        except (TypeError, ValueError):
            return "wrong"
        tol = 0.01 + 1e-9 if kind == "amount" else max(abs(t) * 1e-4, 1e-9)
        return "ok" if abs(t - p) <= tol else "wrong"
    if kind == "id":
        return "ok" if re.sub(r"\s", "", str(truth)) == re.sub(r"\s", "", str(pred)) else "wrong"
    if kind in ("date", "enum"):
        return "ok" if str(truth) == str(pred) else "wrong"
    a, b = _ws(truth), _ws(pred)
    if a == b:
        return "ok"
    return "accent" if strip_accents(a) == strip_accents(b) else "wrong"


# ---------------------------------------------------------------- leaks

def _pdf_text_and_metadata(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        parts = []
        for page in doc:
            tp = page.get_textpage()
            parts.append(tp.get_text_range())
            tp.close()
            page.close()
        parts.extend(str(v) for v in doc.get_metadata_dict().values())
        return "\n".join(parts)
    finally:
        doc.close()


def _leak_norm(text: str) -> str:
    return strip_accents(_ws(text.replace("\u00a0", " ").replace("\u202f", " ")))


def _compact(text: str) -> str:
    """Digits joined across spaces, dots and dashes, so "2750 8003 4137 91" is found as one number."""
    return re.sub(r"(?<=[0-9])[\s.\-]+(?=[0-9])", "", strip_accents(text).casefold())


def _ident_found(ident: str, text: str) -> bool:
    key = re.sub(r"[\s.\-]", "", strip_accents(ident).casefold())
    if key.isdigit():
        return re.search(rf"(?<![0-9]){key}(?![0-9])", _compact(text)) is not None
    # Letters and digits mixed ("1-3Z8YPWKF", "GI277074"): specific enough to match anywhere.
    return key in re.sub(r"[\s.\-]", "", strip_accents(text).casefold())


def found_anywhere(found: dict[str, list[str]]) -> set[str]:
    return {s for strings in found.values() for s in strings}


def find_leaks(truth: dict, result: dict) -> dict[str, list[str]]:
    """Sensitive strings found in the anonymised report (text layer, metadata,
    raw bytes) and in the highlights."""
    out = {}
    pdf = base64.b64decode(result.get("anonymous_report_base64") or b"")
    try:
        report_text = _pdf_text_and_metadata(pdf) if pdf else ""
    except Exception as exc:  # noqa: BLE001 - a report the reader cannot open is reported, not skipped
        report_text = f"<unreadable: {exc}>"
    # Raw bytes catch what a text extractor misses (uncompressed metadata, attachments' names);
    # short strings are left out there: three letters occur by chance in compressed data.
    raw = pdf.decode("latin-1", errors="ignore")
    where = {"rapport anonymisé": report_text, "rapport anonymisé (octets bruts)": raw,
             "points clés": "\n".join(result.get("highlights") or [])}
    idents = set(truth.get("sensitive_identifiers") or [])
    for name, text in where.items():
        norm, found = _leak_norm(text), []
        for s in truth.get("sensitive_strings") or []:
            if name.endswith("(octets bruts)") and (len(s) < 6 or s in found_anywhere(out)):
                continue
            if s in idents:
                hit = _ident_found(s, text)
            else:
                hit = re.search(rf"(?<!\w){re.escape(_leak_norm(s))}(?!\w)", norm)
            if hit:
                found.append(s)
        if found:
            out[name] = found
    return out


# ---------------------------------------------------------------- the service

SERVICE_NAME = "flows.analyse_invoice.run_analysis"


def run_service(files: list[Path], kind: str) -> dict:
    """The service as the sync API runs it (a Prefect server must be up)."""
    from flows.analyse_invoice import run_analysis

    return run_analysis(files, kind, requested_type="auto", confidence_min=0.5, strict=False)


# ---------------------------------------------------------------- corpus

def build_corpus(out: Path, count: int, seed: int) -> list[tuple[dict, Path]]:
    """Generated documents (reused when the same count and seed are already there)."""
    from tests.generator import VERSION, generate_document, plan

    folder = out / f"generated-s{seed}-n{count}"
    manifest = folder / "manifest.json"
    wanted = {"generator_version": VERSION, "documents": plan(count, seed)}
    if manifest.is_file() and json.loads(manifest.read_text()) == wanted:
        print(f"corpus réutilisé : {folder}", file=sys.stderr)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        for p in wanted["documents"]:
            generate_document(folder, p["doc_id"], p["seed"], family=p["family"], fmt=p["fmt"])
        manifest.write_text(json.dumps(wanted, indent=1))
        print(f"{count} factures générées en {time.perf_counter() - start:.0f} s dans {folder}", file=sys.stderr)
    return [(json.loads((folder / f"{p['doc_id']}.json").read_text()), folder) for p in wanted["documents"]]


def dev_corpus() -> list[tuple[dict, Path]]:
    return [(json.loads(p.read_text()), DEV) for p in sorted(DEV.glob("dev-*.json"))]


# ---------------------------------------------------------------- one document

def evaluate(truth: dict, folder: Path, service, source: str) -> dict:
    files = [folder / name for name in truth["files"]]
    kind = "pdf" if files[0].suffix.lower() == ".pdf" else "images"
    record = {"id": truth["id"], "source": source, "format": truth["format"], "family": truth["family"],
              "energy": truth["energy"], "planted": list(truth["planted_issues"]), "fields": {}, "detected": [],
              "leaks": {}, "timings_ms": {}, "error": None}
    start = time.perf_counter()
    try:
        result = service(files, kind)
    except Exception as exc:  # noqa: BLE001 - one failing bill must not stop the evaluation
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["traceback"] = traceback.format_exc(limit=6)
        result = None
    record["wall_s"] = round(time.perf_counter() - start, 2)
    analysis = (result or {}).get("analysis") or {}
    for path, kind_ in FIELDS:
        status = compare(kind_, get(truth, path), get(analysis, path))
        if status:
            record["fields"][path] = status
            if status != "ok":
                record.setdefault("diffs", {})[path] = [get(truth, path), get(analysis, path)]
    record["energy_pred"] = analysis.get("energy")
    record["detected"] = sorted({i.get("code") for i in analysis.get("issues") or [] if i.get("code")})
    record["timings_ms"] = {k: v for k, v in (analysis.get("timings_ms") or {}).items() if isinstance(v, (int, float))}
    if result:
        record["leaks"] = find_leaks(truth, result)
    return record


# ---------------------------------------------------------------- figures

def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %".replace(".", ",") if b else "–"


def dec(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def figures(records: list[dict]) -> dict:
    fmts = [f for f in FORMATS if any(r["format"] == f for r in records)]
    fig: dict = {"formats": fmts, "n": len(records), "by_format_n": {f: sum(r["format"] == f for r in records) for f in fmts}}
    # Field accuracy per field and format.
    table = {}
    for path, _ in FIELDS:
        row = {}
        for f in fmts + ["all"]:
            recs = [r for r in records if f == "all" or r["format"] == f]
            statuses = [r["fields"][path] for r in recs if path in r["fields"] and r["fields"][path] != "extra"]
            row[f] = (sum(s == "ok" for s in statuses), len(statuses), sum(s == "accent" for s in statuses))
        table[path] = row
    fig["fields"] = table
    # Wrong vs missing per format.
    wm = {}
    for f in fmts + ["all"]:
        c = Counter(s for r in records if f == "all" or r["format"] == f for s in r["fields"].values())
        total = c["ok"] + c["accent"] + c["wrong"] + c["missing"]
        wm[f] = {"total": total, "ok": c["ok"], "accent": c["accent"], "wrong": c["wrong"], "missing": c["missing"],
                 "extra": c["extra"]}
    fig["wrong_missing"] = wm
    fams = sorted({r["family"] for r in records}, key=lambda fam: (fam in {r["family"] for r in records if r["source"] == "dev"}, fam))
    fig["families"] = {}
    for fam in fams:
        row = {}
        for f in fmts + ["all"]:
            st = [s for r in records if r["family"] == fam and (f == "all" or r["format"] == f)
                  for s in r["fields"].values() if s != "extra"]
            row[f] = (sum(s == "ok" for s in st), len(st))
        fig["families"][fam] = row
    fig["energy"] = {f: (sum(r["energy_pred"] == r["energy"] for r in records if f == "all" or r["format"] == f),
                         sum(1 for r in records if f == "all" or r["format"] == f)) for f in fmts + ["all"]}
    # Issues.
    per_code = {}
    for code in ISSUE_CODES:
        tp = sum(code in r["planted"] and code in r["detected"] for r in records)
        fn = sum(code in r["planted"] and code not in r["detected"] for r in records)
        fp = sum(code not in r["planted"] and code in r["detected"] for r in records)
        per_code[code] = (tp, fn, fp)
    fig["issues"] = per_code
    tp = sum(v[0] for v in per_code.values())
    fn = sum(v[1] for v in per_code.values())
    fp = sum(v[2] for v in per_code.values())
    fig["issues_total"] = (tp, fn, fp)
    clean = [r for r in records if not r["planted"] and not r["error"]]
    fig["clean"] = (sum(not r["detected"] for r in clean), len(clean))
    fig["clean_false"] = Counter(c for r in clean for c in r["detected"])
    # Leaks.
    fig["leaks"] = {
        "docs": sum(bool(r["leaks"]) for r in records),
        "strings": sum(len(v) for r in records for v in r["leaks"].values()),
        "examples": [(r["id"], where, s) for r in records for where, v in r["leaks"].items() for s in v][:12],
    }
    # Stages.
    stages = defaultdict(list)
    for r in records:
        for k, v in r["timings_ms"].items():
            stages[k].append(v)
    fig["stages"] = {k: (statistics.median(v), max(v), len(v)) for k, v in stages.items()}
    fig["wall"] = {f: statistics.median([r["wall_s"] for r in records if f == "all" or r["format"] == f] or [0])
                   for f in fmts + ["all"]}
    fig["errors"] = [(r["id"], r["error"]) for r in records if r["error"]]
    return fig


def render_markdown(fig: dict, meta: dict) -> str:
    fmts = fig["formats"]
    cols = fmts + ["all"]
    label = {"digital": "numérique", "scan": "scan", "photo": "photo", "all": "tous"}
    out = [f"# Évaluation de la précision ({meta['date']})", ""]
    out += [f"- Service appelé : `{meta['service']}`",
            f"- Corpus : {meta['generated']} factures générées (graine {meta['seed']}) + {meta['dev']} du corpus dev ; "
            + ", ".join(f"{fig['by_format_n'][f]} {label[f]}" for f in fmts),
            f"- Commit : `{meta['commit']}` ; durée totale {dec(meta['duration_min'])} min", ""]
    out += ["## Exactitude par champ", "",
            ("Correct / renseigné dans la vérité (valeurs exactes à 0,01 € près pour les montants, 1e-4 relatif pour les "
            "autres nombres ; identifiants sans espaces ; noms et adresses sans casse). Entre parenthèses : "
            "correspondances seulement sans accents (comptées fausses)."), ""]
    out.append("| champ | " + " | ".join(label[c] for c in cols) + " |")
    out.append("|---|" + "---|" * len(cols))
    for path, row in fig["fields"].items():
        cells = []
        for c in cols:
            ok, n, acc = row[c]
            cells.append("–" if not n else f"{pct(ok, n)} ({ok}/{n})" + (f" (+{acc} sans accents)" if acc else ""))
        out.append(f"| `{path}` | " + " | ".join(cells) + " |")
    out += ["", "## Exactitude par famille de mise en page", "",
            ("Tous champs confondus ; les familles du corpus dev (EDF, Engie, TotalEnergies) sont celles pour "
            "lesquelles l'extraction a été écrite, les autres sont générées."), ""]
    out.append("| famille | " + " | ".join(label[c] for c in cols) + " |")
    out.append("|---|" + "---|" * len(cols))
    for fam, row in fig["families"].items():
        out.append(f"| {fam} | " + " | ".join("–" if not row[c][1] else f"{pct(*row[c])} ({row[c][0]}/{row[c][1]})"
                                            for c in cols) + " |")
    out += ["", "## Valeurs fausses et manquantes", "",
            ("| format | champs attendus | corrects | faux (renseignés mais différents) | manquants (null) | "
            "inventés (vérité null) |"), "|---|---|---|---|---|---|"]
    for c in cols:
        w = fig["wrong_missing"][c]
        out.append(f"| {label[c]} | {w['total']} | {pct(w['ok'], w['total'])} | {pct(w['wrong'] + w['accent'], w['total'])}"
                   f" | {pct(w['missing'], w['total'])} | {w['extra']} |")
    out += ["", "## Énergie détectée", "", "| format | exacte |", "|---|---|"]
    for c in cols:
        ok, n = fig["energy"][c]
        out.append(f"| {label[c]} | {pct(ok, n)} ({ok}/{n}) |")
    tp, fn, fp = fig["issues_total"]
    out += ["", "## Vices cachés", "",
            f"Rappel global {pct(tp, tp + fn)} ({tp}/{tp + fn}), précision globale {pct(tp, tp + fp)} ({tp}/{tp + fp}).",
            "", "| code | plantés | trouvés (VP) | manqués (FN) | en trop (FP) | rappel | précision |", "|---|---|---|---|---|---|---|"]
    for code, (tp_, fn_, fp_) in fig["issues"].items():
        out.append(f"| `{code}` | {tp_ + fn_} | {tp_} | {fn_} | {fp_} | {pct(tp_, tp_ + fn_)} | {pct(tp_, tp_ + fp_)} |")
    ok, n = fig["clean"]
    out += ["", f"Factures saines sans aucun vice signalé : {pct(ok, n)} ({ok}/{n})."]
    if fig["clean_false"]:
        out.append("Signalés à tort sur les factures saines : " + ", ".join(f"`{c}` × {k}" for c, k in fig["clean_false"].most_common()) + ".")
    lk = fig["leaks"]
    out += ["", "## Fuites de données sensibles", "",
            (f"Chaînes sensibles retrouvées dans le rapport anonymisé ou les points clés : {lk['strings']}, "
             f"dans {lk['docs']} documents sur {fig['n']} (attendu : 0).")]
    for doc, where, s in lk["examples"]:
        out.append(f"- {doc} : « {s} » dans {where}")
    out += ["", "## Temps par étape", "", "| étape | médiane (ms) | max (ms) | documents |", "|---|---|---|---|"]
    for k, (med, mx, n) in sorted(fig["stages"].items(), key=lambda kv: -kv[1][0]):
        out.append(f"| {k} | {med:.0f} | {mx:.0f} | {n} |")
    if fig["stages"]:
        slow = max(fig["stages"].items(), key=lambda kv: kv[1][0])[0]
        out += ["", f"Étape la plus lente (médiane) : **{slow}**."]
    out += ["", "Durée médiane d'un document (appel complet) : "
            + ", ".join(f"{label[c]} {dec(fig['wall'][c])} s" for c in cols) + "."]
    if fig["errors"]:
        out += ["", "## Erreurs", ""] + [f"- {doc} : {err}" for doc, err in fig["errors"]]
    return "\n".join(out) + "\n"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_accuracy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="16 generated bills instead of 72")
    parser.add_argument("--count", type=int, help="number of generated bills (default 72, 16 with --quick)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=ROOT / "eval-out", help="where the corpus and details go")
    parser.add_argument("--no-dev", action="store_true", help="leave tests/corpus/dev out")
    parser.add_argument("--results", type=Path, default=RESULTS_MD, help="Markdown summary to write")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the summary from OUT/eval-details.json without running anything")
    args = parser.parse_args(argv)
    count = args.count if args.count is not None else (16 if args.quick else 72)
    details = args.out / "eval-details.json"
    if args.report_only:
        saved = json.loads(details.read_text())
        md = render_markdown(figures(saved["records"]), saved["meta"])
        args.results.write_text(md, encoding="utf-8")
        print(md)
        return 0

    started = time.perf_counter()
    commit = _commit()  # the code this run loads, whatever lands while it runs
    docs = [(t, f, "generated") for t, f in build_corpus(args.out, count, args.seed)] if count else []
    if not args.no_dev:
        docs += [(t, f, "dev") for t, f in dev_corpus()]
    from deployments.processes import temporary_prefect_server

    records = []
    with temporary_prefect_server(args.out / "logs"):
        for i, (truth, folder, source) in enumerate(docs, start=1):
            rec = evaluate(truth, folder, run_service, source)
            records.append(rec)
            ok = sum(s == "ok" for s in rec["fields"].values())
            n = sum(s != "extra" for s in rec["fields"].values())
            print(f"[{i:3d}/{len(docs)}] {rec['id']:<9} {rec['format']:<7} {rec['family']:<13} {ok:2d}/{n:2d} champs  "
                  f"vices {','.join(rec['detected']) or '-'} (plantés {','.join(rec['planted']) or '-'})  "
                  f"{rec['wall_s']:.1f} s{'  ERREUR ' + rec['error'] if rec['error'] else ''}", flush=True)
    fig = figures(records)
    meta = {"date": datetime.now().strftime("%Y-%m-%d %H:%M"), "service": SERVICE_NAME, "seed": args.seed,
            "generated": count, "dev": sum(1 for _, _, s in docs if s == "dev"), "commit": commit,
            "duration_min": (time.perf_counter() - started) / 60}
    md = render_markdown(fig, meta)
    print("\n" + md)
    args.results.write_text(md, encoding="utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    details.write_text(json.dumps({"meta": meta, "records": records}, indent=1, ensure_ascii=False, default=str))
    print(f"Résumé écrit dans {args.results} ; détail par document dans {details}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
