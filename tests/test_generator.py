"""The synthetic bill generator: what it prints is what its ground truth says,
every family renders in every format, a seed gives the same bill, and the
planted issues (and the clean criteria) follow tests/corpus/dev/README.md."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from tests.generator import FORMATS, build, draw, families, render
from tests.generator.families import plum
from tests.generator.families.common import MONTHS

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "corpus" / "dev"


# ---------------------------------------------------------------- helpers

def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()
    return re.sub(r"(?<=\d)\.(?=\d{3}(?!\d))", " ", text)  # « 1.234 kWh » (plum) as « 1 234 kWh »


def _fr(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _dates(d: str) -> list[str]:
    day = date.fromisoformat(d)
    long_day = "1er" if day.day == 1 else str(day.day)
    return [day.strftime("%d/%m/%Y"), day.strftime("%d/%m/%y"), day.strftime("%d.%m.%Y"), day.strftime("%d-%m-%Y"),
            f"{long_day} {MONTHS[day.month - 1]} {day.year}", plum.short_date(day)]


def _prices(eur: float) -> list[str]:
    return [_fr(eur, 4), _fr(eur, 5), _fr(eur * 100, 2) + " c€", _fr(eur * 100, 3) + " c€",
            _fr(eur * 100, 2) + " cts", _fr(eur * 1000, 2) + " €/MWh"]  # ovo writes cents « cts »


def _digits(text: str) -> str:
    return re.sub(r"\s", "", text)


def _text(pdf: bytes) -> str:
    return _norm(" ".join(render.text_layer(pdf)))


def _assert_any(text: str, options: list[str], what: str) -> None:
    assert any(o in text for o in options), f"{what}: none of {options} in the text layer"


# One digital bill per family, rendered once for the module; energies, options
# and kinds rotate so that every family meets each of them across the suite's seeds.
_ENERGIES = ("dual", "electricite", "gaz")
_OPTIONS = ("hphc", "base", "tempo")
CASES = [(fam, _ENERGIES[i % 3]) for i, fam in enumerate(families.NAMES)]


@pytest.fixture(scope="module")
def digital_docs():
    docs = {}
    for i, (fam, energy) in enumerate(CASES):
        option = None if energy == "gaz" else _OPTIONS[i % 3]
        if option == "tempo" and not families.get(fam).SPEC.get("tempo"):
            option = "hphc"
        truth, files = build(1000 + i, fam, "digital", energy=energy, option=option,
                             kind="regularisation" if i % 4 == 3 else "facture")
        docs[(fam, energy)] = (truth, files[0][1])
    return docs


# ---------------------------------------------------------------- truth vs text

@pytest.mark.parametrize("fam,energy", CASES)
def test_truth_values_are_printed(digital_docs, fam, energy):
    truth, pdf = digital_docs[(fam, energy)]
    text = _text(pdf)
    low = text.lower()
    compact = _digits(text)
    assert truth["format"] == "digital" and truth["family"] == fam and truth["energy"] == energy
    assert truth["pages"] == len(render.text_layer(pdf))

    assert truth["invoice_number"] in text
    assert truth["customer"]["client_number"] in compact
    for word in truth["customer"]["name"].lower().split():
        assert word in low, word
    for part in truth["customer"]["address"].split(", "):
        assert part.lower() in low, part
    assert truth["offer_name"] in text
    if truth["offer_pricing"] == "fixe":
        assert not re.search(r"indexé|prix variable|prix repère|TRV", text)
    _assert_any(text, _dates(truth["invoice_date"]), "invoice date")
    _assert_any(text, _dates(truth["period"]["start"]), "period start")
    _assert_any(text, _dates(truth["period"]["end"]), "period end")
    assert _fr(truth["total_ttc_eur"], 2) in text
    if truth["total_ht_eur"] is not None:
        assert _fr(truth["total_ht_eur"], 2) in text
    else:
        assert not re.search(r"total (hors taxes|ht|hors tva)", low)

    lines = truth["_meta"]["lines"]
    for block, key in (("electricity", "electricite"), ("gas", "gaz")):
        e = truth[block]
        if e is None:
            continue
        point = e["pdl"] if block == "electricity" else e["pce"]
        assert point in compact.replace("/", "")  # ÉS prints a PDL as 12345/67/8901234
        assert _fr(e["consumption_kwh"], 0) in text
        subs = [line["amount_ht_eur"] for line in lines if line["kind"] == "subscription" and line["energy"] == key]
        assert subs and round(sum(subs), 2) == e["subscription_eur"]
        for amount in subs:
            assert _fr(amount, 2) in text
        # The energy's TTC share (dev corpus convention: computed from its lines) is printed by
        # the families that give a TTC per energy.
        if families.get(fam).SPEC["prints_energy_ttc"]:
            assert _fr(e["amount_ttc_eur"], 2) in text
        assert e["reading"] in ("reel", "estime")
        if e["reading"] == "estime":
            assert re.search(r"estimé|\bE\b", text, re.IGNORECASE)
        if e["unit_price_kwh_ht_eur"] is not None:
            _assert_any(text, _prices(e["unit_price_kwh_ht_eur"]), f"{block} kWh price")
        if block == "electricity":
            assert re.search(rf"\b0?{e['subscribed_power_kva']}(,0)? k(VA|W)\b", text)  # plum prints kW
            if e["tariff_option"] == "hphc":
                assert _fr(e["consumption_hp_kwh"], 0) in text and _fr(e["consumption_hc_kwh"], 0) in text
                _assert_any(text, _prices(e["unit_price_hc_kwh_ht_eur"]), "HC price")
        else:
            assert _fr(e["consumption_m3"], 0) in text
            coefficient = e["conversion_coefficient"]
            _assert_any(text, [_fr(coefficient, 3), _fr(coefficient, 2)], "coefficient")
            assert abs(e["consumption_m3"] * coefficient - e["consumption_kwh"]) <= 0.5
    # Every billed line's amount is on the bill.
    for line in lines:
        assert _fr(line["amount_ht_eur"], 2) in text, line["label"]
        assert line["label"] in text


def test_truth_has_the_dev_corpus_keys(digital_docs):
    dev = json.loads((DEV / "dev-008.json").read_text())
    for truth, _ in digital_docs.values():
        assert set(truth) == set(dev)
        assert set(truth["period"]) == set(dev["period"]) and set(truth["customer"]) == set(dev["customer"])
        for block in ("electricity", "gas"):
            if truth[block] is not None:
                assert set(truth[block]) == set(dev[block]), block
        assert truth["files"] == [f"{truth['id']}.pdf"]
        assert set(truth["sensitive_identifiers"]) <= set(truth["sensitive_strings"])
        assert truth["customer"]["client_number"] == _digits(truth["customer"]["client_number"])
        if truth["electricity"]:
            assert re.fullmatch(r"[0-9]{14}", truth["electricity"]["pdl"])
        if truth["gas"]:
            assert re.fullmatch(r"[0-9]{14}|GI[0-9]{6}", truth["gas"]["pce"])
        assert not re.match(r"(M\.|Mme|Monsieur|Madame) ", truth["customer"]["name"])


def test_sensitive_strings_cover_what_identifies_the_customer(digital_docs):
    for truth, pdf in digital_docs.values():
        text = _text(pdf).lower()
        sens = [s.lower() for s in truth["sensitive_strings"]]
        assert truth["customer"]["name"].lower() in sens
        assert truth["invoice_number"].lower() in sens
        assert truth["supplier"].lower() in sens
        # Each identifier in the list is printed in one of its spellings.
        digits = _digits(text).replace("/", "")
        printed = [s for s in truth["sensitive_identifiers"] if s.lower() in text or _digits(s) in digits]
        assert len(printed) == len(truth["sensitive_identifiers"])


# ---------------------------------------------------------------- formats

@pytest.mark.parametrize("fam", families.NAMES)
def test_every_family_renders_scanned(fam):
    truth, files = build(2000, fam, "scan", dpi=150)
    (name, pdf), = files
    assert name == f"{truth['id']}.pdf" and truth["files"] == [name] and truth["format"] == "scan"
    assert "".join(render.text_layer(pdf)).strip() == ""  # image only
    assert render.page_count(pdf) == truth["pages"]
    meta = truth["_meta"]
    assert 150 <= meta["dpi"] <= 300 and 35 <= meta["jpeg_quality"] <= 75
    assert len(meta["page_rotations"]) == truth["pages"]
    assert all(abs(s) <= 2 for s in meta["skew_deg"])


@pytest.mark.parametrize("fam", families.NAMES)
def test_every_family_renders_as_photos(fam):
    truth, files = build(3000, fam, "photo", dpi=150)
    assert [n for n, _ in files] == truth["files"] and len(files) == truth["pages"]
    rotations = truth["_meta"]["page_rotations"]
    wide = truth["_meta"].get("landscape_pages", [False] * len(files))
    for (name, data), turn, landscape in zip(files, rotations, wide):
        img = Image.open(io.BytesIO(data))
        assert img.format == ("PNG" if name.endswith(".png") else "JPEG")
        w, h = img.size
        # A4 portrait: a picture taken sideways is landscape (and the other way round for a landscape page).
        assert (w > h) == ((turn in (90, 270)) != landscape)
        assert min(w, h) >= 1000


def test_landscape_pages_are_drawn_and_scanned_both_ways():
    # geg prints most bills on A4 landscape: the pages are wider than tall, and a scanner fed the
    # sheet upright turns about half of them a quarter (a portrait image, recorded as a rotation).
    wide_seen, portrait_scans, wide_scans = 0, 0, 0
    for seed in range(40, 52):
        truth, files = build(seed, "geg", "scan", dpi=150)
        wide = truth["_meta"].get("landscape_pages")
        if not wide:
            continue
        wide_seen += 1
        for turn, landscape in zip(truth["_meta"]["page_rotations"], wide):
            assert landscape
            if turn in (90, 270):
                portrait_scans += 1
            else:
                wide_scans += 1
        pdf_pages = render.rasterise(files[0][1], 20)
        for img, turn in zip(pdf_pages, truth["_meta"]["page_rotations"]):
            assert (img.width > img.height) == (turn not in (90, 270))
    assert wide_seen >= 4 and portrait_scans and wide_scans


def test_scan_and_photo_rotations_happen_over_a_corpus():
    # Over a few seeds, some pages are turned (else OCR orientation is never exercised).
    import random

    from tests.generator import degrade
    pages = [Image.new("L", (100, 141), 255)] * 3
    turned = 0
    for seed in range(12):
        _, meta = degrade.scan(pages, random.Random(seed), dpi=150, grey=True)
        turned += sum(1 for r in meta["page_rotations"] if r)
    assert turned > 0


def test_deterministic_for_a_seed():
    for fmt in FORMATS:
        a_truth, a_files = build(42, "mint", fmt, dpi=150)
        b_truth, b_files = build(42, "mint", fmt, dpi=150)
        assert a_truth == b_truth
        assert a_files == b_files
    c_truth, _ = build(43, "mint", "digital")
    assert c_truth["invoice_number"] != a_truth["invoice_number"]


def test_cli_writes_documents_and_truths(tmp_path):
    out = tmp_path / "corpus"
    proc = subprocess.run([sys.executable, "-m", "tests.generator", "--out", str(out), "--count", "2", "--seed", "5",
                           "--formats", "digital", "--families", "ohm,ilek"], check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    truths = sorted(out.glob("*.json"))
    assert len(truths) == 2
    for path in truths:
        truth = json.loads(path.read_text())
        assert truth["family"] in ("ohm", "ilek")
        for name in truth["files"]:
            assert (out / name).is_file()
    bad = subprocess.run([sys.executable, "-m", "tests.generator", "--out", str(out), "--families", "edf"],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0


# ---------------------------------------------------------------- planted issues and clean criteria

def _reference_elec(bill, option, kva):
    """TRVE HT prices of the movements overlapping the period, read straight from the data file."""
    from tests.generator.data import tariffs
    out = []
    for w in tariffs()["electricity"]["windows"]:
        if w["from"] <= bill.end.isoformat() and (w["to"] is None or bill.start.isoformat() <= w["to"]):
            out.append(w[option][str(kva)])
    return out


def _bills(n=320):
    names = families.NAMES
    return [draw(7000 + i, names[i % len(names)]) for i in range(n)]


@pytest.fixture(scope="module")
def many_bills():
    return _bills()


def test_every_issue_code_is_planted_and_some_bills_are_clean(many_bills):
    planted = {code for b in many_bills for code in b.planted}
    assert planted == {"PRICE_ABOVE_REFERENCE", "POWER_OVERSIZED", "HPHC_UNPROFITABLE", "ESTIMATED_READING",
                       "PAID_SERVICES", "LATE_FEES", "INDEXED_OFFER", "TOTALS_MISMATCH"}
    clean = [b for b in many_bills if not b.planted]
    assert 0.25 < len(clean) / len(many_bills) < 0.6
    assert {b.energy for b in many_bills} == {"electricite", "gaz", "dual"}
    assert {b.kind for b in many_bills} == {"facture", "regularisation"}
    assert {e.option for b in many_bills for e in b.energies if e.energy == "electricite"} == {"base", "hphc", "tempo"}


def test_hphc_share(many_bills):
    for b in many_bills:
        e = b.energy_block("electricite")
        if not e or e.option != "hphc":
            continue
        share = e.registers["hc"] / (e.registers["hp"] + e.registers["hc"])
        if "HPHC_UNPROFITABLE" in b.planted:
            assert share <= 0.15
        else:
            assert share >= 0.38


def test_power_oversized(many_bills):
    for b in many_bills:
        e = b.energy_block("electricite")
        if not e:
            continue
        if "POWER_OVERSIZED" in b.planted:
            assert 12 <= e.kva <= 36 and e.annual_kwh < 2500 and e.annual_kwh / e.kva < 200
            assert e.max_power_kva < e.kva / 2
        elif e.kva >= 9:
            assert e.annual_kwh / e.kva >= 450
            assert e.consumption_kwh * 365 / b.days / e.kva >= 450


def test_price_above_reference_and_clean_prices(many_bills):
    for b in many_bills:
        e = b.energy_block("electricite")
        if e and e.option in ("base", "hphc"):
            refs = _reference_elec(b, e.option, e.kva)
            head = "base" if e.option == "base" else "hp"
            ref_key = "price_ht" if e.option == "base" else "hp_ht"
            if "PRICE_ABOVE_REFERENCE" in b.planted and e.meta["price_vs_reference_ht"] > 1:
                assert all(e.prices[head] >= 1.25 * r[ref_key] for r in refs)
                assert e.meta["annual_cost_gap_pct"] >= 15
            elif "PRICE_ABOVE_REFERENCE" not in b.planted:
                assert all(e.prices[head] < r[ref_key] for r in refs)
                assert all(e.sub_monthly * 12 < r["sub_ht"] for r in refs)
                assert e.meta["annual_cost_gap_pct"] <= -3
        g = b.energy_block("gaz")
        if g:
            if "PRICE_ABOVE_REFERENCE" in b.planted and g.meta["price_vs_reference_ht"] > 1:
                assert g.meta["price_vs_reference_ht"] >= 1.25 and g.meta["annual_cost_gap_pct"] >= 15
            elif "PRICE_ABOVE_REFERENCE" not in b.planted:
                assert g.meta["price_vs_reference_ht"] < 1 and g.meta["annual_cost_gap_pct"] <= -3
        if "PRICE_ABOVE_REFERENCE" in b.planted:
            assert any(x.meta["price_vs_reference_ht"] >= 1.25 for x in b.energies)


def test_reading_services_fees_offer(many_bills):
    for b in many_bills:
        ends = {e.energy: e.readings[-1].end_nature for e in b.energies}
        assert ("estime" in ends.values()) == ("ESTIMATED_READING" in b.planted)
        assert all(e.reading == e.readings[-1].end_nature for e in b.energies)
        services = [line for line in b.extra_lines if line.kind == "service" and line.amount > 0]
        assert bool(services) == ("PAID_SERVICES" in b.planted)
        fees = [line for line in b.extra_lines if line.kind == "fee" and line.amount > 0]
        assert bool(fees) == ("LATE_FEES" in b.planted)
        indexed = re.search(r"index|variable|TRV|prix repère", b.offer_mention + " " + b.offer_name, re.IGNORECASE)
        assert (b.offer_pricing == "indexe") == ("INDEXED_OFFER" in b.planted) == bool(indexed)


def test_totals_and_taxes(many_bills):
    from tests.generator.data import tariffs
    t = tariffs()
    for b in many_bills:
        assert round(sum(line.amount for line in b.lines), 2) == b.total_ht
        for v in b.vat_breakdown:
            base = round(sum(line.amount for line in b.lines if line.vat == v["rate_percent"]), 2)
            assert v["base_ht_eur"] == base and abs(v["vat_eur"] - base * v["rate_percent"] / 100) <= 0.005 + 1e-9
        computed = round(b.total_ht + b.total_vat, 2)
        if "TOTALS_MISMATCH" in b.planted:
            assert abs(b.printed_ttc - computed) >= 1
        else:
            assert b.printed_ttc == computed
        assert abs(b.amount_due - (b.printed_ttc - b.already_paid + b.previous_balance)) < 0.005
        if b.kind == "regularisation":
            assert b.already_paid > 0 and b.days >= 360
        for line in b.lines:
            if line.quantity is not None and line.unit_price is not None:
                assert abs(line.quantity * line.unit_price - line.amount) <= 0.005 + 1e-9, line
            if line.kind in ("subscription", "cta"):
                assert line.vat == (20.0 if line.start >= date(2025, 8, 1) else 5.5)
                assert line.end < date(2025, 8, 1) or line.start >= date(2025, 8, 1)
            elif line.kind in ("consumption", "consumption_hp", "consumption_hc", "consumption_tempo", "accise",
                               "service"):
                assert line.vat == 20.0
            if line.kind == "accise":
                table = t["electricity" if line.energy == "electricite" else "gas"]["accise"]
                rate = next(r["eur_per_kwh"] for r in table
                            if r["from"] <= line.start.isoformat() and (r["to"] is None or line.end.isoformat() <= r["to"]))
                assert line.unit_price == rate
        for e in b.energies:
            assert sum(r.delta for r in e.readings) == (e.m3 if e.energy == "gaz" else e.consumption_kwh)
            assert sum(e.registers.values()) == e.consumption_kwh
            if e.energy == "gaz":
                assert abs(e.m3 * e.coefficient - e.consumption_kwh) <= 0.5
                assert 9.5 <= e.coefficient <= 12
            assert sum(line.quantity for line in e.lines if line.kind == "accise") == e.consumption_kwh
