"""The reports of real analyse-stage output (tasks.analyse on the dev
corpus ground truths), with the project's real supplier list: they render,
stay anonymous and fit their boxes."""
from __future__ import annotations

import io
import json

import pypdf
import pytest

from tests import render_fixtures as rf
from tests.render_helpers import TODAY, blank_margins, leaks, overflows, pdf_text
from tasks.render import Brand, render_documents
from tasks.render.brands import SUPPLIERS_FILE, default_registry

analyse_stage = pytest.importorskip("tasks.analyse")

CASES = ["dev-004", "dev-005", "dev-007"]  # scanned dual, oversized power, indexed gas


def _analysed(truth_id):
    truth = json.loads((rf.CORPUS / f"{truth_id}.json").read_text(encoding="utf-8"))
    analysis = rf.analysis_from_truth(truth)
    del analysis["market"], analysis["issues"]
    analysed = analyse_stage.analyse(analysis)
    return truth, analysed, analyse_stage.highlights(analysed)


@pytest.mark.skipif(not SUPPLIERS_FILE.is_file(), reason="assets/suppliers.json not written yet")
@pytest.mark.parametrize("truth_id", CASES)
def test_analysed_bill_reports(truth_id):
    truth, analysis, highlights = _analysed(truth_id)
    reports, documents = render_documents(analysis, highlights, Brand(), registry=default_registry(), today=TODAY)
    market = analysis["market"]
    offers = list(market.get("offers") or [])
    suppliers = sorted({o["supplier"] for o in offers})
    assert leaks(reports.anonymous, rf.sensitive_strings(truth) + suppliers, truth["sensitive_identifiers"]) == []
    full = pdf_text(reports.non_anonymous)
    assert truth["customer"]["name"] in full
    if offers:
        cheapest = min(offers, key=lambda o: o["annual_cost_eur"])
        assert cheapest["supplier"] in full
    for issue in analysis["issues"]:
        assert issue["title"].split()[0] in full
    energies = 2 if truth["energy"] == "dual" else 1
    for pdf in (reports.non_anonymous, reports.anonymous):
        assert 2 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 4 * energies
        assert blank_margins(pdf) == []
    for document in documents:
        assert overflows(document) == []
