"""Render stage speed: prints figures, asserts nothing.

    python -m bench.bench_render [--runs 5]

For a 2-page, a 3-page (single energy) and a dual report: median wall and
CPU time of `render_reports` (both PDFs and the anonymity check) and of each
step, after one warm-up render (fonts, template and stylesheet are loaded
once per process). A plain WeasyPrint document is timed too, as a yardstick
of the machine's speed at that moment (other processes share the 2 cores).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def yardstick() -> tuple[float, float]:
    """Wall and CPU seconds of a plain 2-page WeasyPrint document."""
    import weasyprint

    rows = "".join(f"<tr><td>Ligne {i}</td><td>Offre {i}</td><td>1 234,56 €</td></tr>" for i in range(40))
    html = f"<html><body><h1>Étalon</h1><p>{'Texte de mesure. ' * 150}</p><table>{rows}</table></body></html>"
    weasyprint.HTML(string=html).write_pdf()
    start, cpu = time.perf_counter(), time.process_time()
    weasyprint.HTML(string=html).write_pdf()
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render stage speed (prints figures).")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import io

    import pypdf

    from tasks.render import Brand, render_reports
    from tests import render_fixtures as rf

    def truth(name):
        return rf.analysis_from_truth(json.loads((rf.CORPUS / f"{name}.json").read_text(encoding="utf-8")))

    cases = {"single energy, no issue": truth("dev-001"), "single energy, 3 issues": truth("dev-007"),
             "dual": truth("dev-004")}
    start = time.perf_counter()
    render_reports(cases["dual"], [], Brand())
    print(f"first render in this process (fonts, template, stylesheet): {time.perf_counter() - start:.2f} s")
    wall, cpu = yardstick()
    print(f"yardstick, a plain 2-page WeasyPrint document: wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms")
    for name, analysis in cases.items():
        walls, cpus, steps = [], [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            reports = render_reports(analysis, rf.highlights_for(analysis), Brand())
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            steps.append(reports.timings_ms)
        pages = len(pypdf.PdfReader(io.BytesIO(reports.non_anonymous)).pages)
        median = {k: statistics.median(s[k] for s in steps) for k in steps[0]}
        print(f"{name} ({pages} pages): wall {statistics.median(walls) * 1000:.0f} ms, "
              f"CPU {statistics.median(cpus) * 1000:.0f} ms — " + ", ".join(f"{k} {v:.0f} ms" for k, v in median.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
