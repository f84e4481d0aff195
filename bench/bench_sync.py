"""Sync requests against the bare tools they wrap, in one run: prints the
figures and writes them to bench/sync-results.md; asserts nothing.

    python -m bench.bench_sync [--runs 20]

- A digital two-page bill, POST /v1/invoices/pdf over HTTP to gunicorn:
  p50/p95 against the bare tools on the same bill in the same run
  (pypdfium2's text extraction, and WeasyPrint rendering the same two HTML
  reports with the same stylesheets, one after the other; the worker renders
  the anonymised one in its render process alongside the full one).
- Prefect's share: the flow run inline (as a sync request runs it) against
  the same stages called as plain functions.
- Sync throughput with two clients (bills per minute), to set against the
  jobs' figures of bench/bench_jobs.py.
- Peak RSS of the gunicorn worker and of its render process, and of a
  job-like process (the flow from the command line) on a 10-page scan.

Each pair of figures set against each other is measured in turns, one run
of each side after the other, so that the machine's drifting speed weighs
on both alike.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deployments.processes import point_prefect_at_temporary_server  # noqa: E402

point_prefect_at_temporary_server()  # before Prefect is imported

import requests  # noqa: E402

from deployments.processes import (  # noqa: E402
    OFFLINE_ENV, Stack, free_port, gunicorn_argv, temporary_prefect_server, wait_http)
from tests.live_stack import descendants, peak_rss_mib  # noqa: E402

DIGITAL = ROOT / "tests" / "corpus" / "dev" / "dev-010.pdf"
SCANNED = ROOT / "tests" / "corpus" / "dev" / "dev-014.pdf"
RESULTS = ROOT / "bench" / "sync-results.md"
API_KEY = "bench-sync-key"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def api_server(folder: Path, workers: int = 1, threads: int = 4):
    port = free_port()
    env = {**os.environ, **OFFLINE_ENV, "API_KEY": API_KEY, "HOST": "127.0.0.1", "PORT": str(port),
           "ENV_FILE": os.devnull, "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads),
           "UPLOAD_FOLDER": str(folder / "uploads"), "REPORTS_FOLDER": str(folder / "reports")}
    stack = Stack(env=env, log_dir=folder / "log")
    process = stack.start("api", gunicorn_argv())
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/health", timeout=120, headers={"X-API-Key": API_KEY}, process=process)
        yield base, process
    finally:
        stack.stop_all()


def post_bill(base: str, path: Path = DIGITAL) -> tuple[float, dict]:
    started = time.perf_counter()
    with open(path, "rb") as handle:
        response = requests.post(f"{base}/v1/invoices/pdf", files={"file": (path.name, handle, "application/pdf")},
                                 headers={"X-API-Key": API_KEY}, timeout=300)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


def bare_tools(path: Path, result: dict):
    """A function running the bare tools once: pypdfium2's text of every page,
    then WeasyPrint on the two HTML reports of this bill (prepared here, with
    the service's stylesheets and fonts loaded once, as anyone would)."""
    import pypdfium2
    import weasyprint

    from tasks.render import Brand
    from tasks.render.anonymise import anonymise_document
    from tasks.render.brands import default_registry
    from tasks.render.model import build_document
    from tasks.render.pdf import get_renderer

    renderer, style = get_renderer(), Brand().style()
    doc = build_document(result["analysis"], result["highlights"])
    anon_doc, scrubber = anonymise_document(doc, result["analysis"], default_registry())
    pages_html = [renderer.html(doc, style), scrubber.html(renderer.html(anon_doc, style))]
    stylesheets = [renderer.base_css, renderer.brand_css(style)]

    def run() -> None:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            for page in pdf:
                page.get_textpage().get_text_range()
        finally:
            pdf.close()
        for html in pages_html:
            weasyprint.HTML(string=html, url_fetcher=renderer.fetcher.weasy, base_url="asset:/").write_pdf(
                stylesheets=stylesheets, font_config=renderer.font_config)
    return run


def timed_side_by_side(first, second, runs: int) -> tuple[list[float], list[float]]:
    """Seconds of each run of `first` and of `second`, taken in turns: this
    machine's speed drifts by tens of percent within a minute, and a drift
    must weigh on both sides alike. After a warm-up run of each, the garbage
    collector is tuned, as in a gunicorn worker (deployments/warmup.py)."""
    from deployments.warmup import tune_gc

    first()
    second()
    tune_gc()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for function, out in zip((first, second), times):
            started = time.perf_counter()
            function()
            out.append(time.perf_counter() - started)
    return times


@contextmanager
def plain_stages():
    """The flow's stages as the plain functions they wrap (no Prefect task runs)."""
    from prefect.utilities.annotations import quote

    from flows import stages

    def plain(task):
        def call(*args, **kwargs):
            return task.fn(*(a.unquote() if isinstance(a, quote) else a for a in args), **kwargs)
        return call

    names = ["rasterise", "ocr", "extract", "analyse", "render"]
    saved = {name: getattr(stages, name) for name in names}
    for name, task in saved.items():
        setattr(stages, name, plain(task))
    try:
        yield
    finally:
        for name, task in saved.items():
            setattr(stages, name, task)


def prefect_share(runs: int) -> tuple[float, float]:
    """Median seconds of the inline flow and of the plain stages, same bill."""
    from flows.analyse_invoice import run_analysis
    from flows.pipeline import analyse_files
    from tasks.settings import get_settings

    settings = get_settings()

    def plain():
        with plain_stages():
            analyse_files(settings, [DIGITAL], "pdf", requested_type="auto", confidence_min=0.5, strict=True)

    flow, plain = timed_side_by_side(lambda: run_analysis([DIGITAL], "pdf"), plain, runs)
    return statistics.median(flow), statistics.median(plain)


def throughput(base: str, requests_count: int, clients: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(lambda _: post_bill(base), range(requests_count)))
    return requests_count / (time.perf_counter() - started) * 60


def worker_peak_rss_mib(master) -> tuple[float, float]:
    """The largest VmHWM among the gunicorn master's workers, and among their
    render processes (tasks/render/parallel.py; pages shared with the worker
    across the fork count in both)."""
    below = {pid: descendants(pid) for pid in descendants(master.pid)}
    renders = {pid for kids in below.values() for pid in kids}
    workers = [pid for pid in below if pid not in renders]
    return (max(map(peak_rss_mib, workers), default=float("nan")),
            max(map(peak_rss_mib, renders), default=float("nan")))


def ten_page_scan(folder: Path) -> Path:
    """A 10-page scanned PDF: the scanned bill's pages repeated."""
    import pypdfium2

    source, pdf = pypdfium2.PdfDocument(str(SCANNED)), pypdfium2.PdfDocument.new()
    while len(pdf) < 10:
        pdf.import_pages(source, list(range(min(len(source), 10 - len(pdf)))))
    path = folder / "scan-10-pages.pdf"
    pdf.save(str(path))
    return path


def job_peak_rss_mib(folder: Path) -> float:
    """Peak RSS of the flow in a process of its own (as a worker runs a job)
    on a 10-page scan. Call it before any other child process has ended:
    the figure is the largest of all the children waited for."""
    subprocess.run([sys.executable, "-m", "flows.analyse_invoice", str(ten_page_scan(folder)),
                    "--out", str(folder / "job")],
                   cwd=ROOT, env={**os.environ, "ENV_FILE": os.devnull}, check=True, capture_output=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ["ENV_FILE"] = os.devnull

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp, \
            temporary_prefect_server(Path(tmp) / "prefect-log", timeout=600):
        folder = Path(tmp)
        rss_job = job_peak_rss_mib(folder)
        with api_server(folder) as (base, master):
            _, result = post_bill(base)
            http, bare = timed_side_by_side(lambda: post_bill(base), bare_tools(DIGITAL, result), args.runs)
            rss_worker, rss_render = worker_peak_rss_mib(master)
        with api_server(folder, workers=2, threads=2) as (base, _):
            post_bill(base)
            sync_per_minute = throughput(base, args.runs * 2, clients=2)
        flow, plain = prefect_share(args.runs)

    http_p50, http_p95 = statistics.median(http), percentile(http, 0.95)
    bare_p50 = statistics.median(bare)
    share = (flow - plain) / flow
    figures = [
        ("Digital 2-page bill over HTTP, p50 / p95", f"{http_p50 * 1000:.0f} ms / {http_p95 * 1000:.0f} ms"),
        ("Bare tools on the same bill, p50 (pypdfium2 text + WeasyPrint × 2)", f"{bare_p50 * 1000:.0f} ms"),
        ("HTTP p50 ÷ bare tools p50 (target ≤ 1.5)", f"{http_p50 / bare_p50:.2f}"),
        ("Flow inline, p50", f"{flow * 1000:.0f} ms"),
        ("Same stages as plain functions, p50", f"{plain * 1000:.0f} ms"),
        ("Prefect's share of the flow (target ≤ 10 %)", f"{share * 100:.1f} %"),
        ("Sync throughput, 2 clients, 2 gunicorn workers", f"{sync_per_minute:.1f} bills/min"),
        ("Peak RSS of a gunicorn worker (target ≤ 400 MB)", f"{rss_worker:.0f} MiB"),
        ("Peak RSS of its render process (shared pages counted in both)", f"{rss_render:.0f} MiB"),
        (f"Peak RSS of the flow in its own process on a 10-page scan ({SCANNED.name} repeated)",
         f"{rss_job:.0f} MiB"),
    ]
    for name, value in figures:
        print(f"{name}: {value}")
    lines = [f"# Sync bench — {datetime.now():%Y-%m-%d %H:%M}", "",
             f"`python -m bench.bench_sync --runs {args.runs}` on {DIGITAL.name} (digital, 2 pages); "
             f"this machine: {os.cpu_count()} cores; each pair of figures compared measured in turns. "
             "Jobs per minute: bench/jobs-results.md.", "",
             "| figure | value |", "|---|---|", *[f"| {name} | {value} |" for name, value in figures]]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
