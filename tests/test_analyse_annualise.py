"""Billed days and yearly consumption."""
from __future__ import annotations

from datetime import date

import pytest

from tasks.analyse.annualise import annualise, billed_period, profile_share
from tasks.analyse.rules import profiles


def test_billed_days_follow_the_bill_conventions():
    # Calendar billing: both ends count (01/06 → 31/08 = 30 + 31 + 31).
    assert billed_period("2024-06-01", "2024-08-31").days == 92
    assert billed_period("2024-02-01", "2025-01-31").days == 366
    # Index to index: the new index opens the next period.
    assert billed_period("2025-11-20", "2025-12-18").days == 28
    assert billed_period("2024-11-01", "2025-01-01").days == 61
    assert billed_period("2024-02-02", "2025-01-31").days == 364
    # A printed day count wins when it is one of the two readings.
    assert billed_period("2025-11-20", "2025-12-18", 29).days == 29
    assert billed_period("2025-11-20", "2025-12-18", 45).days == 28
    assert billed_period("2025-11-20", None) is None
    assert billed_period("2025-12-18", "2025-11-20") is None
    period = billed_period("2025-11-20", "2025-12-18")
    assert period.end == date(2025, 12, 17)


def test_profiles_sum_to_one_and_are_sourced():
    for name, profile in profiles()["profiles"].items():
        if "monthly_share" in profile:
            assert sum(profile["monthly_share"].values()) == pytest.approx(1.0, abs=1e-3), name
        assert profile["sources"] and profile["derivation"]
    assert profile_share("plat", billed_period("2024-01-01", "2024-12-31")) == pytest.approx(366 / 365.25)
    heating = profiles()["profiles"]["gaz_chauffage"]["monthly_share"]
    assert heating["01"] > heating["04"] > heating["07"]


def test_printed_yearly_reference_wins():
    period = billed_period("2024-06-01", "2024-08-31")
    result = annualise("electricite", 1159, period, annual_reference_kwh=4647)
    assert (result.kwh, result.method, result.reliable) == (4647, "car", True)
    assert not result.warnings


def test_printed_reference_far_from_the_billed_use_is_kept_but_flagged():
    period = billed_period("2024-06-01", "2024-08-31")
    result = annualise("electricite", 1159, period, annual_reference_kwh=46470)  # a digit too many?
    assert result.kwh == 46470
    assert "très éloignée" in result.warnings[0]


def test_a_year_is_prorated_plainly():
    period = billed_period("2024-02-01", "2025-01-31")  # 366 days
    result = annualise("electricite", 6680, period)
    assert result.method == "periode_annuelle"
    assert result.kwh == pytest.approx(6680 * 365 / 366)


def test_electricity_follows_the_households_profile_and_short_periods_are_flagged():
    period = billed_period("2024-05-01", "2024-07-31")  # 92 days
    result = annualise("electricite", 2100, period)
    # May, June and July hold 7,34 %, 6,07 % and 6,05 % of a household's
    # electricity: 2 100 kWh / 19,46 % = 10 791 kWh a year (an even spread
    # would say 8 337).
    assert result.period_share == pytest.approx(0.0734 + 0.0607 + 0.0605, abs=1e-4)
    assert result.kwh == pytest.approx(2100 / (0.0734 + 0.0607 + 0.0605), rel=1e-3)
    assert (result.method, result.profile, result.reliable) == ("profil", "electricite_residentielle", True)
    winter = annualise("electricite", 2100, billed_period("2024-12-01", "2025-02-28"))
    assert winter.kwh == pytest.approx(2100 / (0.1102 + 0.1135 + 0.1005), rel=2e-3)  # winter weighs more
    summer = annualise("electricite", 1428, billed_period("2024-06-01", "2024-07-31"))  # 12 % of a year
    assert summer.reliable is False and "ne représente qu'environ 12" in summer.warnings[0]
    short = annualise("electricite", 1074, billed_period("2024-04-21", "2024-05-20"))  # 29 days
    assert short.reliable is False
    assert "ne couvre que 29 jours" in short.warnings[0] and "peu fiable" in short.warnings[0]


def test_gas_heating_follows_the_seasonal_profile():
    # February holds 14,08 % of a heated home's gas: 1 600 kWh → 11 364 kWh a year.
    february = billed_period("2025-02-01", "2025-02-28")
    assert profile_share("gaz_chauffage", february) == pytest.approx(0.1408, abs=1e-4)
    result = annualise("gaz", 1600, february, gas_band="T2")
    assert result.kwh == pytest.approx(1600 / 0.1408, rel=1e-3)
    # The same kWh in summer mean a much bigger year, and the estimate is flagged.
    summer = annualise("gaz", 1167, billed_period("2024-06-01", "2024-08-31"), gas_band="T2")
    assert summer.kwh == pytest.approx(1167 / (0.0234 + 0.0181 + 0.0179), rel=1e-3)
    assert summer.reliable is False and "peu fiable" in summer.warnings[0]
    # Cooking and hot water only (T1): even spread.
    cooking = annualise("gaz", 300, february, gas_band="T1")
    assert cooking.profile == "plat" and cooking.kwh == pytest.approx(300 * 365.25 / 28, rel=1e-3)


def test_gas_without_printed_option_uses_the_t1_t2_limit():
    february = billed_period("2025-02-01", "2025-02-28")
    assert annualise("gaz", 1600, february).profile == "gaz_chauffage"  # 11 364 kWh ≥ 6 000
    assert annualise("gaz", 250, february).profile == "plat"  # 1 776 kWh: not a heated home


def test_unknown_inputs_give_no_figure_and_say_why():
    no_period = annualise("gaz", 1600, None)
    assert no_period.kwh is None and no_period.method is None
    assert "dates de la période facturée" in no_period.warnings[0]
    no_kwh = annualise("electricite", None, billed_period("2025-02-01", "2025-02-28"))
    assert no_kwh.kwh is None and "consommation facturée" in no_kwh.warnings[0]
