"""The anonymised report made in the render process (tasks/render/parallel.py):
the same reports as rendered in turn, the anonymity check's failure carried
back, and a render process that dies is done without."""
from __future__ import annotations

import json
import os
import signal

import pytest

from tasks.render import Brand, parallel, render_documents, render_reports
from tasks.render.brands import default_registry
from tasks.render.guard import AnonymityError
from tests import render_fixtures as rf
from tests.render_helpers import TODAY, leaks, pdf_text

analyse_stage = pytest.importorskip("tasks.analyse")


@pytest.fixture(scope="module")
def bill():
    truth = json.loads((rf.CORPUS / "dev-004.json").read_text(encoding="utf-8"))
    analysis = rf.analysis_from_truth(truth)
    del analysis["market"], analysis["issues"]
    analysed = analyse_stage.analyse(analysis)
    return truth, analysed, analyse_stage.highlights(analysed)


@pytest.fixture
def render_process():
    parallel.start()
    yield
    parallel.stop()


def _child_pids() -> list[int]:
    return [p.pid for p in parallel._pool._processes.values()]


def test_the_render_process_makes_the_anonymised_report_of_a_serial_render(bill, render_process):
    truth, analysis, highlights = bill
    [child] = _child_pids()
    assert child != os.getpid()
    reports = render_reports(analysis, highlights, Brand(), today=TODAY)
    serial, _ = render_documents(analysis, highlights, Brand(), registry=default_registry(), today=TODAY)

    assert parallel.running()
    assert pdf_text(reports.anonymous) == pdf_text(serial.anonymous)
    assert pdf_text(reports.non_anonymous) == pdf_text(serial.non_anonymous)
    assert leaks(reports.anonymous, rf.sensitive_strings(truth), truth["sensitive_identifiers"]) == []
    assert set(reports.timings_ms) == {"non_anonymous", "anonymous"}


def test_an_anonymity_failure_in_the_render_process_is_raised_here(bill, render_process, monkeypatch):
    """The check fails in the child (its guard sees a name slipped into the
    highlights' place); the caller gets `AnonymityError` with its `where`."""
    truth, analysis, highlights = bill
    from tasks.render import anonymise

    real = anonymise.anonymise_document

    def leaky(doc, analysis_, registry):
        anon_doc, scrubber = real(doc, analysis_, registry)
        scrubber.html = lambda html: html.replace("</body>", f"<p>{truth['customer']['name']}</p></body>")
        return anon_doc, scrubber

    monkeypatch.setattr("tasks.render.anonymise_document", leaky)
    parallel.stop()
    parallel.start()  # forked with the leaky anonymiser in place
    with pytest.raises(AnonymityError) as caught:
        render_reports(analysis, highlights, Brand(), today=TODAY)
    assert caught.value.where and truth["customer"]["name"] not in str(caught.value)


def test_a_render_process_that_died_is_done_without(bill, render_process):
    truth, analysis, highlights = bill
    os.kill(_child_pids()[0], signal.SIGKILL)

    reports = render_reports(analysis, highlights, Brand(), today=TODAY)
    assert not parallel.running()
    assert leaks(reports.anonymous, rf.sensitive_strings(truth), truth["sensitive_identifiers"]) == []
    assert truth["customer"]["name"] in pdf_text(reports.non_anonymous)
    # And from then on, in turn, here.
    assert render_reports(analysis, highlights, Brand(), today=TODAY).anonymous.startswith(b"%PDF")


def test_the_render_process_ends_with_its_worker_even_one_killed_outright(tmp_path):
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = ("import sys, time\n"
              "from tasks.render import parallel\n"
              "parallel.start()\n"
              "print(*[p.pid for p in parallel._pool._processes.values()], flush=True)\n"
              "time.sleep(60)\n")
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    try:
        child = int(worker.stdout.readline())
        assert Path(f"/proc/{child}").exists()
        worker.kill()
        worker.wait(timeout=10)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{child}").exists()
    finally:
        worker.kill()
