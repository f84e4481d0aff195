"""Identifiers tied to their labels, the customer block and the supplier."""
import json
from dataclasses import replace

import pytest

from tasks.extract.customer import extract_customer, format_address_line, format_city_line, format_name
from tasks.extract.identifiers import (
    collect_exclusions, extract_client_number, extract_invoice_number, extract_pce, extract_pdl,
)
from tasks.extract.layout import build_document
from tasks.extract.supplier import SUPPLIERS_PATH, detect_supplier, load_suppliers
from tasks.model import Page, Word
from tests.extract_support import boxes_page, ocr_words_page, words_page


def doc(rows, **kw):
    return build_document([words_page(rows, **kw)])


def test_a_value_joined_with_a_speck_over_it_keeps_its_own_confidence():
    """A PDL over its caption, a speck read as `»e` over the PDL: the two
    lines come joined, and the PDL's sure digits, not the speck, say how
    sure the reading is."""
    rows = [[(48, "»e")], [(48, "92071066059433"), (200, "9 kVA"), (300, "Base")],
            [(48, "POINT DE LIVRAISON"), (200, "PUISSANCE SOUSCRITE"), (300, "OPTION TARIFAIRE")]]
    page = words_page(rows, source="ocr", conf=0.95, line_gap=11)
    page.words = [replace(w, conf=0.34) if w.text == "»e" else w for w in page.words]
    d = build_document([page])
    found = extract_pdl(d, collect_exclusions(d))
    assert found.value == "92071066059433" and found.conf >= 0.6


def test_a_speck_read_as_two_letters_after_a_caption_does_not_stop_the_search_for_its_value():
    """`NUMÉRO DE FACTURE ES` under `FA-2025-7366738` in a row of captions
    under their values: on a scan, two letters glued after the caption are
    a speck, not the caption's own text; on a text layer they are text."""
    rows = [[(48, "FA-2025-7366738"), (200, "11/02/2025"), (330, "568,07 €")],
            [(48, "NUMÉRO DE FACTURE ES"), (200, "DATE D'ÉMISSION"), (330, "MONTANT TTC")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "FA-2025-7366738"
    assert extract_invoice_number(doc(rows)) is None


def test_a_previous_bill_whose_context_word_ocr_misread_is_not_this_bill():
    """`Votre nrécédente facture n° …` on a scan (the p of « précédente »
    read as n): the caption is still another bill's, its number no rival."""
    rows = [[(300, "Votre facture n°"), (400, "FA24943068547")],
            [(48, "Votre nrécédente facture n° FA24943068938 du 13/06/2024 s'élevait à 133,72 €")]]
    found = extract_invoice_number(doc(rows, source="ocr", conf=0.9))
    assert found.value == "FA24943068547" and found.conf >= 0.6


def test_pdl_is_the_labelled_number_not_siret_meter_or_iban():
    d = doc([
        [(40, "Compteur communicant n° 03227523482507")],
        [(40, "Point de livraison (PDL) : 2442 4190 3581 74")],
        [(40, "IBAN FR76 3000 4936 7289 0544 5645 235")],
        [(40, "Énergie Verte SAS – RCS Lyon 512 345 678 – SIRET 51234567800019")],
    ])
    assert extract_pdl(d, collect_exclusions(d)).value == "24424190358174"


def test_no_label_no_pdl():
    d = doc([[(40, "Référence 24424190358174")], [(40, "Montant 12,00 €")]])
    assert extract_pdl(d, collect_exclusions(d)) is None


def test_pce_in_groups_or_gi_code_with_ocr_misreads():
    d = doc([[(40, "Réf. PCE : 224 499 275 908 09")]])
    assert extract_pce(d, collect_exclusions(d)).value == "22449927590809"
    ocr = doc([[(40, "PCE : Gl 277 O74")]], source="ocr", conf=0.9)
    assert extract_pce(ocr, collect_exclusions(ocr)).value == "GI277074"
    # The I's stroke read twice on a scan: GI and six digits, never seven.
    for read in ("GIi823369", "GI1823369"):
        ocr = doc([[(40, "RÉF. PCE")], [(40, read)]], source="ocr", conf=0.9)
        assert extract_pce(ocr, collect_exclusions(ocr)).value == "GI823369"
    for read in ("GI18233691", "GI123"):
        ocr = doc([[(40, "RÉF. PCE")], [(40, read)]], source="ocr", conf=0.9)
        assert extract_pce(ocr, collect_exclusions(ocr)) is None
    text = doc([[(40, "RÉF. PCE")], [(40, "GI1823369")]])
    assert extract_pce(text, collect_exclusions(text)) is None
    # A dash glued to the last group on a scan.
    ocr = doc([[(40, "Tarif T2- PCE 1407 2930 8154 92=– Compteur n° 0227102668")]], source="ocr", conf=0.9)
    assert extract_pce(ocr, collect_exclusions(ocr)).value == "14072930815492"
    # A comma glued between the number and the next word of the sentence.
    d = doc([[(40, "point de comptage et d'estimation n° 67592388204325,tarif T2.")]])
    assert extract_pce(d, collect_exclusions(d)).value == "67592388204325"
    # A speck read as a brace in the label's acronym; a chart's axis beside, a line lower.
    ocr = doc([[(52, "POINT DE COMPTAGE ET D'ESTIMATION ({PCE)")], [(236, "Juin Juil Aoû Sep")],
               [(52, "67718100526232")]], source="ocr", conf=0.9, line_gap=7)
    assert extract_pce(ocr, collect_exclusions(ocr)).value == "67718100526232"


def test_client_number_without_spaces_and_next_to_client():
    d = doc([[(40, "N° de contrat : 9988776655")], [(40, "Référence client : 6 866 949 837")]])
    assert extract_client_number(d).value == "6866949837"


def test_a_contract_number_does_not_compete_with_the_client_number():
    """`N° de contrat` beside `Compte client` (a caption patterns rank late):
    the contract's number is another reference, read only when no client
    caption gives one, so the client number stays sure."""
    d = doc([[(40, "N° de contrat : 881060642")], [(40, "Compte client : 7021241233")]])
    found = extract_client_number(d)
    assert found.value == "7021241233" and found.conf >= 0.6
    alone = doc([[(40, "N° de contrat : 881060642")], [(40, "Total TTC : 12,00 €")]])
    assert extract_client_number(alone).value == "881060642"


def test_a_number_sign_before_compte_client_is_part_of_the_caption():
    """« Numéro de compte client ‖ 47966697 »: the caption is the whole phrase,
    not « Numéro de compte » followed by a word that would stop the search."""
    d = doc([[(40, "Numéro de compte client"), (250, "47966697")]])
    assert extract_client_number(d).value == "47966697"
    d = doc([[(40, "N° de compte client : 4503 0606")]])
    assert extract_client_number(d).value == "45030606"


@pytest.mark.parametrize("raw, name", [
    ("Monsieur DUPONT Laurent", "Laurent Dupont"), ("M. et Mme Jean-Pierre MEYER", "Jean-Pierre Meyer"),
    ("MME NADIA GIRARD", "Nadia Girard"), ("M. ET MME THOMAS CHEVALIER", "Thomas Chevalier"),
    ("Madame GIRARD Thi Lan", "Thi Lan Girard"), ("Mlle Élodie KOWALSKI", "Élodie Kowalski"),
    # A speck read as a quote before the civility, a civility's letter misread by OCR.
    ("‘M. Théo Simon", "Théo Simon"), ("Madarne Maëlle Caron", "Maëlle Caron"), ("Monsleur Jean Dupont", "Jean Dupont"),
    ("Mrne Anne-Sophie LEMOINE", "Anne-Sophie Lemoine"),
    ("Madeleine PETIT", "Madeleine Petit"),  # a first name, no civility
])
def test_names_without_civility(raw, name):
    assert format_name(raw) == name


@pytest.mark.parametrize("caption", ["Titulaire :", "Titulaire", "Vos Références", "Mes informations", "Bât. B", "APPT 12"])
def test_a_caption_above_an_address_block_is_no_name(caption):
    assert format_name(caption) is None


@pytest.mark.parametrize("garbled", ["Ilsabe!le Martin", "Mme Chlo? Laurent", "M. Jean Dup|ont", "Thomas Bonnet 2"])
def test_a_name_holding_a_mark_or_a_digit_ocr_read_for_a_letter_is_no_name(garbled):
    assert format_name(garbled) is None


def test_addresses_in_capitals_are_recased():
    assert format_address_line("128 BOULEVARD JEAN JAURÈS") == "128 boulevard Jean Jaurès"
    assert format_address_line("74 TER ROUTE DES ACACIAS") == "74 ter route des Acacias"
    assert format_address_line("LIEU-DIT LES GRANGES") == "Lieu-dit Les Granges"
    assert format_address_line("- 68 COURS ANATOLE FRANCE") == "68 cours Anatole France"  # a speck read as a dash
    assert format_city_line("71100 CHALON-SUR-SAÔNE") == "71100 Chalon-sur-Saône"
    assert format_city_line("72000 LE MANS") == "72000 Le Mans"


def test_customer_block_and_consumption_address():
    d = doc([
        [(40, "Facture n° 123456789"), (340, "M. MEHDI LEMOINE")],
        [(340, "136 BIS PLACE PASTEUR")],
        [(340, "34000 MONTPELLIER")],
        [(40, "EDF Service Clients – TSA 21941")],
        [(40, "62978 Arras Cedex 9")],
        [(40, "Lieu de consommation : 136 bis place Pasteur, 34000 Montpellier")],
    ])
    c = extract_customer(d)
    assert c["name"].value == "Mehdi Lemoine"
    assert c["address"].value == "136 bis place Pasteur, 34000 Montpellier"  # not the supplier's Cedex
    assert c["delivery_address"].value == "136 bis place Pasteur, 34000 Montpellier"


def test_an_address_printed_again_without_its_complement_line_confirms_the_fuller_one():
    """The address block (« Appt 12 » over the street) and a payment slip's
    copy of it without the complement line: one address, the fuller one,
    surely. Two different streets still compete."""
    rows = [
        [(40, "Facture n° 123456789"), (340, "Madame Camille David")],
        [(340, "Appt 12")],
        [(340, "151 quai des Tilleuls")],
        [(340, "37000 Tours")],
        [(40, "Montant à payer : 120,00 €")], [], [], [], [],
        [(40, "Talon de paiement – à joindre à votre règlement")],
        [(40, "Madame Camille David")],
        [(40, "151 quai des Tilleuls")],
        [(40, "37000 Tours")],
    ]
    c = extract_customer(doc(rows))
    assert c["address"].value == "Appt 12, 151 quai des Tilleuls, 37000 Tours"
    assert c["address"].conf >= 0.9
    rows[11] = [(40, "15 quai des Tilleuls")]
    assert extract_customer(doc(rows))["address"].conf < 0.9


def test_suppliers_file_has_the_documented_format():
    data = json.loads(SUPPLIERS_PATH.read_text(encoding="utf-8"))
    assert data["source"] and data["updated"]
    names = {s["name"] for s in data["suppliers"]}
    for required in ("EDF", "Engie", "TotalEnergies", "Ekwateur", "Vattenfall", "Mint Energie", "OHM Energie",
                     "Octopus Energy", "ilek", "Plum Energie", "Eni", "Alpiq", "Enercoop"):
        assert required in names
    for s in data["suppliers"]:
        assert s["source"]
        assert all(len(x) == 9 and x.isdigit() for x in s["siren"])
        for key in ("aliases", "legal_names", "domains", "offer_names"):
            assert isinstance(s[key], list)
    assert len(load_suppliers()) == len(data["suppliers"])


@pytest.mark.parametrize("rows, name", [
    ([[(40, "SAS au capital de 2 000 000 € – RCS Nanterre 542 107 651")]], "Engie"),  # SIREN alone
    ([[(40, "Retrouvez-nous sur totalenergies.fr")]], "TotalEnergies"),
    ([[(40, "Mint Énergie")], [(40, "Votre offre Smart & Green")]], "Mint Energie"),
    ([[(40, "O H M Énergie")], [(40, "Offre Fixe 1 an")]], "OHM Energie"),  # a brand in spaced capitals
])
def test_supplier_from_siren_domain_or_name(rows, name):
    assert detect_supplier(doc(rows)).value == name


@pytest.mark.parametrize("footer, name", [
    ("OO Energy France SAS – SAS au capital de 5 200 000 € – RCS Paris", "OVO Energy"),  # a letter lost
    ("Octopus Enerqy France SAS – capital 4 500 000 €", "Octopus Energy"),  # a letter misread
    ("Prime0 Energie France SAS – RCS Paris", "Primeo Energie"),
])
def test_a_legal_name_ocr_read_one_letter_off_still_names_the_supplier(footer, name):
    """The footer's legal name is the bill's surest identity: on a scan, one
    letter dropped or misread in a long name still names its supplier; a
    text layer's print is what it says (no name there)."""
    assert detect_supplier(doc([[(40, footer)]], source="ocr", conf=0.9)).value == name


def test_a_legal_name_one_letter_off_in_a_text_layer_names_no_supplier():
    assert detect_supplier(doc([[(40, "OO Energy France SAS – RCS Paris")]])) is None


def test_a_brand_sold_by_another_suppliers_legal_entity_is_the_brands_bill():
    """`happ-e` over `by ENGIE`, `ENGIE SA` in the footer: the brand's own bill.
    A parent's bill naming the brand once (an advert) stays the parent's."""
    rows = [[(40, "happ-e")], [(40, "by ENGIE")], [(40, "Une question ? www.happ-e.fr")],
            [(40, "happ-e est une offre de ENGIE SA – SA au capital de 2 418 700 000 € – RCS Nanterre")]]
    assert detect_supplier(doc(rows)).value == "Happ-e"
    rows = [[(40, "ENGIE")], [(40, "Découvrez aussi happ-e, notre offre en ligne")],
            [(40, "ENGIE SA – RCS Nanterre 542 107 651")]]
    assert detect_supplier(doc(rows)).value == "Engie"


def test_a_pale_civility_does_not_make_the_name_after_it_unsure():
    """`M.` read at 0,47 before `Raphaël Girard` read at 0,96: the name's
    confidence is its own words', the civility is not part of it."""
    words = [Word("M.", 321.7, 93.1, 336.3, 104.4, 0.47), Word("Raphaël", 340.7, 94.0, 375.9, 102.9, 0.96),
             Word("Girard", 380.0, 94.3, 406.6, 101.2, 0.97), Word("Appt", 326.8, 107.5, 347.4, 115.9, 0.96),
             Word("12", 351.5, 107.2, 361.3, 114.2, 0.97), Word("176", 327.5, 120.4, 343.1, 127.4, 0.96),
             Word("ter", 346.7, 120.9, 359.4, 127.4, 0.96), Word("allée", 362.7, 120.0, 383.4, 127.4, 0.96),
             Word("de", 387.0, 120.4, 397.5, 127.4, 0.97), Word("la", 401.4, 120.4, 408.1, 127.4, 0.96),
             Word("Liberté", 412.4, 120.0, 442.9, 127.4, 0.97), Word("74000", 327.2, 133.4, 354.3, 140.3, 0.96),
             Word("Annecy", 357.9, 133.6, 391.0, 142.0, 0.95)]
    page = Page(number=1, width=595.0, height=842.0, words=words, source="ocr")
    name = extract_customer(build_document([page]))["name"]
    assert name.value == "Raphaël Girard" and name.conf > 0.9


def test_a_client_number_caption_is_no_caption_of_the_customers_name():
    """« Ma référence client : 6867 957 199 » over a table's headers a scan
    misread (`Prtx unitaire`): a reference's caption, no name's."""
    from tasks.extract.labels import find_labels

    rows = [[(49, "Facture n° 271342712223 - Ma référence client : 6867 957 199 - période du 01/07/2025")],
            [(51, "Lsenté"), (291, "Pinode"), (466, "Prtx unitaire"), (517, "Montant Fi")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["name"] is None
    for caption in ("N° client : 6867957199", "Numéro client : 6867957199", "Réf. client : 6867957199"):
        assert find_labels(doc([[(40, caption)]]), "customer_name") == []
    assert find_labels(doc([[(40, "Client : M. Jean Dupont")]]), "customer_name")


def test_a_first_name_whose_capital_ocr_read_small_in_its_own_shape_is_the_name():
    """`Mme isabelle Guérin`: the I read small is still Isabelle; `tean`
    (a J read as a t) is still a garbled name."""
    rows = [[(317, "Mme isabelle Guérin")], [(318, "143 square Saint-Éloi")], [(317, "31000 Toulouse")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["name"].value == "Isabelle Guérin"
    rows = [[(317, "M. tean Dupont")], [(318, "143 square Saint-Éloi")], [(317, "31000 Toulouse")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["name"] is None


def test_an_invoice_number_a_speck_glued_to_the_next_word_by_a_dash_is_read():
    """`Facture n° 917177658309-du 23/08/2025`: a speck read as a dash
    between the number and « du » (no reference ends in a French word)."""
    rows = [[(43, "Facture n° 917177658309-du 23/08/2025 - Mon n° client : 6064 408 773")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "917177658309"


def test_no_supplier_named_no_supplier():
    assert detect_supplier(doc([[(40, "Facture d'énergie")], [(40, "Total TTC 12,00 €")]])) is None


def test_a_postcode_and_its_town_beside_a_reference_label_are_no_reference():
    """The client number under « Réf. client » was lost on a scan; beside the
    label stands the address's « 80000 Amiens »: a postcode, not the number."""

    rows = [[(40, "Réf. client :"), (330, "80000 Amiens")], [(40, "N° de facture :"), (330, "71100 Chalon-sur-Saône")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert extract_client_number(doc) is None and extract_invoice_number(doc) is None
    rows = [[(40, "Réf. client :"), (330, "80000254")], [(40, "N° de facture :"), (330, "71100")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert extract_client_number(doc).value == "80000254" and extract_invoice_number(doc).value == "71100"


def test_a_client_number_whose_letters_are_printed_apart_from_its_digit_groups():
    rows = [[(40, "Référence client :"), (200, "PL 547 6809")], [(40, "Facture n°"), (200, "F2406-123456")]]
    assert extract_client_number(doc(rows)).value == "PL5476809"
    # Capitals, then a single number, are a word and a number, not one reference.
    rows = [[(40, "N° client :"), (200, "EDF 2024")]]
    assert extract_client_number(doc(rows)) is None


def test_a_cooperatives_member_number_stands_in_for_the_client_number_only_when_none_is_printed():
    rows = [[(40, "Votre n° de sociétaire-client :"), (200, "PL4111824")]]
    assert extract_client_number(doc(rows)).value == "PL4111824"
    rows = [[(40, "N° de sociétaire :"), (200, "S-004512")], [(40, "N° client :"), (200, "PL4111824")]]
    assert extract_client_number(doc(rows)).value == "PL4111824"


def test_a_speck_read_as_a_colon_after_a_street_line_does_not_end_the_address_block():
    rows = [[(338, "M. JEAN-PIERRE ROUSSEL")], [(338, "164 RUE DE BRETAGNE :")], [(338, "69110 SAINTE-FOY-LES-LYON")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Jean-Pierre Roussel"
    assert found["address"].value == "164 rue de Bretagne, 69110 Sainte-Foy-lès-Lyon"
    # A speck before the street number as well, the colon glued to the last word.
    rows = [[(325, "Mme Marie-Claire Chevalier")], [(317, "- 143 impasse Georges Brassens:")], [(324, "44000 Nantes")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Marie-Claire Chevalier"
    assert found["address"].value == "143 impasse Georges Brassens, 44000 Nantes"
    # A line without a street number: the colon is a speck too, unless the line is a caption.
    rows = [[(338, "M. YANNICK MARTIN")], [(338, "RÉSIDENCE LES ÉRABLES :")], [(338, "80 AVENUE ÉDOUARD HERRIOT")],
            [(338, "64100 BAYONNE")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Yannick Martin"
    assert found["address"].value == "Résidence Les Érables, 80 avenue Édouard Herriot, 64100 Bayonne"
    # A caption ending with a colon above the block still ends it.
    for caption in ("Adresse de facturation :", "Adresse de facturation:"):
        rows = [[(338, caption)], [(338, "164 RUE DE BRETAGNE")], [(338, "69110 SAINTE-FOY-LES-LYON")]]
        assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
            "164 rue de Bretagne, 69110 Sainte-Foy-lès-Lyon"


def test_capitals_re_cased_from_their_words_in_normal_case_lose_a_specks_accent():
    """A scan prints the block in capitals and the consumption address in
    normal case, where a speck over « de » read « dé »."""
    rows = [[(338, "M. JOËL NGUYEN")], [(338, "48 BIS BOULEVARD DE L'INDUSTRIE")], [(338, "13100 AIX-EN-PROVENCE")],
            [(40, "Adresse de consommation : 48 bis boulevard dé l'Industrie, 13100 Aix-en-Provence")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "48 bis boulevard de l'Industrie, 13100 Aix-en-Provence"

def test_a_postcode_and_its_town_split_apart_by_ocr_still_end_the_address_block():
    """« 02100 ‖ SAINT-QUENTIN »: OCR made two cells of the last line, the
    town's box a little taller and higher, as on a scan."""
    from tasks.model import Page, Word

    boxes = [("MADAME", 374.8, 90.0, 410.0, 97.2), ("ISABELLE", 412.0, 90.0, 452.0, 97.2),
             ("BERTRAND", 454.0, 90.0, 496.9, 97.2), ("10", 375.0, 101.7, 385.0, 108.9), ("RUE", 387.0, 101.7, 403.0, 108.9),
             ("DE", 405.0, 101.7, 415.0, 108.9), ("L'INDUSTRIE", 417.0, 101.7, 470.5, 108.9),
             ("Titulaire", 37.0, 111.6, 70.0, 117.6), (":", 71.0, 111.6, 73.9, 117.6),
             ("Madame", 183.5, 111.3, 215.0, 117.5), ("BERTRAND", 217.0, 111.3, 255.0, 117.5),
             ("Isabelle", 257.0, 111.3, 280.2, 117.5), ("02100", 374.5, 113.5, 399.5, 120.5),
             ("SAINT-QUENTIN", 402.8, 113.2, 465.7, 121.6)]
    page = Page(number=1, width=595.0, height=842.0, words=[Word(*b, 0.9) for b in boxes], source="ocr")
    found = extract_customer(build_document([page]))
    assert found["name"].value == "Isabelle Bertrand"
    assert found["address"].value.lower() == "10 rue de l'industrie, 02100 saint-quentin"


def test_a_postcode_whose_speck_stretched_its_box_below_its_town_still_ends_the_block():
    """`.29200` beside `Brest` on a scan: the speck before the postcode
    stretched its box down, so OCR's lines put the town with the caption
    at its left (`DATE DE FACTURE ‖ Brest`) and the postcode on a line of
    its own."""
    from tasks.model import Page, Word

    boxes = [("M.", 379.0, 100.5, 389.0, 108.0), ("Moussa", 392.0, 100.5, 420.0, 108.0),
             ("Brunet", 423.0, 100.5, 450.0, 108.0),
             ("59", 379.05, 112.51, 389.84, 119.95), ("rue", 392.0, 112.51, 408.0, 119.95),
             ("Gambetta", 412.39, 112.51, 458.94, 120.19),
             ("DATE", 51.1, 124.27, 68.13, 129.55), ("DE", 70.0, 124.27, 79.0, 129.55),
             ("FACTURE", 81.0, 124.27, 112.0, 129.55),
             (".29200", 375.93, 125.23, 408.08, 136.03), ("Brest", 412.39, 125.47, 436.14, 132.67)]
    page = Page(number=1, width=595.0, height=842.0, words=[Word(*b, 0.9) for b in boxes], source="ocr")
    found = extract_customer(build_document([page]))
    assert (found["name"].value, found["address"].value) == ("Moussa Brunet", "59 rue Gambetta, 29200 Brest")

def test_an_abbreviations_full_stop_read_as_a_comma_still_makes_the_label():
    """« Réf, client », « N°, de facture », « Num, PCE »: OCR reads the dot as a comma."""

    rows = [[(40, "Réf, client :"), (200, "62850300")], [(40, "N°, de facture :"), (200, "M8528707901")]]
    d = doc(rows, source="ocr", conf=0.9)
    assert extract_client_number(d).value == "62850300"
    assert extract_invoice_number(d).value == "M8528707901"


def test_an_account_id_with_a_letter_prefix_is_a_client_number_even_with_few_digits():
    assert extract_client_number(doc([[(421, "Numéro de compte A-B2EAFF0B")]])).value == "A-B2EAFF0B"
    # A word in capitals after the label is no number.
    assert extract_client_number(doc([[(421, "Numéro de compte EDF-ENERGIE")]])) is None


def test_a_pdl_caption_whose_d_ocr_read_as_an_o_still_labels_the_pdl():
    """`N° DE POL` over `5094 9577 8202 17` on a scan (ekwateur's sidebar)."""
    d = doc([[(40, "N° DE POL")], [(40, "5094 9577 8202 17")]], source="ocr", conf=0.9)
    assert extract_pdl(d, collect_exclusions(d)).value == "50949577820217"

def test_a_speck_read_as_a_letter_between_a_label_and_its_value_is_passed_over():
    rows = [[(40, "Point de livraison (PDL)"), (180, "à"), (260, "12909919091415")]]
    d = doc(rows, source="ocr", conf=0.9)
    assert extract_pdl(d, collect_exclusions(d)).value == "12909919091415"
    # On a text layer, a one-letter cell is print: what lies beyond it is another column's.
    d = doc(rows)
    assert extract_pdl(d, collect_exclusions(d)) is None


def test_an_invoice_number_cut_in_two_by_ocr_at_the_end_of_its_line_is_read_whole():
    """« n° FA2024032347 16 »: OCR put a space inside the number. On a text
    layer the printed number is taken as printed, and a date or word after a
    number is no part of it."""

    assert extract_invoice_number(doc([[(466, "Facture n° FA2024032347 16")]], source="ocr", conf=0.9)).value \
        == "FA202403234716"
    assert extract_invoice_number(doc([[(466, "Facture n° FA2024032347 16")]])).value == "FA2024032347"
    assert extract_invoice_number(doc([[(40, "Facture n° 30241137 du 12/03/2024")]], source="ocr", conf=0.9)).value \
        == "30241137"


def test_an_invoice_number_ocr_cut_at_a_space_is_the_whole_number_another_caption_reads():
    """« N° de facture 20231188 7957 - N° de compte client … » in a header,
    « N° de facture ‖ 202311887957 » in the body: the header's reading is
    the body's number cut by a space, not a second number. Alone, the cut
    reading stays as read."""
    rows = [[(40, "N° de facture 20231188 7957 - N° de compte client 4078146960")], [],
            [(40, "N° de facture"), (160, "202311887957")], [(40, "Date d'émission"), (160, "26/11/2023")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "202311887957"
    rows = [[(40, "N° de facture 20231188 7957 - N° de compte client 4078146960")], [],
            [(40, "N° de facture"), (160, "202311887958")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)) is None or \
        extract_invoice_number(doc(rows, source="ocr", conf=0.9)).conf < 0.5


def test_a_service_phone_whose_label_ocr_misread_is_no_client_number():
    """« Service client 09 78 28 86 62 » read « ervice client 09 78 … »: the
    words left look like a client number's label, but a number printed in
    pairs from a zero is a phone number. Ten digits printed otherwise may
    be a client number."""
    assert extract_client_number(doc([[(40, "à ervice client 09 78 28 86 62")]], source="ocr", conf=0.9)) is None
    assert extract_client_number(doc([[(40, "N° client : 0978288662")]])).value == "0978288662"


def test_a_customer_block_read_through_a_speck_and_never_named_by_one_stray_word():
    """A speck read as `:` between the name and the street in the address
    column does not end the block; an OCR remnant of one word over an
    address, with no civility, is no name."""
    rows = [[(40, "OHM Énergie"), (303, "Monsieur Théo Vincent")],
            [(40, "Service client 09 78 28 86 62"), (322, ":")],
            [(303, "60 bis boulevard Édouard Herriot")],
            [(303, "42000 Saint-Étienne")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Théo Vincent"
    assert found["address"].value == "60 bis boulevard Édouard Herriot, 42000 Saint-Étienne"

    rows = [[(303, "Re")], [(303, "124 impasse Pasteur")], [(303, "59000 Lille")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"] is None and found["address"].value == "124 impasse Pasteur, 59000 Lille"


def test_a_street_line_that_lost_its_name_gives_no_address():
    """« 84 rue » over « 51100 Reims »: OCR put « des Acacias » on another
    row. The address is unknown, not « 84 rue, 51100 Reims »; the name
    stands."""
    rows = [[(338, "M. Julien Rousseau")], [(338, "84 rue"), (450, "Acacias")], [(338, "51100 Reims")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Julien Rousseau" and found["address"] is None
    rows[1] = [(338, "84 bis rue des Acacias")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == "84 bis rue des Acacias, 51100 Reims"


def test_a_civility_cut_from_its_name_on_its_line_names_the_block_not_the_building_line_under_it():
    """`M.  ‖  Karim Laurent` (a photo's wide gap), `Bât. B` under it: the
    name is the rest of the civility's line, the building line is the address's."""
    rows = [[(338, "M."), (380, "Karim Laurent")], [(338, "Bât. B")], [(338, "164 quai Édouard Herriot")],
            [(338, "87000 Limoges")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Karim Laurent"
    assert found["address"].value == "Bât. B, 164 quai Édouard Herriot, 87000 Limoges"


def test_a_street_name_wrapped_in_a_narrow_block_is_one_line_and_a_building_without_its_letter_no_address():
    """« 80 ter boulevard du Général de » / « Gaulle »: a line ending with a
    particle goes on on the next. « Bât. » whose « B » OCR lost: the address
    would be another flat's, so it is unknown; the name stands."""
    rows = [[(338, "M. Olivier Henry")], [(338, "Appt 12")], [(338, "80 ter boulevard du Général de")],
            [(338, "Gaulle")], [(338, "64500 Saint-Jean-de-Luz")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Appt 12, 80 ter boulevard du Général de Gaulle, 64500 Saint-Jean-de-Luz"
    rows = [[(338, "MADAME FRANÇOISE MARTINEZ")], [(338, "BÂT.")], [(338, "82 CHEMIN ÉDOUARD HERRIOT")],
            [(338, "84800 L'ISLE-SUR-LA-SORGUE")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Françoise Martinez" and found["address"] is None
    rows[1] = [(338, "BÂT. B")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Bât. B, 82 chemin Édouard Herriot, 84800 L'Isle-sur-la-Sorgue"


@pytest.mark.parametrize(("label", "value", "expected"), [
    ("Compte client", "801 178677", "801178677"),  # the last groups joined by OCR
    ("Compte client", "801 178 677", "801178677"),
    ("Retérence client", "IL20828498", "IL20828498"),  # f read t
    ("Ré!érence client", "IL28291041", "IL28291041"),
    ("Référence chent", "IL22545741", "IL22545741"),  # li read h
    ("Numéro dient", "647 389 907", "647389907"),  # cl read d
    ("Numéro de compte cfent", "03 421 802", "03421802"),  # li read f
    ("Référence client", "EC7201 17, point de livraison", "EC720117"),  # digits cut in two by a space
    ("Référence client", "EC7201 17 kWh", "EC7201"),
    ("Référence client", "IL0O2348522", None),  # one glyph read both 0 and O
    ("Référence client", "1L47901238", None),  # I or 1 before the letters
    ("Référence client", "ILO7404012", None),  # O or 0 opening the digits
    ("Numéro de compte", "A-1EDCCOFB", None),  # an O among letters and digits
    ("Numéro de compte", "OV24571102", "OV24571102"),  # an O among a prefix's letters, digits after them
    ("RÉFÉRENCE CLIENT", "c3870978", "C3870978"),  # a capital read small, same shape
    ("Référence client", "ÉC830689", "EC830689"),  # a speck over the capital read as an accent
    ("RÉFÉRENCE CLIENT", "Cc7876444", "C7876444"),  # a capital read twice, once small (no reference mixes cases)
    ("RÉFÉRENCE CLIENT", "Sc7876444", None),  # two letters apart: which is printed?
    ("RÉFÉRENCE CLIENT", "CC7876444", "CC7876444"),
    ("N° de contrat", "*255 513 489", "255513489"),  # a speck (or a footnote mark) before it
])
def test_client_numbers_through_ocr_misreadings(label, value, expected):
    found = extract_client_number(doc([[(40, label)], [(40, value)]], source="ocr", conf=0.9))
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(("value", "invoice", "expected"), [
    ("ILO7404012", "IL241108-62207", "IL07404012"),  # the bill's prefix: digits follow it
    ("1139782562", "IL251126-54335", "IL39782562"),  # its letters read as ones
    ("1139782562", "FA251126-54335", "1139782562"),  # another prefix: digits as read
    ("ILO7404012", "FA241108-62207", None),
    ("ILO7404012", None, None),
    ("1139782562", "10012345678", "1139782562"),
    ("11397", "IL251126-54335", "11397"),  # too short to hold a prefix and its digits
    ("L177651750", "IL250907-22421", None),  # the prefix's glyphs in another order: which is which?
    ("IL0O7051770", "IL251109-50059", None),  # one glyph read both 0 and O: one zero or two?
    ("L177651750", "FA250907-22421", "L177651750"),
])
def test_a_client_number_read_against_the_invoice_numbers_prefix(value, invoice, expected):
    """One supplier's references share their letters: a client number read
    on a scan with the bill's invoice prefix in look-alike digits (`11` for
    `IL`) or an O after it stands for the prefix and its digits."""
    d = doc([[(40, "Référence client")], [(40, value)]], source="ocr", conf=0.9)
    found = extract_client_number(d, invoice)
    assert (found.value if found else None) == expected
    found = extract_client_number(doc([[(40, "Référence client")], [(40, value)]]), invoice)
    assert found.value == value  # a text layer's characters are what was printed


def test_an_invoice_number_read_against_the_client_numbers_prefix():
    """« 1L250909-05022 »: I or 1 cannot be told alone; the client number
    IL75443636 read on the same bill says which."""
    from tasks.extract.identifiers import extract_invoice_number

    rows = [[(40, "Facture n°")], [(40, "1L250909-05022")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)) is None
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9), "IL75443636").value == "IL250909-05022"
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9), "C75443636") is None


def test_an_invoice_number_whose_glyph_ocr_may_have_confused_is_unknown_on_a_scan_only():
    """« 1L240112-93471 »: on a scan, I or 1 cannot be told (null rather
    than wrong); a text layer's characters are what was printed."""
    from tasks.extract.identifiers import extract_invoice_number

    rows = [[(40, "Facture n°"), (140, "1L240112-93471")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)) is None
    assert extract_invoice_number(doc(rows)).value == "1L240112-93471"
    rows = [[(40, "Facture n°"), (140, "IL240112-93471")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "IL240112-93471"


def test_an_o_among_the_letters_opening_an_invoice_number_is_a_letter():
    """« OV2457110244 » on a scan: no 0 stands among a prefix's letters, nor
    before them (« 0V2457110244 » is the same number); an O read where the
    digits start (« ILO7404012 ») may still be a 0, and « O0V… » is one O
    read twice or two."""
    from tasks.extract.identifiers import extract_invoice_number

    rows = [[(40, "Numéro de facture"), (160, "OV2457110244")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "OV2457110244"
    rows = [[(40, "Numéro de facture"), (160, "0V2457110244")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "OV2457110244"
    rows = [[(40, "Numéro de facture"), (160, "O0V2457110244")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)) is None
    rows = [[(40, "Numéro de facture"), (160, "0V2457")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)) is None
    rows = [[(40, "Numéro de facture"), (160, "FAO2457110244")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)) is None


def test_a_value_beside_its_own_caption_is_not_the_value_of_a_caption_over_it():
    """A title « Facture de régularisation » over « Numéro de compte client ‖
    25610161 » and « Référence de la facture ‖ O0V2457110244 » (its value left
    in doubt by OCR): the number under the title is the account's, not the
    invoice's (null rather than wrong)."""
    from tasks.extract.identifiers import extract_invoice_number

    rows = [[(420, "Facture de régularisation")],
            [(360, "Numéro de compte client"), (480, "25610161")],
            [(40, "énergie ovoenergy.fr"), (360, "Référence de la facture"), (480, "O0V2457110244")]]
    d = doc(rows, source="ocr", conf=0.9)
    assert extract_invoice_number(d) is None
    assert extract_client_number(d).value == "25610161"
    # Under its caption, alone on its line, a value is still read.
    rows = [[(40, "Référence de la facture")], [(40, "FA2457110244")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "FA2457110244"


def test_the_pdl_whose_caption_ocr_lost_is_the_one_lone_14_digit_number_no_label_claims():
    """A scan lost the pale « Référence acheminement » caption: the PDL
    stands alone in its cell. The meter's serial (beside or under its label),
    the SIRET and the invoice number are not it; two lone numbers, and
    neither is known to be the PDL. A text layer never guesses."""
    from tasks.extract.identifiers import unlabelled_pdl

    rows = [
        [(40, "Facture n° 30266022874004")],
        [(40, "Électricité"), (150, "58318208832566"), (300, "Puissance souscrite"), (420, "9,0 kVA")],
        [(40, "Compteur n° 89617796537132")],
        [(40, "N° de série compteur")],
        [(40, "43567019394686")],
        [(40, "Vattenfall Énergies SAS - SIRET 51234567800019")],
    ]
    d = doc(rows, source="ocr", conf=0.9)
    assert extract_pdl(d, collect_exclusions(d)) is None
    assert unlabelled_pdl(d, collect_exclusions(d), {"30266022874004"}).value == "58318208832566"
    d = doc(rows + [[(40, "71648968301599")]], source="ocr", conf=0.9)
    assert unlabelled_pdl(d, collect_exclusions(d), set()) is None
    d = doc(rows, conf=0.9)
    assert unlabelled_pdl(d, collect_exclusions(d), set()) is None


@pytest.mark.parametrize(("label", "value", "expected"), [
    ("N°de tacture", "328404089282", "328404089282"),  # f read t
    ("Facture n°", "IL250818- 44591", "IL250818-44591"),  # OCR spaced the number off its dash
    ("Facture n°", "F-243043529]", None),  # a bar glued to the last digit: a 1 or a speck
    ("Facture n°", "FA202412216863-", "FA202412216863"),  # a speck after the digits read as a dash
    ("Facture n°", "FA-2025-", None),  # a number whose digits went on: cut, not whole
    ("Votre facture", "8 FA202312664656", "FA202312664656"),  # its « n° » read as a digit
    ("Votre facture", "8 FA2023", None),
    ("Référence client", "C2077750]", None),
])
def test_invoice_numbers_through_ocr_misreadings(label, value, expected):
    field = extract_client_number if label.startswith("Référence") else extract_invoice_number
    found = field(doc([[(40, label)], [(40, value)]], source="ocr", conf=0.9))
    assert (found.value if found else None) == expected


def test_a_table_rows_quantity_in_kwh_is_no_postcode_and_its_header_no_customer():
    """« 19003 kWh » under « Quantité Unité » (a scan's table, gen-0069 of
    seed 16180) has a postcode's shape; a unit is no town, and the header
    over it is no customer's name."""
    rows = [[(40, "APPT 12")], [(40, "56 QUAI DES VIGNES")], [(40, "35000 RENNES")],
            [(40, "Libellé"), (200, "Quantité Unité"), (300, "PU HT")],
            [(40, "Part fixe gaz T2"), (200, "366 jour"), (300, "0,67230")],
            [(40, "Part variable gaz"), (200, "19003 kKWh"), (300, "0,11520")],
            [(40, "Accise sur les gaz naturels"), (200, "11422 kWh"), (300, "0,00837")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"] is None
    assert found["address"].value == "Appt 12, 56 quai des Vignes, 35000 Rennes"


def test_the_pricing_of_an_offer_the_market_catalogue_knows():
    """A bill that does not say how its price moves (or whose words OCR
    lost) names an offer: the catalogue says it for that supplier's offer
    of that very name, and says nothing of a name it does not hold, nor of
    another supplier's offer."""
    from tasks.analyse.marketdata import load_offers
    from tasks.extract.supplier import catalogue_pricing, load_suppliers

    known = {(s.market_offers_name, s.name) for s in load_suppliers() if s.market_offers_name}
    offer = next(o for o in load_offers().offers if o.pricing == "fixe" and any(o.supplier == m for m, _ in known))
    supplier = next(name for market, name in known if market == offer.supplier)
    assert catalogue_pricing(supplier, offer.offer_name) == "fixe"
    assert catalogue_pricing(supplier, offer.offer_name.upper()) == "fixe"
    assert catalogue_pricing(supplier, offer.offer_name + " Duo Plus") is None
    other = next(name for market, name in known if not any(
        o.supplier == market and o.offer_name == offer.offer_name for o in load_offers().offers))
    assert catalogue_pricing(other, offer.offer_name) is None
    assert catalogue_pricing(None, offer.offer_name) is None


def test_a_town_cut_after_its_article_is_joined_with_its_rest():
    """« 43000 Le » with « Puy-en-Velay » a little lower, right after it (a
    photo's skew put it on a line of its own): the town is « Le
    Puy-en-Velay ». A whole town keeps the segment beside it out."""
    rows = [[(387, "Monsieur Laurent André")], [(387, "115 impasse des Peupliers")],
            [(387, "43000 Le")], [(423, "Puy-en-Velay")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9, line_gap=7))
    assert found["address"].value == "115 impasse des Peupliers, 43000 Le Puy-en-Velay"
    rows[2:] = [[(387, "62300 Lens")], [(431, "Montant")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9, line_gap=7))["address"].value == \
        "115 impasse des Peupliers, 62300 Lens"


def test_address_words_whose_accents_ocr_got_wrong_are_spelled_as_always_and_a_speck_opens_no_name():
    """On a scan, `avenué`, `Bat.` and `lés` are `avenue`, `Bât.` and `lès`;
    the article `Les` stays (it is a word of its own). A dash read before
    the civility is no part of the name."""
    rows = [[(330, "- Mme Lucie N'Diaye")], [(330, "Bat. B, Résidence Les Érables")],
            [(330, "112 ter avenué des Tilleuls")], [(330, "69110 Sainte-Foy-lés-Lyon")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Lucie N'Diaye"
    assert found["address"].value == \
        "Bât. B, Résidence Les Érables, 112 ter avenue des Tilleuls, 69110 Sainte-Foy-lès-Lyon"
    # `là`, a speck over the article read as a grave accent.
    rows = [[(330, "M. Joël Clément")], [(330, "35 ter rue de là Gare")], [(330, "13100 Aix-en-Provence")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "35 ter rue de la Gare, 13100 Aix-en-Provence"
    # `del'Industrie`: the space between `de` and `l'` lost.
    rows = [[(330, "Madame Sandrine LEMOINE")], [(330, "51 cours del'Industrie")], [(330, "59000 Lille")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "51 cours de l'Industrie, 59000 Lille"


def test_an_invoice_number_ocr_cut_with_a_space_at_the_end_of_its_line_is_read_whole():
    from tasks.extract.identifiers import extract_invoice_number

    rows = [[(40, "mint énergie"), (330, "FACTURE N° M3895 164733")], [(330, "du 06/04/2024")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "M3895164733"


def test_an_ocr_offer_name_whose_accents_were_lost_takes_the_catalogues_spelling():
    """`Plenifix 1 an Electricité` is the catalogue's « Plenifix 1 an
    Électricité »; a catalogue name spelled with fewer accents than the
    bill prints does not take the reading's away."""
    from tasks.extract.fields import extract_offer

    def offer(text, known):
        return extract_offer(doc([[(40, "Contrat : " + text)]], source="ocr", conf=0.9), known).value

    assert offer("Plenifix 1 an Electricité", ["Plenifix 1 an Électricité"]) == "Plenifix 1 an Électricité"
    assert offer("Électricité verte fixe", ["Electricité verte fixe"]) == "Électricité verte fixe"
    # A speck read as an accent on a word of the market's offer names, whatever the supplier's own.
    assert offer("« Flexi Watt - Heures Creusés »", []) == "Flexi Watt - Heures Creuses"
    assert offer("« Flexi Watt - Heures Creuses »", []) == "Flexi Watt - Heures Creuses"


def test_a_speck_read_after_the_town_does_not_hide_the_address():
    rows = [[(41, "Monsieur Joël François")], [(41, "Bâtiment C")], [(41, "106 ter rue du Levant")],
            [(41, "31000 Toulouse?")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert (found["name"].value, found["address"].value) == \
        ("Joël François", "Bâtiment C, 106 ter rue du Levant, 31000 Toulouse")


def test_a_town_ocr_could_not_read_leaves_the_address_unknown():
    """`67000 SHRAoUrs`: a capital after a small letter inside a word is no
    town's spelling; the address is unknown rather than wrong."""
    rows = [[(330, "Monsieur Paul Martin")], [(330, "117 ter rue Georges Brassens")], [(330, "67000 SHRAoUrs")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Paul Martin" and found["address"] is None
    rows[2] = [(330, "67000 Strasbourg")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "117 ter rue Georges Brassens, 67000 Strasbourg"


def test_an_offer_over_a_tarif_profil_caption_row_is_read_alone():
    """`Offre ‖ Gaz Fixe 2 ans` over `Tarif/ profil ‖ T2/P012`: the value
    under the offer belongs to the caption beside it."""
    from tasks.extract.fields import extract_offer

    rows = [[(64, "Numéro client"), (179, "241 887 349"), (305, "Offre"), (423, "Gaz Fixe 2 ans")],
            [(64, "Point de Comptage et"), (185, "82751300229338"), (305, "Tarif/ profil"), (427, "T2/P012")]]
    assert extract_offer(doc(rows, source="ocr", conf=0.9), []).value == "Gaz Fixe 2 ans"


def test_a_street_type_misread_by_one_letter_on_a_scan_is_put_right():
    """`avenve` read unsure is `avenue`, `dé` is `de`; after the house
    number, where only a street type stands, however sure OCR was."""
    rows = [[(330, "Monsieur Paul Martin")], [(330, "126 avenve dé la Gare")], [(330, "01000 Bourg-en-Bresse")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.8))
    assert found["address"].value == "126 avenue de la Gare, 01000 Bourg-en-Bresse"
    found = extract_customer(doc(rows, source="ocr", conf=0.95))
    assert found["address"].value == "126 avenue de la Gare, 01000 Bourg-en-Bresse"


def test_an_offer_name_whose_end_went_elsewhere_is_unknown():
    """`Électricité verte - Prix`, its `fixe` read on another line: a name
    cut after « Prix » is no offer's whole name."""
    from tasks.extract.fields import extract_offer

    def offer(text):
        found = extract_offer(doc([[(40, "Offre : " + text)]], source="ocr", conf=0.9), [])
        return found.value if found else None

    assert offer("Électricité verte - Prix") is None
    assert offer("Électricité verte - Prix fixe") == "Électricité verte - Prix fixe"


def test_an_invoice_number_that_is_the_client_number_is_the_less_sure_ones_misreading():
    from tasks.extract.checks import check_references
    from tasks.extract.store import Candidate, Draft

    d = Draft()
    d.set("invoice_number", Candidate("C5148997", 0.62, 1, "ocr", "invoice_number:below"))
    d.set("customer.client_number", Candidate("C5148997", 0.85, 1, "ocr", "client_number:above"))
    check_references(d)
    assert d.get("customer.client_number") == "C5148997" and d.cand("invoice_number").conf == 0.0
    d.set("invoice_number", Candidate("FA-2025-3933793", 0.62, 1, "ocr", "invoice_number:above"))
    check_references(d)
    assert d.cand("invoice_number").conf == 0.62


def test_a_caption_ocr_cut_in_two_on_its_line_still_labels_its_value():
    """« Référence ‖ cent » over « IL89377689 »: the pale « li » of « client »
    lost, the gap it leaves cuts the caption in two; joined, it is still
    the client number's (and « cent » alone labels nothing)."""
    rows = [[(46, "IL241123-55250"), (299, "23 novembre 2024")],
            [(46, "Référence"), (100, "cent"), (298, "Offre")],
            [(46, "IL89377689"), (299, "Électricité et biogaz locaux - Prix fixe")]]
    d = doc(rows, source="ocr", conf=0.9)
    assert [s.text for s in d.lines[1].segments] == ["Référence", "cent", "Offre"]
    assert extract_client_number(d).value == "IL89377689"
    # Pieces a column apart are two captions.
    rows[1] = [(46, "Référence"), (160, "cent"), (298, "Offre")]
    assert extract_client_number(doc(rows, source="ocr", conf=0.9)) is None


def test_a_town_read_unsure_without_its_capital_leaves_the_address_unknown():
    """« 33000 tours » for « 37000 Tours »: OCR lost the capital and, read
    unsure, may have misread the postcode too."""
    rows = [[(338, "Madame Élodie Haddad")], [(338, "105 bis rue Louise Michel")], [(338, "33000 tours")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page.words[:] = [replace(w, conf=0.46) if w.text == "tours" else w for w in page.words]
    found = extract_customer(build_document([page]))
    assert found["name"].value == "Élodie Haddad" and found["address"] is None
    page.words[:] = [replace(w, conf=0.9) for w in page.words]
    assert extract_customer(build_document([page]))["address"] is not None  # read sure, it stands


def test_a_speck_read_as_two_letters_between_an_address_blocks_lines_is_no_line_of_it():
    rows = [[(338, "Monsieur Hugo Laurent")], [(338, "pu")], [(338, "89 bis square Louise Michel")],
            [(338, "25000 Besançon")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page.words[:] = [replace(w, conf=0.01) if w.text == "pu" else w for w in page.words]
    found = extract_customer(build_document([page]))
    assert found["name"].value == "Hugo Laurent"
    assert found["address"].value == "89 bis square Louise Michel, 25000 Besançon"


def test_a_postcode_glued_to_its_town_by_a_dash_and_a_lone_quote_in_a_street_line():
    rows = [[(338, "MADAME NOÉMIE BONNET")], [(338, "16 TER BOULEVARD MARCEL PAGNOL")], [(338, "33000-BORDEAUX")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Noémie Bonnet"
    assert found["address"].value == "16 ter boulevard Marcel Pagnol, 33000 Bordeaux"
    rows = [[(338, "Monsieur Mathéo Le Goff")], [(338, "146 avenue du Général de ‘")], [(338, "Gaulle")],
            [(338, "29200 Brest")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "146 avenue du Général de Gaulle, 29200 Brest"


def test_an_invoice_number_under_its_caption_behind_a_misread_degree_sign():
    """« Votre facture » over « n: FA202406278056 » (the ° of `n°` read as a colon)."""
    rows = [[(455, "Votre facture")], [(455, "n: FA202406278056")]]
    assert extract_invoice_number(doc(rows, source="ocr", conf=0.9)).value == "FA202406278056"


def test_an_ordinal_glued_to_its_building_word_on_a_scan_is_split_and_no_other_word_is():
    """`3eétage`: OCR lost the space of « 3e étage ». A glued ordinal before a
    word that is no building word (`2eme` in `12emeRue`) is left as read."""
    rows = [[(330, "Mme Solène Martinez")], [(330, "3eétage")], [(330, "107 bis impasse de Verdun")],
            [(330, "66000 Perpignan")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["address"].value == "3e étage, 107 bis impasse de Verdun, 66000 Perpignan"
    rows[1] = [(330, "Résidence 2emeRue")]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["address"].value.startswith("Résidence 2emeRue, ")


def test_a_speck_read_as_one_letter_between_the_name_and_the_street_is_no_line_of_the_block():
    """`A`, a speck beside the service phone right over the street line:
    the block's name is still the civility's line above it."""
    rows = [[(324, "Monsieur Jérôme Mathieu")], [(40, "Service client 09 76 43 19 14"), (340, "A")],
            [(324, "139 quai de la Gare")], [(324, "30000 Nîmes")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page = replace(page, words=[replace(w, conf=0.31) if w.text == "A" else w for w in page.words])
    found = extract_customer(build_document([page]))
    assert found["name"].value == "Jérôme Mathieu"
    assert found["address"].value == "139 quai de la Gare, 30000 Nîmes"


def test_specks_after_the_house_number_or_over_a_towns_letter_and_a_town_cut_short():
    """`45. ter avenue des Hirondelles`, `45.ter …`, `22'chemin …`: no
    address prints a mark after its number. `21000 Di` read unsure over `ijon`: a town cut short gives no
    address; `76260 Eu` read surely is a town."""
    rows = [[(330, "Mme Noémie Perrin")], [(330, "+4 S3 boulevard Simone Veil")], [(330, "57000 Metz")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"] is None  # a house number OCR guessed
    for street in ("45. ter avenue des Hirondelles", "45.ter avenue des Hirondelles", "45'ter avenue des Hirondelles"):
        rows = [[(330, "Mme Lucie Roux")], [(330, street)], [(330, "66000 Perpignan")]]
        assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
            "45 ter avenue des Hirondelles, 66000 Perpignan"
    rows = [[(324, "M. Paul Girard")], [(324, "22'chemin Georges Brassens")], [(324, "68100 Mulhouse")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "22 chemin Georges Brassens, 68100 Mulhouse"
    # Specks read as an umlaut no French place name carries.
    rows = [[(330, "Mme Lucie Roux")], [(330, "137 bis chemin des Cerisiers")], [(330, "14000 Cäen")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "137 bis chemin des Cerisiers, 14000 Caen"
    rows = [[(330, "Mme Lucie Roux")], [(330, "61 quai Édouard Herriot")], [(330, "21000 Di")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page = replace(page, words=[replace(w, conf=0.34) if w.text == "Di" else w for w in page.words])
    assert extract_customer(build_document([page]))["address"] is None
    rows[2] = [(330, "76260 Eu")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == "61 quai Édouard Herriot, 76260 Eu"


def test_an_offer_name_cut_after_a_connecting_word_is_unknown():
    """`Électricité et ‖ verts- Prix`: OCR lost the word between the pieces
    (« gaz »): the name is unknown, whatever the lines under it say."""
    from tasks.extract.fields import extract_offer

    rows = [[(54, "OFFRE")], [(54, "Électricité et"), (150, "verts- Prix")], [(54, "fixe")]]
    assert extract_offer(doc(rows, source="ocr", conf=0.9), []) is None
    rows = [[(54, "OFFRE")], [(54, "Électricité et gaz verts - Prix fixe")]]
    assert extract_offer(doc(rows, source="ocr", conf=0.9), []).value == "Électricité et gaz verts - Prix fixe"


def test_a_civilitys_point_read_as_a_comma_a_stairs_letter_read_accented_and_a_street_type_alone():
    """`M, Mehdi Roussel`: the abbreviation's point read as a comma (a
    letter's « Madame, Monsieur, » is no civility). `ESCALIER À`: a speck
    over stair A read as a grave accent. `square` alone on its line: the
    street's number and name went to another row, so the address would be
    another's: none."""
    from tasks.extract.customer import strip_civility

    rows = [[(330, "M, Mehdi Roussel")], [(330, "171 avenue Georges Brassens")], [(330, "49000 Angers")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["name"].value == "Mehdi Roussel"
    assert strip_civility("Madame, Monsieur,")[1] is False
    rows = [[(330, "M. Paul Henry")], [(330, "ESCALIER À")], [(330, "57 ter rue de Verdun")], [(330, "14000 Caen")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Escalier A, 57 ter rue de Verdun, 14000 Caen"
    rows = [[(330, "M. Jean-Pierre Lefèvre")], [(330, "Résidence du Parc")], [(330, "square")], [(330, "41000 Blois")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"] is None


def test_a_label_wrapped_at_the_end_of_a_sentences_line_labels_the_value_on_the_next():
    """`… référence client EC152444, point de` / `comptage et d'estimation
    n° 59062724952004`: the PCE's label wrapped in running text. A caption
    ending a right-hand column's line does not run on into the left
    column's next line (`Montant de cette facture de régularisation` over
    `du 16 décembre 2024 au 15`, no date of the bill)."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(40, "Votre contrat « Gaz renouvelable » :"), (260, "référence client EC152444, point de")],
            [(40, "comptage et d'estimation n° 59062724952004, tarif T2.")]]
    d = doc(rows, source="ocr", conf=0.9)
    assert extract_pce(d, collect_exclusions(d)).value == "59062724952004"
    # The whole line read as one segment, its box stretched by a speck: the
    # next line starts well left of its last words.
    rows = [[(40, "Votre contrat « Gaz vert » : référence client EC152444, point de comptage et")],
            [(40, "d'estimation n° 59062724952004, tarif T2.")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page.words = [replace(w, y0=w.y0 - 5) if w.text == "«" else w for w in page.words]
    d = build_document([page])
    assert extract_pce(d, collect_exclusions(d)).value == "59062724952004"
    rows = [[(40, "DATE DE FACTURE")], [(40, "23 décembre 2025")], [(40, "PÉRIODE FACTURÉE")],
            [(300, "Montant de cette facture de régularisation")], [(40, "du 16 décembre 2024 au 15")]]
    assert extract_invoice_date(doc(rows, source="ocr", conf=0.9)).value == date(2025, 12, 23)


def test_a_civility_glued_by_a_dash_a_postcode_line_after_a_dash_and_an_index_read_as_a_town():
    """`Monsieur-Mathéo Masson`: the civility OCR glued to the name.
    `- 24000 PÉRIGUEUX`: a dash speck before the town line hides no block;
    `Nouvel index ‖ 21773 ‖ Estimé` below it is no postcode and town. `ter
    chemin du Maréchal Foch`: the house number lost, no address."""
    rows = [[(330, "Monsieur-Mathéo Masson")], [(330, "12 rue des Lilas")], [(330, "75011 Paris")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["name"].value == "Mathéo Masson"
    rows = [[(330, "M. BENOÎT DUPONT")], [(330, "143 AVENUE SAINTE-CATHERINE")], [(330, "- 24000 PÉRIGUEUX")],
            [(40, "Période de facturation"), (200, "01/07/25 au 31/07/25")],
            [(40, "Base"), (120, "Nouvel index"), (200, "21773"), (260, "Estimé")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert (found["name"].value, found["address"].value) == \
        ("Benoît Dupont", "143 avenue Sainte-Catherine, 24000 Périgueux")
    rows = [[(330, "Madame Noémie Simon")], [(330, "ter chemin du Maréchal Foch")], [(330, "64500 Saint-Jean-de-Luz")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"] is None


def test_a_street_name_lost_after_its_particle_and_names_ocr_garbled():
    """`11 allée de` over `14000 Caen`: the street's name lost, no address
    (a name wrapped after its particle goes on on the next line). A name
    whose capital OCR read as another small letter (`tean-Baptiste`), with
    a letter no French name spells (`Baäptiste`) or a letter after a
    diaeresis (`Maëelle`) is unknown; `julien` is Julien, its J read small."""
    rows = [[(330, "Mme Lucie Roux")], [(330, "Porte 5")], [(330, "11 allée de")], [(330, "14000 Caen")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"] is None
    rows[2] = [(330, "146 avenue du Général de")]
    rows.insert(3, [(330, "Gaulle")])
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Porte 5, 146 avenue du Général de Gaulle, 14000 Caen"

    def name(text):
        found = extract_customer(doc([[(330, text)], [(330, "12 rue des Lilas")], [(330, "75011 Paris")]],
                                     source="ocr", conf=0.9))["name"]
        return found.value if found else None

    assert name("M. tean-Baptiste Mercier") is None
    assert name("M. jean-Baäptiste Henry") is None
    assert name("Mme Maëelle Garnier") is None
    assert name("MME NOËÉMIE FOURNIER") is None
    assert name("M julien Legrand") == "Julien Legrand"
    assert name("Mme Maëlle de La Tour") == "Maëlle de La Tour"


def test_ocr_misreads_of_ttc_and_livraison_in_captions():
    """`Total de la facture TFC` (TTC, a T read as F) captions the total;
    `point de Hvraison n° 9112 / 3787 6249 30` (« li » read as H) the PDL."""
    from tasks.extract.fields import extract_totals

    d = doc([[(40, "Total de la facture TFC"), (420, "69,28 €")]], source="ocr", conf=0.9)
    assert [c.value for c in extract_totals(d)["total_ttc"]] == [69.28]
    d = doc([[(40, "Votre contrat « Basic Watt » : référence client EC070711, point de Hvraison n° 9112")],
             [(40, "3787 6249 30, puissance souscrite de 30 kVA en option Base.")]], source="ocr", conf=0.9)
    assert extract_pdl(d, collect_exclusions(d)).value == "91123787624930"


def test_a_name_in_capitals_takes_the_accents_it_is_printed_with_elsewhere():
    """`M. FELICIEN DA SILVA` (OCR, or the print, left the capitals bare)
    over its address, and `Débiteur : Félicien Da Silva` on the mandate:
    the name is spelled as printed in normal case. A longer name that only
    starts the same (`Jean Martinez`) is another's."""
    def name(elsewhere):
        rows = [[(330, "M. FELICIEN DA SILVA")], [(330, "33 TER RUE SAINT-ELOI")], [(330, "42000 SAINT-ETIENNE")],
                [(40, elsewhere)]]
        return extract_customer(doc(rows, source="ocr", conf=0.9))["name"].value

    assert name("Débiteur : Félicien Da Silva - IBAN FR54 8145 6775 3756 2105 2948 187") == "Félicien Da Silva"
    assert name("Débiteur : Félicien Da Silvano - IBAN FR54 8145 6775 3756 2105 2948 187") == "Felicien Da Silva"


def test_names_whose_accented_capital_ocr_read_bare_take_their_accent():
    """`85 cours Emile Zola`, `Mme Elodie Martin` on a scan: Émile, Élodie
    are always spelled with their É. The text layer is as printed."""
    rows = [[(330, "Mme Elodie Martin")], [(330, "85 COURS EMILE ZOLA")], [(330, "01000 Bourg-en-Bresse")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert (found["name"].value, found["address"].value) == \
        ("Élodie Martin", "85 cours Émile Zola, 01000 Bourg-en-Bresse")
    found = extract_customer(doc(rows))
    assert (found["name"].value, found["address"].value) == \
        ("Elodie Martin", "85 cours Emile Zola, 01000 Bourg-en-Bresse")
    # An accent read as another, or one a speck made, on a name spelled always the same.
    rows[1] = [(330, "34 avenue Édouard Herriôt")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "34 avenue Édouard Herriot, 01000 Bourg-en-Bresse"
    rows[1] = [(330, "12 avenue Jean Jaurés")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "12 avenue Jean Jaurès, 01000 Bourg-en-Bresse"
    # `106 ter` alone: the street's name went to another row.
    rows[1] = [(330, "106 ter")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"] is None


def test_the_date_under_the_invoice_number_and_not_a_periods_end():
    """`46601002432347` / `du 06/02/26` at the top, the title a logo OCR
    could not read: the date under the invoice number read elsewhere is the
    bill's. `Votre facture n° … du ‖ juin 2024 …` / `au 31/05/24` (the
    day and the period's start lost): a period's end is no date of issue,
    nor a period's start whose end wrapped (`facture ‖ Pour la période du
    1er septembre 2025 au` / `31 octobre 2025`) under a bare « facture »."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(40, "SR Sn"), (415, "46601002432347")], [(486, "du 06/02/26")], [(40, "texte")],
            [(40, "N° de facture : 46601002432347")]]
    d = doc(rows, source="ocr", conf=0.9)
    assert extract_invoice_date(d, "46601002432347").value == date(2026, 2, 6)
    assert extract_invoice_date(d, None) is None
    rows = [[(57, "Votre facture n° 20242861750 du"), (300, "juin 2024 s'élève à 187,56 € TTC.")],
            [(57, "DUREE au 31/05/24. Prélevé le 25/06/24.")]]
    assert extract_invoice_date(doc(rows, source="ocr", conf=0.9)) is None
    rows = [[(40, "facture"), (230, "Pour la période du 1er septembre 2025 au")], [(230, "31 octobre 2025")],
            [(40, "Facture n°"), (300, "Émise le")], [(40, "IL251107-52326"), (300, "7 novembre 2025")]]
    assert extract_invoice_date(doc(rows, source="ocr", conf=0.9)).value == date(2025, 11, 7)


def test_an_address_line_holding_a_word_ocr_could_not_read_gives_no_address():
    """`Porte PAU` (« Porte 5 », its number read at confidence 0): the
    address would be another flat's. A town read as unsure is checked
    against its postcode instead (`30000 NIMES` at 0,16 is Nîmes)."""
    def address(door_conf, town_conf):
        rows = [[("M.", 0.95), ("Benoît", 0.95), ("Pelletier", 0.95)], [("Porte", 0.95), ("PAU", door_conf)],
                [("126", 0.95), ("rue", 0.95), ("Sainte-Catherine", 0.95)], [("30000", 0.95), ("NIMES", town_conf)]]
        found = extract_customer(build_document([ocr_words_page(rows)]))
        return found["address"].value if found["address"] else None

    assert address(0.0, 0.95) is None
    assert address(0.9, 0.16) == "Porte Pau, 126 rue Sainte-Catherine, 30000 Nîmes"


def test_a_street_name_word_that_lost_its_capital_and_a_street_type_glued_to_its_particle():
    """`167 ter quai Jean laurés` (« Jaurès »: its J read as an l): in a
    street name printed with capitals, a small word that is no particle was
    misread; `jules` is only its J read small, `8 mai 1945` a date, `des
    lilas` typed in small letters throughout. `boulevarddu Port` is
    « boulevard du Port »; `166 piace des Peupliers` « place »."""
    def address(street):
        rows = [[(330, "M Stéphane Vincent")], [(330, street)], [(330, "31000 Toulouse")]]
        found = extract_customer(doc(rows, source="ocr", conf=0.9))["address"]
        return found.value if found else None

    assert address("167 ter quai Jean laurés") is None
    assert address("118 bis avenue jules Ferry") == "118 bis avenue jules Ferry, 31000 Toulouse"
    assert address("3 place du 8 mai 1945") == "3 place du 8 mai 1945, 31000 Toulouse"
    assert address("12 rue des lilas") == "12 rue des lilas, 31000 Toulouse"
    assert address("107 boulevarddu Port") == "107 boulevard du Port, 31000 Toulouse"
    # After the house number, a street type misread by one letter, read surely.
    assert address("166 piace des Peupliers") == "166 place des Peupliers, 31000 Toulouse"
    assert address("166 Plage des Peupliers") == "166 Plage des Peupliers, 31000 Toulouse"
    # An article in full before a vowel lost the « l' » after it.
    assert address("72 place de industrie") is None
    assert address("72 place de l'Industrie") == "72 place de l'Industrie, 31000 Toulouse"


def test_captions_ocr_garbled_at_their_start_a_reference_and_an_invoice_number():
    """`9étérence client ‖ Offre` over `IL26127291 ‖ …` (its R read as a
    9, its f as a t); `acture n° F-2398814929` (its F lost at the page's
    edge)."""
    d = doc([[(49, "9étérence client"), (200, "Offre")], [(49, "IL26127291"), (200, "Électricité verte locale")]],
            source="ocr", conf=0.9)
    assert extract_client_number(d).value == "IL26127291"
    d = doc([[(451, "acture n° F-2398814929")], [(40, "octopus energy")]], source="ocr", conf=0.9)
    assert extract_invoice_number(d).value == "F-2398814929"


def test_a_name_or_street_word_read_unsure_a_letter_off_its_spelling_and_a_designator_glued():
    """`Monsieur Grévoire Gérard` (`Grévoire` read at 0,89, a letter off
    only « Grégoire »), `allée du Chéteau` (« Château »), `BâtimentC`: put
    right. Read surely, a name is as printed."""
    def read(name_conf):
        rows = [[("Monsieur", 0.95), ("Grévoire", name_conf), ("Gérard", 0.95)], [("BâtimentC", 0.95)],
                [("89", 0.95), ("ter", 0.95), ("allée", 0.95), ("du", 0.95), ("Chéteau", 0.83)],
                [("17000", 0.95), ("La", 0.95), ("Rochelle", 0.95)]]
        found = extract_customer(build_document([ocr_words_page(rows)]))
        return found["name"].value, found["address"].value

    assert read(0.89) == ("Grégoire Gérard", "Bâtiment C, 89 ter allée du Château, 17000 La Rochelle")
    assert read(0.95)[0] == "Grévoire Gérard"


def test_a_bills_two_references_read_on_a_scan_settle_each_others_prefix():
    """Whichever of the two references OCR read whole gives the other its
    letters, in `extract_invoice` as in each field's reader."""
    from tasks.extract import extract_invoice
    from tests.extract_support import words_page

    def references(invoice: str, client: str) -> tuple:
        rows = [[(46, "Facture n°"), (298, "Émise le")], [(46, invoice), (298, "9 septembre 2025")],
                [(46, "Référence client"), (298, "Offre")], [(46, client), (298, "Biogaz local - Prix fixe")]]
        found = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)
        return found["invoice_number"], found["customer"]["client_number"]

    assert references("1L250909-05022", "IL75443636") == ("IL250909-05022", "IL75443636")
    assert references("IL250909-05022", "1175443636") == ("IL250909-05022", "IL75443636")
    assert references("1L250909-05022", "1175443636") == (None, "1175443636")  # nothing to settle them by


@pytest.mark.parametrize(("caption", "expected"), [
    ("Recrence client", "IL53655676"),  # « Référence » garbled in two places
    ("Ré‘#rence client", "IL53655676"),
    ("Re'érence client", "IL53655676"),  # its f read as an apostrophe, no elision
    ("Référence client", "IL53655676"),
    ("Conference client", None),  # three edits from « référence »: another word
])
def test_a_long_caption_word_garbled_in_two_places_still_captions_its_value(caption, expected):
    page = words_page([[(48, "Facture n°"), (294, "Émise le")], [(48, "IL250130-49063"), (294, "30 janvier 2025")],
                       [(48, caption), (294, "Offre")], [(48, "IL53655676"), (294, "Électricité verte locale")]],
                      source="ocr", conf=0.8)
    found = extract_client_number(build_document([page]))
    assert (found.value if found else None) == expected


def test_a_caption_respelled_keeps_its_elided_article_and_brackets():
    """`Date d'émission` read unsure: « d'émission » is no garbled « émission »
    to put right, and the caption still dates the bill."""
    from tasks.extract.fields import extract_invoice_date
    from tasks.extract.numbers import edit_distance

    page = words_page([[(40, "Date d'émission"), (200, "27/08/2025")]], source="ocr", conf=0.8)
    assert extract_invoice_date(build_document([page])).value.isoformat() == "2025-08-27"
    assert edit_distance("recrence", "reference") == 2 and edit_distance("reference", "reference") == 0


def test_a_caption_cut_where_ocr_boxed_its_pale_end_short_still_captions_its_value():
    """`Référence ‖ client` on a photo, the first word's pale end unboxed:
    2,1 word heights apart, the two pieces are still one caption."""
    words = [Word("Référence", 50.2, 252.2, 75.8, 258.7, 0.39), Word("client", 89.5, 252.7, 109.4, 258.5, 0.94),
             Word("Offre", 302.2, 252.2, 320.4, 258.7, 0.94),
             Word("IL85973640", 50.0, 260.0, 95.0, 267.0, 0.9), Word("Biogaz", 303.0, 260.0, 330.0, 267.0, 0.9)]
    found = extract_client_number(build_document([Page(1, 595.0, 842.0, words, source="ocr")]))
    assert found.value == "IL85973640"


def test_a_lone_letter_read_unsure_in_a_street_line_leaves_the_address_unknown():
    """`48 ter À place Jules Fer` (« Ferry »), the `À` read at 31 %: a speck
    on a damaged line, the address unknown rather than cut. A stair's letter
    (`Escalier B`) or a letter read surely stays."""
    def address(street: str, conf: float):
        rows = [[(379, "M. Paul Girard")], [(379, street)], [(379, "33000 Bordeaux")]]
        page = words_page(rows, source="ocr", conf=0.95)
        page = replace(page, words=[replace(w, conf=conf) if len(w.text) == 1 and w.text.isalpha() else w
                                    for w in page.words])
        found = extract_customer(build_document([page]))["address"]
        return found.value if found else None

    assert address("48 ter À place Jules Fer", 0.31) is None
    assert address("48 ter place Jules Ferry", 0.31) == "48 ter place Jules Ferry, 33000 Bordeaux"
    assert address("Escalier B 48 place Jules Ferry", 0.31) == "Escalier B 48 place Jules Ferry, 33000 Bordeaux"


def test_a_complement_cut_short_takes_back_the_point_ocr_lost():
    """`Bât B` on a scan: French typography points an abbreviation that
    cuts its word short (Bât., Esc.), and OCR drops small points; `Appt 12`
    keeps the word's last letter and takes none; a text layer's line is as printed."""
    rows = [[(330, "Mme Lucie Martin")], [(330, "Bât B")], [(330, "102 place du Port")], [(330, "62100 Calais")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Bât. B, 102 place du Port, 62100 Calais"
    rows[1] = [(330, "Appt 12")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Appt 12, 102 place du Port, 62100 Calais"
    rows[1] = [(330, "Esc 3")]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["address"].value == \
        "Esc. 3, 102 place du Port, 62100 Calais"
    rows[1] = [(330, "Bât B")]
    assert extract_customer(doc(rows))["address"].value == "Bât B, 102 place du Port, 62100 Calais"


def test_a_reminder_of_the_previous_bill_whose_colon_ocr_dropped_is_not_this_bills_number_nor_date():
    """« Rappel : facture n° … du 24/04/2024 » with the colon lost: the space
    it leaves splits the line into « Rappel » and « facture n° … ». The
    words just left of the caption still make it the previous bill's."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(55, "Objet : votre facture n° 30248326852480")], [(400, "Courbevoie, le 9 juin 2024")],
            [(55, "Rappel"), (92, "facture n° 30248326852306 du 24/04/2024, montant 243,10 €.")]]
    d = build_document([words_page(rows, source="ocr", conf=0.9, line_gap=20)])
    assert [s.folded for s in d.lines[2].segments][0] == "rappel"  # the line is cut as OCR cut it
    assert extract_invoice_number(d).value == "30248326852480"
    assert extract_invoice_date(d).value == date(2024, 6, 9)


def test_a_date_of_issue_whose_captions_first_letter_ocr_misread():
    """« DATE D'ÉMISSION » read « JATE D'EMISSION », the D lost to a speck
    or a pale stroke: still the caption of the date over it."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(47, "FA-2025-7122894"), (194, "09/08/2025"), (450, "19/08/2025")],
            [(64, "NUMERO DE FACTURE"), (202, "JATE D'EMISSION"), (459, "DATE LIMITE DE PAIEMENT")]]
    page = words_page(rows, source="ocr", conf=0.95, line_gap=11)
    page.words = [replace(w, conf=0.17) if w.text == "JATE" else w for w in page.words]
    assert extract_invoice_date(build_document([page])).value == date(2025, 8, 9)


def test_a_civilitys_point_read_as_a_colon():
    """`M: Benoît Roux`: the abbreviation's point read as a colon. A
    written-out civility before a colon is still no name."""
    from tasks.extract.customer import strip_civility

    rows = [[(330, "M: Benoît Roux")], [(330, "115 square Albert Camus")], [(330, "84800 L'Isle-sur-la-Sorgue")]]
    assert extract_customer(doc(rows, source="ocr", conf=0.9))["name"].value == "Benoît Roux"
    assert strip_civility("M: Benoît Roux") == ("Benoît Roux", True)
    assert strip_civility("Madame, Monsieur,")[1] is False


def test_a_contract_account_stands_in_for_the_client_number_only_when_no_client_caption_gives_one():
    """« Compte contrat » (a utility's contract account) under « N° de client »:
    the client number is the one the client caption gives; alone, the
    contract account is the reference the bill has."""
    rows = [[(300, "N° de client :"), (480, "10 6687 9006")],
            [(300, "Compte contrat :"), (480, "300022536008")]]
    found = extract_client_number(doc(rows, source="ocr", conf=0.9))
    assert found.value == "1066879006" and found.conf >= 0.8
    assert extract_client_number(doc(rows[1:])).value == "300022536008"


def test_a_cell_under_a_row_of_cells_starting_elsewhere_is_no_continuation_of_its_value():
    """A payment slip's row « ÉS Énergies Strasbourg SA ‖ N° de client : ‖ 10
    6687 9006 » over « 40021 ‖ Facture n° : ‖ … » (the end of `TSA 40021`):
    the digits opening the next line, far from where the row starts, are
    another cell, not the rest of the client number. Prose that wraps at
    its value carries on where its line starts."""
    rows = [[(45, "ÉS Énergies Strasbourg SA"), (305, "N° de client :"), (498, "10 6687 9006")],
            [(150, "40021"), (305, "Facture n° :"), (493, "124187243218")]]
    assert extract_client_number(doc(rows, source="ocr", conf=0.9)).value == "1066879006"
    prose = [[(45, "Votre contrat, identifié par le"), (305, "N° de client"), (498, "10 6687")],
             [(45, "9006, est à votre nom.")]]
    assert extract_client_number(doc(prose, source="ocr", conf=0.9)).value == "1066879006"


def test_capitals_are_recased_after_the_copy_whose_letters_are_theirs():
    """« 36 SQUARE DU MOULIN » in capitals, and two copies in normal case: a
    scan's « 36 square dü Moulin » (a speck's accent) and « 36 square du
    Moulin »: the latter is how the capitals read."""
    rows = [[(340, "M. JEAN-BAPTISTE LAURENT")], [(340, "36 SQUARE DU MOULIN")],
            [(340, "92100 BOULOGNE-BILLANCOURT")], [], [],
            [(40, "Lieu de consommation :"), (200, "36 square dü Moulin, 92100 Boulogne-Billancourt")], [], [],
            [(40, "Règlement par chèque à l'ordre de ÉS, au nom de M. Laurent, 36 square du Moulin")]]
    c = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert c["address"].value == "36 square du Moulin, 92100 Boulogne-Billancourt"


def test_a_name_in_capitals_takes_its_order_from_its_mixed_case_printing():
    """`MADAME HADDAD LUCIE` over the address, `Madame HADDAD Lucie` beside
    `Titulaire du contrat`: the mixed-case printing says which word is the
    surname, so the block's name is Lucie Haddad too (on a photo the block's
    name won the vote with the words in the surname's order)."""
    rows = [[(330, "MADAME HADDAD LUCIE")], [(330, "76 TER ROUTE GEORGES BRASSENS")], [(330, "66000 PERPIGNAN")],
            [(40, "Facture de gaz naturel")], [(300, "Titulaire du contrat"), (420, "Madame HADDAD Lucie")]]
    for source in ("text", "ocr"):
        assert extract_customer(build_document([words_page(rows, source=source, conf=0.9)]))["name"].value == \
            "Lucie Haddad"


def test_a_street_type_whose_speck_sank_its_confidence_is_read():
    """`38 avenüe Anatole France`: a speck over the u, the word read with
    next to no confidence, is still the street type; another word read so is not."""
    def address(word: str) -> str | None:
        page = ocr_words_page([[("Mme", 0.96), ("Sandrine", 0.96), ("Gérard", 0.96)], [("3e", 0.96), ("étage", 0.96)],
                               [("38", 0.96), (word, 0.05), ("Anatole", 0.96), ("France", 0.96)],
                               [("02100", 0.96), ("Saint-Quentin", 0.96)]])
        found = extract_customer(build_document([page]))["address"]
        return found.value if found else None

    assert address("avenüe") == "3e étage, 38 avenue Anatole France, 02100 Saint-Quentin"
    assert address("Anatoüe") is None


def test_an_address_block_does_not_run_up_into_a_card_of_captions_and_values():
    """A contract card (`Titulaire ‖ Monsieur Jérôme Rivière`, `Offre ‖
    Plüm Duo Coopératif Fixe`, `Lieu de consommation ‖ 47 boulevard du
    Château,` / `13100 Aix-en-Provence`), its values flush right beside a
    summary whose amount OCR ran into the caption (`244,81 € HT Offre`): the
    consumption address is no billing block with the offer for its first
    line; the block in the window is the billing address."""
    rows = [[(324, "Monsieur Jérôme Rivière")], [(324, "98 square des Écoles")], [(324, "62100 Calais")], [],
            [(43, "Électricité"), (250, "57,74 € HT Titulaire"), (444, "Monsieur Jérôme Rivière")],
            [(43, "Gaz naturel"), (244, "244,81 € HT Offre"), (440, "Plüm Duo Coopératif Fixe")],
            [(438, "47 boulevard du Château,")],
            [(43, "Services et frais"), (250, "12,98 € HT Lieu de consommation"), (450, "13100 Aix-en-Provence")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9, line_gap=16)]))
    assert found["address"].value == "98 square des Écoles, 62100 Calais"
    assert found["address"].conf > 0.8


def test_a_pale_client_caption_whose_l_ocr_read_as_a_t():
    """`Référence ctent` over `IL46557489` on a pale 150 dpi scan: « Référence client »."""
    page = ocr_words_page([[("Référence", 0.5), ("ctent", 0.4)], [("IL46557489", 0.74)]], x=46)
    assert extract_client_number(build_document([page])).value == "IL46557489"


def test_an_address_block_beside_a_column_of_captions_over_their_values():
    """`VOTRE NUMÉRO CLIENT` over `1162030`, `DATE DE FACTURE` over `11 février
    2026` in a left column, read by OCR on the lines of the address block in
    the window: each caption's value is under it, so the address line beside
    it on its line is the block's, not the caption's value."""
    rows = [[(50, "VOTRE NUMÉRO CLIENT"), (379, "Madame Gaëlle Rousseau")], [(51, "1162030")],
            [(379, "Lieu-dit Les Granges")], [(51, "DATE DE FACTURE"), (378, "99 ter allée du Château")],
            [(51, "11 février 2026")], [(379, "67000 Strasbourg")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9, line_gap=9)]))
    assert found["address"].value == "Lieu-dit Les Granges, 99 ter allée du Château, 67000 Strasbourg"
    assert found["name"].value == "Gaëlle Rousseau"


def test_an_index_and_its_reading_nature_in_a_readings_row_are_no_postcode_and_town():
    """`Index fin` over `51433 Réel` in a readings table: no address."""
    rows = [[(40, "Relevé"), (90, "Date fin"), (160, "Index fin"), (230, "Nature")],
            [(40, "Base"), (90, "31/01/2026"), (160, "51433 Réel"), (230, "3 290 kWh")]]
    found = extract_customer(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert found["address"] is None


def test_an_address_line_whose_box_spans_two_lines_leaves_the_address_unknown():
    """A scan's `Joël VINCENT` (its `M.` lost) whose `Joël` OCR boxed as
    tall as two lines, over the lost `Bât. B`, then `137 avenue du Port`,
    `69003 Lyon`: a line of the block was read over another, so the address
    is not known whole (it read « Joël, 137 avenue du Port, 69003 Lyon »)."""
    def address(joel_bottom: float):
        boxes = [("Joël", 119, 87.3, 134, joel_bottom), ("VINCENT", 138, 87.3, 176, 94.3),
                 ("137", 121, 111.8, 135, 118.3), ("avenue", 139, 113.3, 170, 118.5), ("du", 174, 111.6, 184, 118.5),
                 ("Port", 188, 111.8, 204, 118.5), ("69003", 120, 123.8, 146, 130.6), ("Lyon", 150, 123.8, 169, 132.2)]
        found = extract_customer(build_document([boxes_page(boxes)]))["address"]
        return found and found.value

    assert address(100.8) is None
    assert address(94.3) == "137 avenue du Port, 69003 Lyon"


def test_an_address_block_beside_a_sentence_of_references_wrapping_onto_its_next_line():
    """`Numéro client 8295011 · Contrat électricité 8295011-01 · Contrat` (its
    last value wrapped: `gaz naturel 8295011-02`) beside `14 avenue de
    Bretagne`: the caption ending the line is the sentence's, whose value
    goes on under it, so the address block runs up to its name."""
    rows = [[(41, "Facture n° F2453875961 · Date d'émission 23/02/2024"), (363, "Mme Amina GÉRARD")],
            [(41, "Numéro client 8295011 · Contrat électricité 8295011-01 · Contrat"), (364, "14 avenue de Bretagne")],
            [(40, "gaz naturel 8295011-02"), (363, "33000 Bordeaux")]]
    found = extract_customer(build_document([words_page(rows, size=8, line_gap=12)]))
    assert found["address"].value == "14 avenue de Bretagne, 33000 Bordeaux"
    assert found["name"].value == "Amina Gérard"


def test_a_client_number_read_with_specks_as_digit_groups_is_no_reading_of_it():
    """A scan's header `Compte client 4 40 0620 2 8069` (two specks read as
    digits among the groups of 40 0620 8069) and the card's `N° de compte
    client ‖ 40 0620 8069`: the garbled groups give no reference (they read
    « 4400620 », a wrong client number, and outvoted the card's)."""
    from tasks.extract.identifiers import extract_client_number

    rows = [[(330, "Compte client 4 40 0620 2 8069")], [], [],
            [(40, "N° de compte client"), (200, "40 0620 8069")]]
    assert extract_client_number(doc(rows, source="ocr", conf=0.9)).value == "4006208069"


def test_a_scans_offer_name_with_a_speck_after_a_whole_word_and_no_period_sentence_for_a_name():
    """`Électricité et gaz verts - Prix. fixe` (a speck after « Prix ») is the
    name without it; under `Offre ‖ … Yéli gaz 100% vert` (its value far
    right), `Tarif d'acheminement gaz` and `Consommation du 01/08/2025 au
    30/09/2025` under it are no name, joined or not."""
    from tasks.extract.fields import extract_offer

    rows = [[(40, "Offre : Électricité et gaz verts - Prix. fixe")]]
    assert extract_offer(doc(rows, source="ocr", conf=0.9), []).value == "Électricité et gaz verts - Prix fixe"
    boxes = [("Offre", 39, 221.7, 57, 231.8), ("Yéli", 480, 222.4, 494, 228.6), ("gaz", 497, 224.1, 512, 230.3),
             ("100%", 515, 222.9, 537, 228.6), ("vert", 540, 223.1, 557, 228.6),
             ("Tarif", 38, 235.6, 54, 244.9), ("d'acheminement", 56, 235.6, 119, 247.1),
             ("gaz", 122, 238.0, 134, 244.0),
             ("T2", 510, 236.5, 520, 242.3), ("-", 523, 239.4, 527, 240.9), ("zone", 529, 237.7, 549, 242.3),
             ("3", 552, 236.5, 556, 242.3), ("Consommation", 34, 250.7, 98, 260.3), ("du", 101, 250.7, 111, 256.9),
             ("01/08/2025", 114, 250.9, 162, 257.4), ("au", 165, 252.1, 175, 256.9),
             ("30/09/2025", 178, 250.9, 226, 257.4)]
    assert extract_offer(build_document([boxes_page(boxes)]), []).value == "Yéli gaz 100% vert"


def test_a_speck_read_as_a_colon_after_a_complement_line_does_not_end_the_address_block():
    """`PORTE 5:` between `M. MEHDI HADDAD` and `61 BOULEVARD DES PEUPLIERS`."""
    rows = [[(375, "M. MEHDI HADDAD")], [(374, "PORTE 5:")], [(374, "61 BOULEVARD DES PEUPLIERS")],
            [(369, "62100 CALAIS")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["address"].value == "Porte 5, 61 boulevard des Peupliers, 62100 Calais"
    assert found["name"].value == "Mehdi Haddad"


def test_a_speck_read_as_a_colon_glued_inside_a_street_line_makes_no_caption_of_it():
    """`46 boulevard:-Anatole France` under `Madame Élodie Nicolas`: the
    colon glued between two words is a speck, no caption's: the block holds
    the name and the street."""
    rows = [[(321, "Madame Élodie Nicolas")], [(321, "46 boulevard:-Anatole France")], [(322, "37000 Tours")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Élodie Nicolas"
    assert found["address"].value == "46 boulevard Anatole France, 37000 Tours"


def test_an_l_read_as_an_exclamation_mark_in_a_photos_town_still_ends_the_block():
    """`19100 Brive-!a-Gaitlarde` on a photo: the `!` is an l, the town one
    commune of its postcode can be (Brive-la-Gaillarde)."""
    rows = [[(330, "Monsieur Stéphane Marchand")], [(330, "Résidence Les Erables")], [(330, "42 sauare du Port")],
            [(330, "19100 Brive-!a-Gaitlarde")]]
    found = extract_customer(doc(rows, source="ocr", conf=0.9))
    assert found["name"].value == "Stéphane Marchand"
    assert found["address"].value == "Résidence Les Érables, 42 square du Port, 19100 Brive-la-Gaillarde"


def test_an_ocr_offer_name_ending_short_of_its_flush_right_column_is_cut():
    """`Offre ‖ Plüm Coopérative Fixe` in a card whose values end flush right
    (`Madame Sophie Dupont`, `06195792948351`, `6 kVA`), ending a figure and
    a space short of that edge: OCR lost `2` (and `ans`, wrapped a line
    lower), the name read is cut: unknown. Flush with the edge, or in a
    column whose values start level (flush left), the name stands."""
    from tasks.extract.fields import extract_offer

    def offer(value_x0: float, neighbours_x0: tuple[float, float, float], widths=(103.7, 75.1, 24.5)):
        value = [("Plüm", 0.0, 21.1), ("Coopérative", 24.2, 76.6), ("Fixe", 79.9, 97.7)]
        words = [Word("Titulaire", 298.1, 317.5, 329.3, 323.8, 0.96), Word("Offre", 298.3, 333.4, 317.3, 340.1, 0.95),
                 Word("Point", 298.6, 365.0, 318.0, 371.5, 0.95), Word("Puissance", 298.8, 386.4, 336.2, 392.6, 0.96)]
        words += [Word(t, value_x0 + a, 333.4, value_x0 + b, 340.1, 0.96) for t, a, b in value]
        for (text, y0, y1), x0, width in zip((("Madame", 317.5, 325.4), ("06195792948351", 365.0, 371.5),
                                               ("kVA", 386.4, 392.6)), neighbours_x0, widths):
            if text == "Madame":  # `Madame Sophie Dupont`
                words += [Word(text, x0, y0, x0 + 36.2, y1, 0.95), Word("Dupont", x0 + 40.0, y0, x0 + width, y1, 0.95)]
            else:
                words.append(Word(text, x0, y0, x0 + width, y1, 0.95))
        doc = build_document([Page(number=1, width=595, height=842, words=words, source="ocr")])
        found = extract_offer(doc, [])
        return found.value if found else None

    right = (441.1, 469.4, 520.3)  # flush right at 544.8
    assert offer(438.9, right) is None
    assert offer(447.1, right) == "Plüm Coopérative Fixe"
    assert offer(438.9, (441.1, 441.1, 441.1), widths=(103.7, 75.1, 30.0)) == "Plüm Coopérative Fixe"


def test_a_pce_whose_last_digits_wrapped_flush_right_under_it_is_read_whole():
    """A scan's card `Point de comptage et d'estimation ‖ 361 844 710 800`
    over `(PCE) ‖ 36` (the caption's acronym and the number's last group
    wrapped, the summary's `Total HT ‖ 368,87 €` between them on the left):
    the PCE is 36184471080036."""
    from tasks.extract.identifiers import collect_exclusions, extract_pce

    boxes = [("Total", 43, 341.6, 65, 348.3), ("HT", 69, 341.9, 81, 348.1), ("368,87", 255, 341.6, 286, 349.3),
             ("€", 289, 341.6, 295, 348.1), ("Point", 301, 337.3, 320, 343.5), ("de", 323, 337.3, 332, 343.8),
             ("comptage", 335, 337.8, 374, 345.2), ("et", 378, 337.8, 385, 343.5),
             ("d'estimation", 388, 337.3, 436, 343.5), ("361", 479, 337.3, 494, 343.5), ("844", 498, 337.3, 514, 343.5),
             ("710", 517, 337.3, 533, 343.5), ("800", 537, 337.3, 552, 343.5), ("(PCE)", 301, 347.6, 321, 354.8),
             ("36", 542, 347.6, 552, 353.9)]
    document = build_document([boxes_page(boxes)])
    assert extract_pce(document, collect_exclusions(document)).value == "36184471080036"


def test_the_next_rows_payment_caption_under_an_offer_caption_is_no_offer_name():
    """`Offre ‖ ovo Simplicité Fixe` (its brand read in small letters, no
    name) over `Mode de paiement ‖ TIP SEPA`: the caption under it is the
    next row's, no offer name."""
    from tasks.extract.fields import extract_offer

    rows = [[(52, "Offre"), (205, "ovo Simplicité Fixe"), (307, "Puissance souscrite"), (520, "6 kVA")],
            [(52, "Mode de paiement"), (251, "TIP SEPA")]]
    found = extract_offer(doc(rows, source="ocr", conf=0.9), [])
    assert found is None or found.value != "Mode de paiement"


def test_a_name_whose_last_word_runs_into_a_box_ocr_could_not_read_is_unknown():
    """`Mme Amina Hen` and, touching « Hen », a box read `d:` at 4 % (the
    name's « ry »): the name is not known whole. The same block without that
    box has its name."""
    def name(with_scrap: bool):
        boxes = [("Mme", 50, 97.4, 74, 105.1, 0.97), ("Amina", 77, 97.2, 108, 105.1, 0.93),
                 ("Hen", 113, 97.4, 132, 105.1, 0.91), ("43", 49, 110.6, 62, 118.6, 0.96),
                 ("square", 66, 112.3, 99, 120.2, 0.96), ("de", 103, 110.6, 115, 118.6, 0.95),
                 ("la", 119, 110.6, 127, 118.6, 0.96), ("République", 131, 110.4, 187, 120.2, 0.96),
                 ("83000", 50, 123.8, 81, 131.8, 0.96), ("Toulon", 84, 123.8, 116, 131.5, 0.95)]
        if with_scrap:
            boxes.append(("d:", 133, 98.2, 142, 115.4, 0.04))
        found = extract_customer(build_document([boxes_page(boxes)]))["name"]
        return found and found.value

    assert name(False) == "Amina Hen"
    assert name(True) is None
