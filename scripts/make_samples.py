"""Write example reports for a few dev-corpus bills into examples/.

    python scripts/make_samples.py                      # whole pipeline (flows.analyse_invoice)
    python scripts/make_samples.py --source analyse     # ground truth → analyse stage → render
    python scripts/make_samples.py --source fixtures    # hand-made analysis dicts → render
    python scripts/make_samples.py dev-004 dev-013 --out /tmp/examples

Each bill gets a folder with `rapport.pdf` (everything visible),
`rapport-anonyme.pdf`, `analysis.json` and `highlights.txt`. The pipeline
source reads the real files (OCR for scans and photos) and needs no server:
it starts a temporary Prefect server of its own.
"""
from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_IDS = ["dev-001", "dev-004", "dev-007", "dev-012"]  # photo elec, scanned dual, gas indexed, digital elec


def _truth(truth_id: str) -> dict:
    from tests import render_fixtures as rf

    return json.loads((rf.CORPUS / f"{truth_id}.json").read_text(encoding="utf-8"))


def from_pipeline(truth_id: str) -> tuple[dict, list[str], bytes, bytes]:
    from flows.analyse_invoice import run_analysis
    from tests import render_fixtures as rf

    truth = _truth(truth_id)
    files = [rf.CORPUS / name for name in truth["files"]]
    kind = "pdf" if files[0].suffix.lower() == ".pdf" else "images"
    result = run_analysis(files, kind, strict=False)
    return (result["analysis"], result["highlights"], base64.b64decode(result["non_anonymous_report_base64"]),
            base64.b64decode(result["anonymous_report_base64"]))


def from_analysis(truth_id: str, *, analyse: bool) -> tuple[dict, list[str], bytes, bytes]:
    from tasks.render import Brand, render_reports
    from tasks.settings import get_settings
    from tests import render_fixtures as rf

    analysis = rf.analysis_from_truth(_truth(truth_id))
    if analyse:
        from tasks.analyse import analyse as analyse_stage, highlights

        del analysis["market"], analysis["issues"]
        analysis = analyse_stage(analysis, gap_cap_percent=get_settings().market_gap_cap_percent)
        lines = highlights(analysis)
    else:
        lines = rf.highlights_for(analysis)
    reports = render_reports(analysis, lines, Brand.from_settings(get_settings()))
    return analysis, lines, reports.non_anonymous, reports.anonymous


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", default=DEFAULT_IDS, help="dev corpus ids (default: %(default)s)")
    parser.add_argument("--source", choices=("pipeline", "analyse", "fixtures"), default="pipeline")
    parser.add_argument("--out", type=Path, default=ROOT / "examples")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        if args.source == "pipeline":
            from deployments.processes import temporary_prefect_server

            stack.enter_context(temporary_prefect_server())
        for truth_id in args.ids:
            write_sample(truth_id, args)
    return 0


def write_sample(truth_id: str, args) -> None:
    start = time.perf_counter()
    if args.source == "pipeline":
        analysis, lines, full, anonymous = from_pipeline(truth_id)
    else:
        analysis, lines, full, anonymous = from_analysis(truth_id, analyse=args.source == "analyse")
    folder = args.out / truth_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rapport.pdf").write_bytes(full)
    (folder / "rapport-anonyme.pdf").write_bytes(anonymous)
    (folder / "analysis.json").write_text(json.dumps(analysis, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "highlights.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{truth_id}: {folder} ({time.perf_counter() - start:.1f} s, "
          f"{len(full) // 1024} Kio + {len(anonymous) // 1024} Kio)")


if __name__ == "__main__":
    sys.exit(main())
