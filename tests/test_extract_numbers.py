"""French numbers, amounts, unit prices and dates as bills print them."""
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tasks.extract.numbers import (
    find_date_ranges, find_dates, find_numbers, find_percents, fold, parse_amount, parse_date, parse_unit_price,
    repair_ocr_digits,
)
from tasks.extract.readers import read_amount, read_kwh, read_m3


@pytest.mark.parametrize("text, value", [
    ("1 479,85 €", 1479.85), ("1\u00a0479,85 €", 1479.85), ("1\u202f479,85", 1479.85), ("0,1905", 0.1905),
    ("-12,00 €", -12.0), ("2 316", 2316.0), ("1.234,56", 1234.56), ("0.165", 0.165),
])
def test_french_numbers(text, value):
    nums = find_numbers(text)
    assert len(nums) == 1 and nums[0].value == pytest.approx(value)


def test_numbers_in_separate_cells_do_not_merge():
    # Cells are joined by three spaces: a thousands group never spans two cells.
    values = [n.value for n in find_numbers("3 mois   11,84   35,52 €")]
    assert values == [3, 11.84, 35.52]


def test_amounts_credits_and_units():
    assert parse_amount("12,00 € en votre faveur") == -12.0
    assert read_amount("TVA 5,5 %") is None  # a rate is not an amount
    assert read_amount("6 680 kWh") is None
    assert read_amount("1 609,66 € TTC")[0] == 1609.66
    assert read_amount("Prélevé le 20/01/2025 : 2 133,59 €")[0] == 2133.59  # the date is not the amount


def test_unit_prices_in_cents_and_euros():
    assert parse_unit_price("10,470 c€/kWh") == pytest.approx(0.1047)
    assert parse_unit_price("0,1905 €/kWh") == pytest.approx(0.1905)
    assert find_percents("TVA 5,5 % et 20%") == [(5.5, 4, 9), (20.0, 13, 16)]
    # On a scan, a speck between a rate and its sign (`TVA 20.%`) or the sign read `Yo`.
    assert [r for r, _, _ in find_percents("(TVA 20.%) (TVA 5,5 Yo)", ocr=True)] == [20.0, 5.5]
    assert find_percents("(TVA 20.%) (TVA 5,5 Yo)") == []


@pytest.mark.parametrize("text, value", [
    ("17/04/2024", date(2024, 4, 17)), ("17/04/24", date(2024, 4, 17)), ("1er févr. 2024", date(2024, 2, 1)),
    ("17 août 2023", date(2023, 8, 17)), ("17 aout 2023", date(2023, 8, 17)), ("31 janv. 2025", date(2025, 1, 31)),
    ("le 6 janvier 2025", date(2025, 1, 6)), ("06.09.2024", date(2024, 9, 6)),
])
def test_french_dates(text, value):
    assert parse_date(text) == value


def test_written_dates_with_a_two_digit_year():
    assert parse_date("Facture du 01 janv. 26") == date(2026, 1, 1)
    assert parse_date("Échéance 15 sept. 25") == date(2025, 9, 15)
    ranges = find_date_ranges("du 04 nov. 25 au 24 déc. 25 (51 jours)")
    assert [(a, b) for a, b, _, _ in ranges] == [(date(2025, 11, 4), date(2025, 12, 24))]
    # Two digits after a month that are an amount, a quantity or a time are no year.
    assert find_dates("le 15 mars 24,50 €") == []
    assert find_dates("1er mars 12 kWh") == []
    assert find_dates("5 mai 24 h") == []


def test_impossible_dates_are_not_dates():
    assert find_dates("31/02/2024 et 45/01/2024") == []


def test_date_ranges():
    ranges = find_date_ranges("Période du 01/06/2024 au 31/08/2024 ; 25/03/2023 - 25/04/2023")
    assert [(a, b) for a, b, _, _ in ranges] == [(date(2024, 6, 1), date(2024, 8, 31)),
                                                (date(2023, 3, 25), date(2023, 4, 25))]


def test_date_ranges_with_an_arrow():
    # `01/02/2024 → 29/02/2024` in any arrow glyph, or spelt out by OCR.
    for arrow in ("→", "➜", "⟶", "->", "—>", "=>"):
        ranges = find_date_ranges(f"Période facturée : 01/02/2024 {arrow} 29/02/2024 (29 jours)")
        assert [(a, b) for a, b, _, _ in ranges] == [(date(2024, 2, 1), date(2024, 2, 29))], arrow
    # On a scan, Tesseract reads the arrow as `+` (or `»`): a range there only.
    for arrow in ("+", "»"):
        text = f"Période facturée : 01/08/2024 {arrow} 31/08/2024 (31 jours)"
        assert [r[:2] for r in find_date_ranges(text, ocr=True)] == [(date(2024, 8, 1), date(2024, 8, 31))], arrow
        assert find_date_ranges(text) == []


def test_ocr_misreads_inside_numbers_are_repaired():
    assert repair_ocr_digits("1 O5O,2l €") == "1 050,21 €"
    assert find_numbers("l2,34", ocr=True)[0].value == 12.34
    assert parse_date("ler janv. 2O24", ocr=True) == date(2024, 1, 1)
    # Words are left alone: only letters between or after digits change.
    assert repair_ocr_digits("Total TTC") == "Total TTC"


def test_quantities_with_units():
    assert read_kwh("Consommation : 1 159 kWh")[0] == 1159
    assert read_m3("Volume 866 m³ – coefficient 10,894")[0] == 866
    # `2 7366 KWh` on a scan for 2 766: no group of thousands has four digits, the reading is unknown.
    assert read_kwh("Consommation totale facturée : 2 7366 KWh", ocr=True) is None
    assert read_kwh("Consommation totale facturée : 2 766 KWh", ocr=True)[0] == 2766
    assert read_kwh("Relevé du 12/05 : 7366 KWh", ocr=True)[0] == 7366


def test_fold_keeps_positions():
    text = "Référence client : 6 866 949 837"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("reference client")


def test_a_number_mixing_grouping_spaces_and_dots_is_no_number():
    """`0 800.112 212` (a phone number on a scan) crashed the extraction."""
    assert [n.value for n in find_numbers("Service client 0 800.112 212", ocr=True)] == []
    assert [n.value for n in find_numbers("1 234.56 € et 0.165 €/kWh")] == [0.165]


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"-?[0-9Ol]{1,3}([ .,;\u00a0][0-9]{2,3}){0,4}([,.][0-9]{1,4})? ?(€|%|kWh)?", fullmatch=True),
       st.booleans())
@example("0 800.112 212", True)  # a phone number on a scan, that crashed the extraction
def test_number_readers_never_raise_on_digits_and_separators(text, ocr):
    """Whatever OCR makes of a number, reading it returns numbers or none."""
    for number in find_numbers(text, ocr=ocr):
        assert number.value == number.value  # a float, not NaN
    find_percents(text)
    parse_amount(text)
    parse_unit_price(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("du 17 juin au 16 juillet 2024", (date(2024, 6, 17), date(2024, 7, 16))),
    ("du 1er décembre au 31 janvier 2025", (date(2024, 12, 1), date(2025, 1, 31))),
    ("Pour la période du 17 juin 2024 au 16 juin", (date(2024, 6, 17), date(2025, 6, 16))),  # end's year cut off
    ("du 12 novembre 2024 au 11 décembre", (date(2024, 11, 12), date(2024, 12, 11))),
    ("du ler juin 2024 au 30 juin", (date(2024, 6, 1), date(2024, 6, 30))),  # the 1 of « 1er » read as an l
    ("du 17 juin au 16 juillet", None),  # no year anywhere: unknown
])
def test_a_written_range_takes_the_year_printed_on_one_side_for_the_other(text, expected):
    ranges = find_date_ranges(text, ocr=True)
    assert (ranges[0][:2] if ranges else None) == expected


def test_a_speck_glued_to_a_ranges_first_date_on_a_scan_still_makes_a_range():
    """`du 30/12/2024.au 18/02/2025` (a scan): the speck before « au » is no
    text between the dates; in a text layer the dot stays punctuation."""
    text = "Période de facturation : du 30/12/2024.au 18/02/2025 (51 jours)"
    assert [r[:2] for r in find_date_ranges(text, ocr=True)] == [(date(2024, 12, 30), date(2025, 2, 18))]
    assert find_date_ranges(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Consommation de la période :.7 666 kWh", [7666]),  # a speck after the colon (seed 16180, gen-0004)
    ("Total : .12,50 €", [12.5]),
    ("à 10:30", [10, 30]),  # no speck: untouched
])
def test_a_speck_glued_before_a_number_after_a_colon_goes(text, expected):
    assert [n.value for n in find_numbers(text, ocr=True)] == expected


def test_a_percent_sign_read_in_a_dates_month_is_no_rate_and_a_space_after_an_amounts_comma_goes():
    """`au 30/0%/2024 … TVA 20%`: OCR read the month's 9 as a percent sign;
    the line's rate is its 20 %. `Total TTC 264, 76 €` is 264,76 € on a scan."""
    assert [rate for rate, *_ in find_percents("du 01/08/2024 au 30/0%/2024 1080 kWh TVA 20%", ocr=True)] == [20.0]
    assert [rate for rate, *_ in find_percents("TVA 5,5 %/20 %")] == [5.5, 20.0]
    assert [n.value for n in find_numbers("Total TTC 264, 76 €", ocr=True)] == [264.76]
    assert [n.value for n in find_numbers("12, 50 et 3", ocr=True)] == [12, 50, 3]
    # A speck read beside the comma as a point: `0.,09860`.
    assert [n.value for n in find_numbers("2473 kWh   0.,09860   243,84 €", ocr=True)] == [2473, 0.0986, 243.84]
    assert 0.0986 not in [n.value for n in find_numbers("0.,09860")]  # a text layer is as printed
