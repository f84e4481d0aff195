"""Towns read by OCR checked against the communes their postcode serves
(tasks/extract/places.py, assets/geo/postcodes.tsv)."""
import re

from tasks.extract.customer import extract_customer
from tasks.extract.layout import build_document
from tasks.extract.places import _TABLE, checked_town, postcode_with_unread_digit
from tests.extract_support import words_page


def test_the_table_holds_one_postcode_and_commune_per_line():
    rows = _TABLE.read_text(encoding="utf-8").splitlines()
    assert len(rows) > 30_000
    for row in rows:
        postcode, name, label = row.split("\t")
        assert re.fullmatch(r"\d[\dAB]\d{3}", postcode) and name.strip() == name and name


def test_a_town_is_spelled_as_its_commune_is():
    assert checked_town("42000", "Saint-Etienne") == ("42000", "Saint-Étienne")
    assert checked_town("30000", "NIMES") == ("30000", "Nîmes")
    assert checked_town("75011", "Paris") == ("75011", "Paris")  # La Poste's name for an arrondissement
    # Its hyphens as the commune spells them.
    assert checked_town("42000", "Saint Etienne") == ("42000", "Saint-Étienne")
    assert checked_town("01000", "Bourg- en- Bresse") == ("01000", "Bourg-en-Bresse")


def test_a_postcode_one_digit_off_is_the_one_serving_the_town():
    assert checked_town("21001", "Dijon") == ("21000", "Dijon")
    assert checked_town("31001", "Toulouse") == ("31000", "Toulouse")
    # Five postcodes serve Toulouse a digit away from 31600, which does not
    # serve it: no telling which, and 31600 is wrong.
    assert checked_town("31600", "Toulouse") is None
    assert checked_town("44600", "Nantes") is None
    # A postcode the table does not know (a CEDEX's): as read.
    assert checked_town("75381", "Paris Cedex 08") == ("75381", "Paris Cedex 08")
    assert checked_town("31000", "Toulouse Cedex 6") == ("31000", "Toulouse Cedex 6")
    # A town OCR garbled is the one commune of its postcode it can be; none: misread.
    assert checked_town("14000", "Csen") == ("14000", "Caen")
    assert checked_town("80000", "Aniens") == ("80000", "Amiens")
    assert checked_town("86000", "Paoüers") is None
    assert checked_town("31000", "Nulle-Part") is None
    assert checked_town("99999", "Nulle-Part") == ("99999", "Nulle-Part")


def test_a_postcode_with_a_character_read_as_no_digit_is_the_one_serving_the_town():
    assert postcode_with_unread_digit("8/000", "Limoges") == "87000"
    assert postcode_with_unread_digit("21O00", "Dijon") == "21000"
    assert postcode_with_unread_digit("8/000", "Nulle-Part") is None
    assert postcode_with_unread_digit("750/1", "Paris") is None  # 75001, 75011… all serve Paris
    assert postcode_with_unread_digit("87000", "Limoges") is None  # nothing to put right
    assert postcode_with_unread_digit("8//00", "Limoges") is None
    rows = [[(330, "Madame Chloé Laurent")], [(330, "6 bis route du Maréchal Foch")], [(330, "8/000 Limoges")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert (found["name"].value, found["address"].value) == \
        ("Chloé Laurent", "6 bis route du Maréchal Foch, 87000 Limoges")


def test_a_postcode_ocr_cut_in_two_is_joined_when_it_serves_the_town():
    """`8 4000 Avignon` on a photo; `8 4000 Lyon` serves no such town (the
    block has no postcode line, so no address)."""
    rows = [[(387, "M. Loïc André")], [(387, "5 impasse du Stade")], [(387, "8 4000 Avignon")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert (found["name"].value, found["address"].value) == ("Loïc André", "5 impasse du Stade, 84000 Avignon")
    rows[2] = [(387, "8 4000 Lyon")]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["address"] is None
    rows[2] = [(387, "8 4000 Avignon")]
    assert extract_customer(build_document([words_page(rows)]))["address"] is None


def test_a_postcode_split_by_a_speck_is_joined_when_it_serves_the_town():
    """`37.000 TOURS` on a scan (a speck between its digits); `37.000 LYON`
    serves no such town."""
    rows = [[(387, "MADAME CAMILLE DAVID")], [(387, "151 QUAI DES TILLEULS")], [(387, "37.000 TOURS")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert found["address"].value == "151 quai des Tilleuls, 37000 Tours"
    rows[2] = [(387, "37.000 LYON")]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["address"] is None


def test_a_service_lines_client_caption_names_no_customer():
    """`Service client : 09 74 39 25 18 …` under a legend ending `…
    régularisé lors du prochain relevé.`: no customer's name caption."""
    rows = [[(44, "« Estimé » = index calculé à partir de votre historique,")],
            [(44, "régularisé lors du prochain relevé.")],
            [(43, "Service client : 09 74 39 25 18 (appel non surtaxé) - Médiateur national de l'énergie")]]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["name"] is None
    rows[2] = [(43, "Client : Loïc André")]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["name"].value == "Loïc André"


def test_an_ocr_address_block_is_checked_a_text_layer_is_as_printed():
    rows = [[(330, "M. Rémi Petit")], [(330, "12 rue des Lilas")], [(330, "30001 NIMES")]]
    ocr = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert ocr["address"].value == "12 rue des Lilas, 30000 Nîmes"
    text = extract_customer(build_document([words_page(rows)]))
    assert text["address"].value == "12 rue des Lilas, 30001 Nimes"
    rows[2] = [(330, "31000 Nulle-Part")]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["address"] is None
    rows[2] = [(330, "14000 Csen")]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["address"].value == \
        "12 rue des Lilas, 14000 Caen"
    # In capitals, accents put back before the line is re-cased.
    rows = [[(330, "M. GREGOIRE DA SILVA")], [(330, "33 TER RUE SAINT-ELOI")], [(330, "42000 SAINT-ETIENNE")]]
    ocr = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert ocr["address"].value == "33 ter rue Saint-Éloi, 42000 Saint-Étienne"


def test_a_town_whose_word_ocr_cut_in_two_is_the_commune_and_a_postcode_glued_to_a_speck_is_read():
    """`69119 Sainte-Foy-l ès-Lyon`: a space OCR put inside the town's word
    hid the commune, so the postcode a digit off went unchecked; `84000:
    Avignon`: a speck glued after the postcode."""
    assert checked_town("69119", "Sainte-Foy-l ès-Lyon") == ("69110", "Sainte-Foy-lès-Lyon")
    assert checked_town("69110", "SainteFoy-lès-Lyon") == ("69110", "Sainte-Foy-lès-Lyon")
    rows = [[(325, "Madame Sandrine Clément")], [(325, "102 avenue Émile Zola")], [(325, "84000: Avignon")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert found["address"].value == "102 avenue Émile Zola, 84000 Avignon"
    rows[2] = [(325, "84000: Lyon")]
    assert extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))["address"] is None
