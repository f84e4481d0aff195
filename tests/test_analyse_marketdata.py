"""Dated market data: the check command on good and broken files, and the
selection of the prices in force on a given day."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tasks.analyse import marketdata
from tasks.analyse.marketdata import load_offers, load_reference, parse_band

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "assets" / "tariffs" / "reference_tariffs.json"
OFFERS = ROOT / "assets" / "tariffs" / "market_offers.json"


def run_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tasks.analyse.marketdata", "check", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference_raw() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def offers_raw() -> dict:
    return json.loads(OFFERS.read_text(encoding="utf-8"))


# -- the check command --------------------------------------------------------


def test_check_accepts_the_shipped_reference_file_and_prints_what_it_holds():
    result = run_check(REFERENCE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reference_tariffs" in result.stdout
    assert "TRVE du 2025-02-01 au 2025-07-31 (accise 33.7 €/MWh)" in result.stdout
    assert "base 3–36 kVA" in result.stdout
    assert "Prix repère gaz CRE : 34 mois, de 2023-06 à 2026-03" in result.stdout
    assert result.stdout.strip().endswith("OK: 0 error(s), 1 warning(s)")


def test_check_accepts_the_shipped_offers_file_and_prints_what_it_holds():
    result = run_check(OFFERS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "144 offres, 373 versions datées" in result.stdout
    assert "electricite hphc : 50 offres" in result.stdout
    # The swapped HP/HC grid of the sources is reported, not fatal.
    assert "alterna_electricite_locale_hphc version 2025-10-02: HP below HC" in result.stdout


def test_check_rejects_a_broken_reference_file(tmp_path, reference_raw):
    broken = copy.deepcopy(reference_raw)
    periods = broken["electricity"]["trve_tarif_bleu_residentiel"]["periods"]
    periods[3]["effective_from"] = "2025-01-15"  # overlaps the previous period
    periods[4]["base"]["cre_annual"][1]["energy_ttc_eur_per_kwh"] = 19.52  # c€ typed as €
    broken["gas"]["prix_repere_vente_gaz_naturel_cre"]["monthly"][5]["source"] = ""
    del broken["gas"]["prix_repere_vente_gaz_naturel_cre"]["monthly"][10]  # a month missing
    result = run_check(write(tmp_path, "reference.json", broken))
    assert result.returncode == 1
    out = result.stdout
    assert "ERROR: TRVE periods: overlap between 2025-01-31 and 2025-01-15" in out
    assert "ERROR: TRVE 2025-08-01 base 6 kVA base: 19.52 outside the plausible range" in out
    assert "ERROR: gas 2023-11: no source" in out
    assert "ERROR: gas months: gap after 2024-03" in out
    assert "INVALID" in out


def test_check_rejects_a_broken_offers_file(tmp_path, offers_raw):
    broken = copy.deepcopy(offers_raw)
    offer = next(o for o in broken["offers"] if o["offer_id"] == "edf_zen_fixe_base")
    offer["versions"][1]["valid_from"] = offer["versions"][0]["valid_from"]  # two versions on the same days
    offer["versions"][0]["prices"][0]["kva"] = 7
    offer["versions"][0]["prices"][1]["energy_ttc_eur_per_kwh"] = 25.16
    gas = next(o for o in broken["offers"] if o["energy"] == "gaz")
    gas["consumption_band_kwh_per_year"] = "beaucoup"
    result = run_check(write(tmp_path, "offers.json", broken))
    assert result.returncode == 1
    out = result.stdout
    assert "offer edf_zen_fixe_base: versions overlap" in out
    assert "kva 7 not a standard power" in out
    assert "25.16 outside the plausible range" in out
    assert "consumption_band_kwh_per_year 'beaucoup' unreadable" in out


def test_check_refuses_unreadable_and_unknown_files(tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{ not json", encoding="utf-8")
    assert run_check(bad_json).returncode == 2
    assert run_check(tmp_path / "missing.json").returncode == 2
    unknown = run_check(write(tmp_path, "other.json", {"hello": 1}))
    assert unknown.returncode == 1
    assert "neither a reference-tariffs file" in unknown.stdout


def test_usage_without_a_file():
    assert marketdata.main(["check"]) == 2
    assert marketdata.main(["list", str(REFERENCE)]) == 2


# -- prices in force on a day -------------------------------------------------


def test_trve_grids_by_date_option_and_power():
    ref = load_reference()
    feb_2025 = ref.trve_period(date(2025, 3, 15))
    assert (feb_2025.start, feb_2025.end) == (date(2025, 2, 1), date(2025, 7, 31))
    base6 = feb_2025.grid("base", 6)
    assert base6.subscription_ttc == 165.17 and base6.energy_ttc == {"base": 0.2016} and base6.source == "CRE"
    # 30 kVA: the CRE publishes Base only up to 15 kVA, the EDF grid gives 41,99 €/month.
    base30 = feb_2025.grid("base", 30)
    assert base30.subscription_ttc == pytest.approx(41.99 * 12) and base30.energy_ttc == {"base": 0.2016}
    hphc9 = ref.trve_period(date(2024, 6, 1)).grid("hphc", 9)
    assert hphc9.subscription_ttc == 200.33 and hphc9.energy_ttc == {"hp": 0.27, "hc": 0.2068}
    tempo = ref.trve_period(date(2025, 9, 1)).grid("tempo", 6)
    assert tempo.energy_ttc["rouge_hp"] == 0.6468 and tempo.subscription_ttc == pytest.approx(15.5 * 12)
    # 2026: the Base kWh price depends on the power.
    assert ref.trve_period(date(2026, 3, 1)).grid("base", 9).energy_ttc == {"base": 0.19266}
    # Not in the data: HP/HC before August 2023, anything before February 2023.
    assert ref.trve_period(date(2023, 3, 1)).grid("hphc", 6) is None
    assert ref.trve_period(date(2022, 12, 31)) is None


def test_taxes_by_date():
    ref = load_reference()
    assert ref.accise_on("electricite", date(2025, 7, 31)).value == pytest.approx(0.0337)
    assert ref.accise_on("electricite", date(2025, 8, 1)).value == pytest.approx(0.02998)
    assert ref.accise_on("gaz", date(2024, 6, 1)).value == pytest.approx(0.01637)
    assert ref.vat_subscription_pct(date(2025, 7, 31)) == 5.5
    assert ref.vat_subscription_pct(date(2025, 8, 1)) == 20.0
    assert ref.cta_rate_on(date(2026, 2, 1)).value == 15.0


def test_gas_prix_repere_by_month():
    ref = load_reference()
    june = ref.gas_month(date(2024, 6, 17))
    assert june.kwh_ttc == {"cuisson_eau_chaude": 0.1126, "chauffage": 0.0914}
    assert june.subscription_ttc["chauffage"] == 257.18
    assert ref.gas_month(date(2025, 4, 2)).kwh_ttc["cuisson_eau_chaude"] is None  # not published in the sources
    assert ref.gas_month(date(2023, 5, 1)) is None


def test_offer_catalogue_versions_and_bands():
    catalogue = load_offers()
    zen = next(o for o in catalogue.offers if o.offer_id == "edf_zen_fixe_base")
    assert zen.pricing == "fixe" and zen.option == "base" and len(zen.versions) == 12
    assert all(v.start is not None for v in zen.versions)
    assert parse_band("1 000-6 000") == (1000, 6000)
    assert parse_band("< 4 000") == (0, 3999.99)
    assert parse_band("≥ 4 000") == (4000, None)
    assert parse_band("> 6 000") == (6000.01, None)
    assert parse_band("n'importe quoi") is None
