"""Lines, segments and labelled values rebuilt from word boxes."""
from dataclasses import replace

from tasks.extract.identifiers import extract_client_number
from tasks.extract.labels import find_labels, value_spots
from tasks.extract.layout import Document, Line, build_document, column_flow, make_segment
from tasks.extract.lines import read_items
from tasks.extract.sections import Sections
from tasks.model import Page, Word
from tests.extract_support import ocr_words_page, words_page


def scan_document(words: list[Word]):
    """The document of one scanned A4 page holding `words` (OCR boxes)."""
    return build_document([Page(number=1, width=595.0, height=842.0, words=words, source="ocr")])


def test_words_become_lines_and_segments():
    page = words_page([
        [(40, "N° client"), (330, "Monsieur DUPONT Laurent")],
        [(40, "149620843"), (330, "110 bis boulevard Georges Brassens")],
    ])
    doc = build_document([page])
    assert [ln.text for ln in doc.lines] == ["N° client   Monsieur DUPONT Laurent",
                                             "149620843   110 bis boulevard Georges Brassens"]
    assert [s.text for s in doc.lines[0].segments] == ["N° client", "Monsieur DUPONT Laurent"]


def test_a_dash_lying_low_in_its_line_stays_in_it():
    """OCR boxes a dash around the middle of the letters, below the centre of
    its neighbours' boxes (which hold capitals): it still belongs to their
    line, and does not cut « Électricité verte - Prix fixe » in two."""
    words = [Word("Électricité", 53.5, 190.2, 106.5, 198.4, 0.75), Word("verte", 110.1, 191.4, 138.2, 198.6, 0.93),
             Word("-", 142.3, 197.2, 145.4, 198.6, 0.93), Word("Prix", 149.5, 191.2, 169.9, 198.9, 0.97),
             Word("fixe", 173.7, 191.4, 192.9, 199.1, 0.97)]
    doc = scan_document(words)
    assert [[s.text for s in line.segments] for line in doc.lines] == [["Électricité verte - Prix fixe"]]


def test_a_word_whose_box_a_speck_stretched_down_stays_in_its_line():
    """`80` boxed with a speck under it, down well below the baseline of
    `AVENUE ÉDOUARD HERRIOT`: its centre sits too low for their line, but
    capitals and digits share their top: the street line is one."""
    words = [Word("Titulaire", 37.19, 111.32, 69.33, 117.31, 0.93), Word(":", 72.69, 112.99, 74.13, 117.07, 0.92),
             Word("M.", 180.17, 111.32, 187.12, 117.31, 0.95), Word("MARTIN", 190.48, 111.32, 215.67, 117.31, 0.95),
             Word("80", 374.73, 113.23, 384.8, 123.55, 0.97), Word("AVENUE", 387.2, 113.23, 419.59, 120.19, 0.96),
             Word("ÉDOUARD", 422.95, 111.56, 463.25, 121.63, 0.91),
             Word("HERRIOT", 466.85, 113.23, 502.36, 120.19, 0.91),
             Word("64100", 374.73, 124.99, 399.68, 131.95, 0.97), Word("BAYONNE", 403.28, 124.99, 440.7, 131.95, 0.96)]
    doc = scan_document(words)

    assert [[s.text for s in line.segments] for line in doc.lines] == [
        ["Titulaire :", "M. MARTIN", "80 AVENUE ÉDOUARD HERRIOT"], ["64100 BAYONNE"]]


def test_small_words_between_two_words_of_their_row_stay_in_it():
    """`Accise sur le gaz naturel`, `Accise` boxed from a speck well above
    it: `sur le gaz`, of a smaller x-height, centre lower than the row's
    other words and would make a line of their own, cutting the label in two."""
    words = [Word("Accise", 45.82, 447.45, 76.29, 459.21, 0.93), Word("sur", 80.13, 453.71, 95.48, 458.99, 0.96),
             Word("le", 99.08, 451.9, 107.0, 458.86, 0.97), Word("gaz", 110.6, 453.69, 127.15, 460.88, 0.96),
             Word("naturel", 131.23, 451.53, 165.53, 458.49, 0.97), Word("2,03", 503.56, 449.0, 523.71, 456.68, 0.97),
             Word("€", 527.31, 448.87, 533.07, 455.59, 0.96), Word("HT", 537.14, 448.76, 549.62, 455.24, 0.96)]
    doc = scan_document(words)

    assert [[s.text for s in line.segments] for line in doc.lines] == [["Accise sur le gaz naturel", "2,03 € HT"]]


def test_a_word_whose_box_reaches_far_up_stays_in_its_line():
    """OCR boxed `NUMÉRO` from well above its accent down to the baseline it
    shares with `VOTRE` and `CLIENT`: its centre sits too high for their
    line, yet the label is one (and its value, under it, is found)."""
    words = [Word("VOTRE", 49.7, 100.4, 72.7, 105.7, 0.96), Word("NUMÉRO", 75.8, 94.0, 106.3, 105.8, 0.96),
             Word("CLIENT", 109.4, 100.3, 133.6, 105.9, 0.96), Word("Mme", 378.1, 100.0, 400.4, 107.2, 0.96),
             Word("Denis", 404.0, 99.7, 429.6, 107.3, 0.96), Word("4491682", 49.9, 108.7, 95.3, 116.1, 0.96),
             # Above it, a line of its own whose bottom is not that baseline.
             Word("Relevé", 75.8, 86.0, 106.3, 92.0, 0.96)]
    doc = scan_document(words)

    assert [[s.text for s in line.segments] for line in doc.lines] == [
        ["Relevé"], ["VOTRE NUMÉRO CLIENT", "Mme Denis"], ["4491682"]]
    assert extract_client_number(doc).value == "4491682"


def test_two_strays_of_one_line_in_another_columns_row_both_return_to_it():
    """`18 cours des Vignes` on a scan: `18` and `des` land in the row of
    the left column's `DATE DE FACTURE`, side by side on one baseline; `des`
    fills its line's gap, then `18`, alone, goes back before `cours` (the
    capitals of `FACTURE`, their top level with its, make no pair). `92 ‖
    cours ‖ de Verdun`, `cours` set off: `92` shares its row's baseline and
    stays, `cours` joins it."""
    w = Word
    words = [w("DATE", 54.7, 124.6, 72.0, 130.3, 0.97), w("DE", 75.1, 124.8, 84.2, 130.3, 0.96),
             w("FACTURE", 87.1, 124.4, 118.1, 130.4, 0.97), w("18", 383.2, 125.6, 393.5, 133.3, 0.96),
             w("des", 426.4, 125.6, 442.7, 133.5, 0.97), w("Vignes", 446.1, 125.5, 477.5, 135.3, 0.96),
             w("cours", 397.1, 127.3, 422.8, 133.6, 0.96)]
    assert [[s.text for s in line.segments] for line in scan_document(words).lines] == \
        [["DATE DE FACTURE"], ["18 cours des Vignes"]]
    words = [w("Montant", 299.0, 270.6, 340.0, 281.0, 0.96), w("payer", 353.0, 272.1, 380.0, 279.0, 0.96),
             w("92", 41.0, 274.0, 51.0, 281.2, 0.96), w("de", 85.0, 273.8, 96.0, 281.2, 0.96),
             w("Verdun", 100.0, 273.8, 132.0, 281.0, 0.96), w("cours", 56.0, 275.7, 81.0, 281.2, 0.96)]
    assert [[s.text for s in line.segments] for line in scan_document(words).lines] == \
        [["92 cours de Verdun", "Montant", "payer"]]


def test_words_that_landed_in_another_columns_row_return_to_their_line():
    """A scan's OCR boxes (gen-0062): « variable », boxed from well above
    its line, lands in the next column's row (« Solde de … »), and the dash
    in the row below; both stand beside a word of « Gaz vert - Prix » on its
    baseline (or within it), and go back to it."""
    w = Word
    words = [w("OFFRE", 50.1, 185.2, 72.0, 190.7, 0.48), w("Gaz", 50.1, 193.6, 69.1, 201.3, 0.97),
             w("vert", 72.7, 192.7, 91.9, 206.1, 0.93), w("-", 97.4, 197.2, 101.5, 205.1, 0.92),
             w("Prix", 105.8, 193.4, 126.0, 201.1, 0.96), w("variable", 129.6, 185.0, 172.8, 201.1, 0.94),
             w("Solde", 246.7, 187.9, 269.7, 194.8, 0.97), w("de", 273.0, 187.9, 283.1, 194.6, 0.96),
             w("votre", 286.5, 188.1, 308.3, 194.6, 0.97), w("facture", 311.7, 187.6, 341.7, 194.6, 0.96),
             w("Net", 246.9, 201.3, 263.2, 210.4, 0.97), w("à", 266.6, 200.6, 271.6, 208.0, 0.96),
             w("payer", 275.7, 202.5, 302.8, 209.5, 0.93)]
    doc = scan_document(words)

    assert [[s.text for s in line.segments] for line in doc.lines] == [
        ["OFFRE"], ["Solde de votre facture"], ["Gaz vert - Prix variable"], ["Net à payer"]]


def test_a_value_wrapped_onto_the_next_line_of_a_scan_is_joined_though_one_box_is_stretched():
    """« Électricité et gaz verts - Prix / fixe »: OCR boxed « Électricité »
    from well above its accent, which makes its segment's box taller than
    the next line's; the words' own heights say both lines are one print."""
    from tasks.extract.fields import extract_offer

    page = words_page([[(55, "OFFRE")], [(55, "Électricité et gaz verts - Prix")], [(55, "fixe")]],
                      source="ocr", conf=0.9, line_gap=11)
    page.words = [replace(w, y0=w.y0 - 5) if w.text == "Électricité" else w for w in page.words]

    assert extract_offer(build_document([page]), []).value == "Électricité et gaz verts - Prix fixe"


def test_an_offer_named_after_a_mixed_case_brand_is_read_and_a_caption_under_it_is_no_offer():
    """« Offre souscrite ‖ wekiWEB Fixe 1 an » in a table of references
    (values flush right): a name may open on a brand written in mixed case;
    the next row's caption (« Identifiant PDL ») is no name for it."""
    from tasks.extract.fields import extract_offer

    page = words_page([[(40, "Offre souscrite"), (460, "wekiWEB Fixe 1 an")],
                       [(40, "Identifiant PDL"), (460, "28216380794604")]])
    assert extract_offer(build_document([page]), []).value == "wekiWEB Fixe 1 an"
    page = words_page([[(40, "Offre souscrite"), (460, "souscrite en ligne")],
                       [(40, "Identifiant PDL"), (460, "28216380794604")]])
    assert extract_offer(build_document([page]), []) is None


def test_a_minus_glued_to_an_amount_after_its_label_is_its_sign():
    """« Net à payer : -39,02 € » (a refund): the dash after the colon is the
    amount's sign, not a separator; « Net à payer : - 39,02 € » separates."""
    from tasks.extract.fields import extract_totals

    due = extract_totals(build_document([words_page([[(40, "Net à payer : -39,02 €")]])]))["amount_due"]
    assert [c.value for c in due] == [-39.02]
    due = extract_totals(build_document([words_page([[(40, "Net à payer - 39,02 €")]])]))["amount_due"]
    assert [c.value for c in due] == [39.02]


def test_on_a_scan_a_value_flush_right_is_read_past_specks_and_rules_read_as_letters():
    """A table of references in 7-point print, values flush right of an A4
    page (over 60 label heights away): a digit and a letter Tesseract did not
    believe (`4e`) or a rule two points tall read as `RE` stand between."""
    from tasks.extract.fields import extract_offer

    def row(y, label, noise, value):
        first, second = label.split()
        end = 44 + 3.8 * len(first)
        words = [Word(first, 44, y, end, y + 7.0, 0.93), Word(second, end + 2.4, y, end + 2.4 + 3.8 * len(second),
                                                                y + 7.0, 0.93)]
        return words + [noise, Word(value, 500.0, y, 552.0, y + 7.2, 0.95)]

    doc = scan_document(row(200.0, "Référence client", Word("RE", 307.7, 202.5, 330.5, 204.7, 0.48), "845954575")
                        + row(230.0, "Offre souscrite", Word("4e", 172.3, 229.5, 186.6, 237.7, 0.0), "Duo Fixe"))
    assert extract_client_number(doc).value == "845954575"
    assert extract_offer(doc, []).value == "Duo Fixe"


def test_an_ocr_offer_word_one_letter_off_the_suppliers_offer_names_is_read_as_printed():
    """`NovarFixe Duo` read on a scan where the supplier sells « NovaFixe »
    and « NovaFlex »: one letter off one of its names and no other."""
    from tasks.extract.fields import extract_offer

    def offer(text):
        page = words_page([[(40, "Offre"), (200, text)]], source="ocr", conf=0.9)
        return extract_offer(build_document([page]), ["NovaFixe", "NovaFlex"]).value

    assert offer("NovarFixe Duo") == "NovaFixe Duo"
    assert offer("NovaFlex Fixe") == "NovaFlex Fixe"  # its own name
    assert offer("Novafrax Fixe") == "Novafrax Fixe"  # two letters off: as read


def test_a_speck_read_as_a_lone_digit_inside_an_ocr_offer_name_is_left_out():
    """`Électricité et 9 gaz verts - Prix fixe` on a photo: a figure in a
    name counts something (`Fixe 2 ans`); one between two words is a speck."""
    from tasks.extract.fields import extract_offer

    def offer(text):
        page = words_page([[(40, "Votre offre"), (200, text)]], source="ocr", conf=0.9)
        return extract_offer(build_document([page]), []).value

    assert offer("Électricité et 9 gaz verts - Prix fixe") == "Électricité et gaz verts - Prix fixe"
    assert offer("Offre Fixe 2 ans") == "Offre Fixe 2 ans"


def test_a_value_over_its_caption_joins_the_line_it_wrapped_from_as_far_on_a_scan_as_under():
    """`Offre Extra Eco Fixe` over `Duo`, over the caption « VOTRE OFFRE »:
    on a scan the wrapped cell's lines stand as far apart, measured the same
    way, above a caption as under a label."""
    boxes = [("Offre", 305.7, 204.9, 330.0, 217.4), ("Extra", 333.0, 209.9, 355.0, 217.4),
             ("Eco", 358.0, 209.9, 375.0, 217.4), ("Fixe", 378.0, 209.9, 405.7, 217.4),
             ("Duo", 346.2, 220.5, 365.6, 227.7), ("VOTRE", 332.1, 233.2, 354.0, 238.7),
             ("OFFRE", 356.5, 233.2, 379.1, 238.7)]
    doc = scan_document([Word(text, x0, y0, x1, y1, 0.95) for text, x0, y0, x1, y1 in boxes])
    [hit] = [h for h in find_labels(doc, "offer") if h.seg.text == "VOTRE OFFRE"]
    assert next(value_spots(doc, hit)).text == "Offre Extra Eco Fixe Duo"


def test_an_offer_read_unsure_or_glued_by_ocr():
    """`Octo Fixe 2 vus`, its last word unsure: no offer is made of « vus »,
    so the reading is a guess; the same word sure, or an unsure word that
    offer names use (`ans`), keeps the reading. The end of a name cut off
    into the next cell is measured too (`Gaz Fixe ‖ où`)."""
    from tasks.extract.fields import extract_offer

    def offer(*words: tuple[str, float]):
        found = extract_offer(build_document([ocr_words_page([[("OFFRE", 0.95)], list(words)])]), [])
        return found.value if found else None

    assert offer(("Octo", 0.95), ("Fixe", 0.95), ("2", 0.9), ("vus", 0.55)) is None
    assert offer(("Octo", 0.95), ("Fixe", 0.95), ("2", 0.9), ("ans", 0.55)) == "Octo Fixe 2 ans"
    assert offer(("Biogaz", 0.95), ("local", 0.92), ("Fixe", 0.95)) == "Biogaz local Fixe"
    assert offer(("Biogaz", 0.95), ("local", 0.5), ("Fixe", 0.95)) is None
    # A letter alone that no offer name has (« 1 an » read `Ÿ`), however sure.
    assert offer(("Gaz", 0.95), ("Fixe", 0.95), ("Ÿ", 0.73)) is None
    cut = [Word("Offre", 42.96, 327.84, 64.32, 335.52, 0.97), Word("Gaz", 213.36, 328.08, 231.12, 335.28, 0.97),
           Word("Fixe", 234.48, 327.6, 254.4, 335.28, 0.96), Word("où", 266.4, 329.52, 277.92, 335.04, 0.34)]
    assert extract_offer(scan_document(cut), []) is None
    # Two words of offer names read without their space stand apart again;
    # a brand's capital inside one word of the catalogue stays.
    assert offer(("Gaz", 0.95), ("ClassicFixe", 0.95)) == "Gaz Classic Fixe"
    assert offer(("OctoTempo", 0.95)) == "OctoTempo"
    # A speck after the name read as an apostrophe (« Fixe 2 ans' »).
    assert offer(("Fixe", 0.95), ("2", 0.93), ("ans'", 0.8)) == "Fixe 2 ans"


def test_an_offer_name_whose_end_a_tilted_scan_put_on_another_line_is_unknown():
    """« Électricité et gaz verts - Prix fixe » under its caption, the scan's
    tilt putting `Électricité et` on the line of the next column's « Net à
    payer » and `gaz verts - Prix` a little lower: a name never ends in
    « et », so what was read is a piece of it, not the name."""
    from tasks.extract.fields import extract_offer

    rows = [[(48, "OFFRE")], [(49, "Électricité et"), (245, "Net à payer : 226,82 €")], [(120, "gaz verts - Prix")],
            [(48, "fixe")]]
    assert extract_offer(build_document([words_page(rows, source="ocr", conf=0.95, line_gap=11)]), []) is None
    rows = [[(48, "OFFRE")], [(49, "Électricité verte - Prix fixe"), (245, "Net à payer : 226,82 €")]]
    assert extract_offer(build_document([words_page(rows, source="ocr", conf=0.95, line_gap=11)]), []).value \
        == "Électricité verte - Prix fixe"


def test_an_offer_name_read_by_ocr_loses_a_box_edge_and_is_never_a_label():
    """A box's edge read as `|` before the offer's name is no part of it; a
    label read with a comma for its full stop (`Réf, client`) is no name."""
    from tasks.extract.fields import extract_offer

    def offer(value: str):
        page = words_page([[(40, "OFFRE")], [(40, value)]], source="ocr", conf=0.9)
        found = extract_offer(build_document([page]), [])
        return found.value if found else None

    assert offer("| Électricité Verte Fixe 2 ans") == "Électricité Verte Fixe 2 ans"
    assert offer("Réf, client") is None
    assert offer("Classic & Green") == "Classic & Green"
    # A dash or `&` glued by OCR to the word beside it stands apart again.
    assert offer("« Flexi Watt- Heures Creuses »") == "Flexi Watt - Heures Creuses"
    assert offer("Gaz Online& Green") == "Gaz Online & Green"
    assert offer("Saint-Éloi Énergie") == "Saint-Éloi Énergie"
    # A duration's number read as a letter, or glued to the word before.
    assert offer("Gaz Fixe Lan") == "Gaz Fixe 1 an"
    assert offer("Gaz Fixe2 ans") == "Gaz Fixe 2 ans"
    assert offer("Gaz Fixe Alsace.2 ans") == "Gaz Fixe Alsace 2 ans"  # a speck in the space read as a dot
    assert offer("Lanterne Verte") == "Lanterne Verte"
    # A dash before the duration's unit, a speck between two words.
    assert offer("Gaz Fixe 2-ans") == "Gaz Fixe 2 ans"
    assert offer("Électricité et gaz verts - Prix . fixe") == "Électricité et gaz verts - Prix fixe"
    assert offer("Tempo-2 Online") == "Tempo-2 Online"


def test_an_offers_duration_whose_space_a_speck_made_a_dot_is_read_whole():
    """`Duo Électricité et Gaz Fixe 2.ans` on a scan: a speck in the space
    read as a dot between the duration's number and its unit."""
    from tasks.extract.fields import extract_offer

    page = words_page([[(40, "Offre : Duo Électricité et Gaz Fixe 2.ans")]], source="ocr", conf=0.9)
    found = extract_offer(build_document([page]), [])
    assert found is not None and found.value == "Duo Électricité et Gaz Fixe 2 ans"


def test_value_under_its_label_not_the_far_column():
    page = words_page([
        [(40, "N° client"), (330, "Monsieur DUPONT Laurent")],
        [(40, "149620843"), (330, "110 bis boulevard Georges Brassens")],
    ])
    doc = build_document([page])
    assert extract_client_number(doc).value == "149620843"


def test_tilted_photo_lines_are_straightened():
    # A 2 % slope moves the right column by more than a line over the page:
    # labels must still meet their own values.
    rows = [[(60, "Total hors TVA"), (480, "1 827,45 €")], [(60, "TVA"), (480, "330,38 €")],
            [(60, "Total TTC"), (480, "2 133,59 €")]] + \
           [[(60, f"ligne de texte numéro {i} avec plusieurs mots"), (330, "et une seconde colonne de mots")]
            for i in range(12)]
    page = words_page(rows, slope=0.02, source="ocr", conf=0.95, line_gap=13)
    doc = build_document([page])
    texts = [ln.text for ln in doc.lines]
    assert "Total hors TVA   1 827,45 €" in texts
    assert "Total TTC   2 133,59 €" in texts


def test_ligature_split_words_are_joined():
    # A text layer that splits `ﬁ` gives `f` and `ixe` starting at the same x.
    words = [Word("Prix", 100, 100, 116, 109), Word("f", 119, 100, 123, 109), Word("ixe", 119, 100, 131, 109)]
    doc = build_document([Page(1, 595, 842, words)])
    assert doc.lines[0].text == "Prix fixe"


def test_label_wrapped_over_two_lines():
    page = words_page([
        [(40, "Point de Comptage et"), (200, "67756738485016")],
        [(40, "d'Estimation")],
    ], line_gap=9)
    doc = build_document([page])
    hits = find_labels(doc, "pce")
    assert hits and any("67756738485016" in s.text for h in hits for s in value_spots(doc, h))


def test_side_by_side_blocks_are_read_column_by_column():
    page = words_page([
        [(40, "Électricité"), (320, "Gaz naturel")],
        [(40, "Abonnement"), (200, "20,52 € 5,5 %"), (320, "Abonnement"), (480, "35,07 € 5,5 %")],
        [(40, "01/02/2025 – 31/03/2025 · 59 jours ×"), (320, "01/02/2025 – 31/03/2025 · 59 jours ×")],
        [(40, "0,3478 €/jour"), (320, "0,5944 €/jour")],
        [(40, "Consommation"), (200, "53,76 € 20 %"), (320, "Consommation de gaz"), (480, "140,82 € 20 %")],
        [(40, "01/02/2025 – 31/03/2025 · 502 kWh ×"), (320, "01/02/2025 – 31/03/2025 · 1 975 kWh ×")],
        [(40, "0,10710 €/kWh"), (320, "0,07130 €/kWh")],
    ], line_gap=10)
    flow = column_flow(build_document([page]))
    items = read_items(flow, Sections(flow))
    by = {(i.energy, i.kind): i for i in items}
    assert by[("electricite", "subscription")].amount == 20.52
    assert by[("electricite", "subscription")].unit_price == 0.3478
    assert by[("gaz", "subscription")].amount == 35.07
    assert by[("gaz", "consumption")].quantity == 1975 and by[("gaz", "consumption")].checked
    assert by[("electricite", "consumption")].unit_price == 0.1071


def test_table_rows_with_wrapped_cells():
    # The price cell wraps over two lines around the row's own line.
    page = words_page([
        [(40, "Libellé"), (250, "Qté Unité"), (330, "PU HT"), (420, "Montant HT"), (500, "TVA")],
        [(330, "18,960 c€/")],
        [(40, "Énergie Heures Pleines"), (250, "470 kWh"), (420, "89,11 €"), (500, "20 %")],
        [(330, "kWh")],
    ], line_gap=4.5)
    doc = build_document([page])
    items = read_items(doc)
    assert len(items) == 1
    item = items[0]
    assert (item.kind, item.quantity, item.unit_price, item.amount, item.vat_rate) == \
        ("consumption_hp", 470, 0.1896, 89.11, 20.0)
    assert item.checked


def test_a_row_printed_outside_vat_is_a_line_item():
    # A penalty under its own heading, with `hors champ` where a rate would be.
    page = words_page([
        [(40, "Consommation"), (250, "823 kWh"), (330, "0,1188 €"), (420, "97,77 €"), (500, "20 %")],
        [(40, "Autres prestations et frais")],
        [(40, "Pénalités de retard de paiement"), (420, "8,18 €"), (500, "hors champ")],
        [(40, "Frais divers"), (420, "3,00 €")],  # neither rate nor exemption: not a detailed row
    ])
    items = read_items(build_document([page]))
    fees = [i for i in items if i.kind == "fee"]
    assert [(i.label, i.amount, i.vat_rate, i.vat_exempt) for i in fees] == \
        [("Pénalités de retard de paiement", 8.18, None, True)]


def test_a_paid_option_is_an_item_and_the_tariff_option_is_not():
    page = words_page([
        [(40, "Option tarifaire : Base"), (250, "6 kVA"), (420, "12,44 €")],
        [(40, "Libellé"), (250, "Quantité"), (330, "PU HT"), (420, "Montant HT"), (500, "TVA")],
        [(40, "Option Sérénité Chaudière"), (250, "43 jour"), (330, "0,25970"), (420, "11,17 €"), (500, "20 %")],
    ])
    items = read_items(build_document([page]))
    assert [(i.kind, i.label, i.quantity, i.unit_price, i.amount) for i in items] == \
        [("service", "Option Sérénité Chaudière", 43, 0.2597, 11.17)]


def test_a_price_quoted_in_a_sentence_is_not_a_billed_line():
    page = words_page([
        [(40, "Libellé"), (250, "Quantité"), (330, "PU HT"), (420, "Montant HT"), (500, "TVA")],
        [(40, "Part fixe (abonnement)"), (250, "2 mois"), (330, "9,54 €"), (420, "19,08 €"), (500, "5,5 %")],
        [(40, "Partenaire : une assurance « coup dur"), (250, "» pour vos factures,"),
         (400, "proposée par notre mutuelle à 2,90 € par")],
        [(40, "mois")],
    ], line_gap=11)
    items = read_items(build_document([page]))
    assert [(i.kind, i.amount) for i in items] == [("subscription", 19.08)]


def test_lines_outside_any_energy_heading_take_the_one_energy_the_bill_names():
    """A scan whose « Électricité » heading was not read: the subscription
    and consumption lines sit in no section, the excise line names
    electricity, and nothing names gas. The bill is an electricity bill and
    those lines are its own."""
    from tasks.extract.invoice import extract_invoice

    page = words_page([
        [(40, "Détail de votre facture")],
        [(40, "Abonnement"), (420, "71,71 €"), (500, "5,5 %")],
        [(40, "Consommation 2 997 kWh x 0,18460 €/kWh"), (420, "553,25 €"), (500, "20 %")],
        [(40, "Accise électricité 1 487 kWh x 0,0337 €/kWh"), (420, "50,11 €"), (500, "20 %")],
        [(40, "Total TTC"), (420, "810,41 €")],
    ], source="ocr", conf=0.9)
    analysis = extract_invoice([page])
    assert analysis["energy"] == "electricite"
    assert analysis["electricity"]["consumption_kwh"] == 2997
    assert analysis["electricity"]["unit_price_kwh_ht_eur"] == 0.1846


def test_readings_under_a_readings_heading_named_after_their_energy_are_that_energys():
    """« Relevés électricité » then « Relevés gaz » below a dual bill's gas
    lines: each heading opens its energy's section, so the HP/HC readings
    (and their nature, « Relevé Enedis ») are electricity's, not gas's."""
    from tasks.extract.invoice import extract_invoice

    header = [(40, "Cadran"), (150, "Relevé du"), (230, "Index"), (290, "Relevé du"), (370, "Index"),
              (430, "Type de relevé"), (520, "Consommation")]
    rows = [
        [(40, "Point de livraison (PDL) : 09876543210987")],
        [(40, "PCE : GI123456")],
        [(40, "Électricité")],
        [(40, "Abonnement 2 mois"), (420, "25,00 €")],
        [(40, "Consommation 1 412 kWh"), (420, "200,00 €")],
        [(40, "Gaz naturel")],
        [(40, "Abonnement 2 mois"), (420, "29,71 €")],
        [(40, "Consommation 4 700 kWh"), (420, "300,00 €")],
        [(40, "Relevés électricité")], header,
        [(40, "Heures Pleines"), (150, "01/12/2025"), (230, "8 167"), (290, "31/01/2026"),
         (370, "9 019 Relevé Enedis"), (520, "852 kWh")],
        [(40, "Heures Creuses"), (150, "01/12/2025"), (230, "18 751"), (290, "31/01/2026"),
         (370, "19 311 Relevé Enedis"), (520, "560 kWh")],
        [(40, "Relevés gaz")], header,
        [(40, "Gaz"), (150, "01/12/2025"), (230, "6 227"), (290, "31/01/2026"), (370, "6 670 Relevé GRDF"),
         (520, "443 m3")],
    ]
    analysis = extract_invoice([words_page(rows)], strict=False)
    assert [r["register"] for r in analysis["electricity"]["readings"]] == ["hp", "hc"]
    assert [r["register"] for r in analysis["gas"]["readings"]] == ["gaz"]
    assert analysis["electricity"]["reading"] == analysis["gas"]["reading"] == "reel"


def test_unread_ttc_total_is_the_vat_table_whose_bases_are_the_lines():
    """The TTC total's amount was lost on a scan; the VAT table (« TVA …
    appliquée à … ») agrees with the lines read, row by row: the total is
    theirs. Without that agreement it stays unknown."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Électricité")],
        [(40, "Abonnement 12 mois à 15,98 €/mois"), (420, "191,76 €"), (500, "5,5 %")],
        [(40, "Consommation 1 671 kWh x 0,1119 €/kWh"), (420, "186,98 €"), (500, "20 %")],
        [(40, "Accise sur l'électricité 1 671 kWh x 0,0337 €/kWh"), (420, "56,31 €"), (500, "20 %")],
        [(40, "Contribution tarifaire d'acheminement"), (420, "30,21 €"), (500, "5,5 %")],
        [(40, "TVA 5,5 % appliquée à 221,97 €"), (420, "12,21 €")],
        [(40, "TVA 20 % appliquée à 243,29 €"), (420, "48,66 €")],
        [(40, "Total de la facture TTC")],
    ]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)])
    assert analysis["total_ttc_eur"] == 526.13
    assert analysis["electricity"]["amount_ttc_eur"] == 526.13

    rows[6] = [(40, "TVA 20 % appliquée à 243,29 €"), (420, "48,99 €")]  # not 20 % of its base
    assert extract_invoice([words_page(rows, source="ocr", conf=0.9)])["total_ttc_eur"] is None


def test_a_misread_line_quantity_gives_way_to_the_readings():
    """On a scan, `753 kWh` came out as `553 kWh` on the consumption line
    and `353 kWh` on the excise line, with no unit price to check them; the
    meter readings and the period's consumption say 753. Those quantities
    would make prices per kWh a third too high (price above the reference
    flagged for nothing): they are forgotten."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Point de livraison (PDL)"), (200, "12909919091415")],
        [(40, "Électricité")],
        [(40, "Index Base 29/07/2024 : 12 000 24/09/2024 : 12 753 (réel)")],
        [(40, "Consommation de la période : 753 kWh")],
        [(40, "Abonnement 58 jours"), (420, "22,81 €"), (500, "5,5 %")],
        [(40, "Consommation 553 kWh"), (420, "112,42 €"), (500, "20 %")],
        [(40, "Accise électricité 353 kWh"), (420, "15,81 €"), (500, "20 %")],
    ]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)])
    assert analysis["electricity"]["consumption_kwh"] == 753
    quantities = {line["kind"]: line["quantity"] for line in analysis["lines"]}
    assert quantities["consumption"] is None and quantities["accise"] is None
    assert analysis["electricity"]["unit_price_kwh_ht_eur"] is None


def test_a_line_whose_amount_per_kwh_is_no_price_gives_no_consumption():
    """`1 492 kWh` read as `492 kWh`: 412,84 € for 492 kWh is 0,84 € a kWh,
    no electricity price. That quantity is not the consumption (it made a
    small household look oversized), the readings being unreadable too."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Point de livraison (PDL)"), (200, "52308597446577")],
        [(40, "Électricité")],
        [(40, "Abonnement 48 jours x 0,6250 €/jour"), (420, "30,00 €"), (500, "5,5 %")],
        [(40, "Energie Base 492 kWh"), (420, "412,84 €"), (500, "20 %")],
    ]
    page = words_page(rows, source="ocr", conf=0.9)
    assert extract_invoice([page])["electricity"]["consumption_kwh"] is None
    rows[3] = [(40, "Energie Base 1 492 kWh"), (420, "412,84 €"), (500, "20 %")]
    assert extract_invoice([words_page(rows, source="ocr", conf=0.9)])["electricity"]["consumption_kwh"] == 1492
    # The decimal comma of the amount lost instead: the quantity stands.
    rows[3] = [(40, "Energie Base 1 492 kWh"), (420, "41284 €"), (500, "20 %")]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)])
    assert analysis["electricity"]["consumption_kwh"] == 1492
    assert [line["amount_ht_eur"] for line in analysis["lines"] if line["kind"] == "consumption"] == [None]


def test_the_date_under_the_bills_title_is_its_date():
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    title = [[(40, "FACTURE DE RÉGULARISATION")], [(40, "Plenitude")], [(40, "Eni"), (300, "53549331308337")]]
    doc = build_document([words_page(title + [[(300, "du 10/03/25")]])])
    assert extract_invoice_date(doc).value == date(2025, 3, 10)
    # A period under the title is no date of issue, nor a date far from it.
    assert extract_invoice_date(build_document([words_page(title + [[(300, "du 01/03/24 au 28/02/25")]])])) is None
    far = title + [[(40, "texte")]] * 3 + [[(300, "du 10/03/25")]]
    assert extract_invoice_date(build_document([words_page(far)])) is None
    # On a scan: a speck read before the title, a colon after the date.
    scan = [[(20, ":"), (40, "FACTURE")], [(40, "Plenitude")], [(300, "70755205661508")], [(300, "du 03/02/24 :")]]
    assert extract_invoice_date(build_document([words_page(scan, source="ocr", conf=0.9)])).value == date(2024, 2, 3)


def test_a_written_dates_year_wrapped_under_it_in_a_narrow_right_aligned_cell_is_joined():
    """« Facture émise le ‖ vendredi 7 novembre » over « 2025 » flush right
    in its cell: the year is the date's; a bare number under a value that
    is no day and month is not joined."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date
    from tasks.extract.labels import _right_aligned_rest

    # 9 pt words: « vendredi 7 novembre » from 250 ends at 331, « 2025 » from 313 too.
    rows = [[(40, "Facture émise le"), (250, "vendredi 7 novembre")], [(313, "2025")]]
    doc = build_document([words_page(rows, line_gap=11)])
    assert extract_invoice_date(doc).value == date(2025, 11, 7)
    # On a scan, boxes hugging the ink leave the year 0,7 of a line's height below.
    doc = build_document([words_page(rows, line_gap=15.3, source="ocr", conf=0.9)])
    assert extract_invoice_date(doc).value == date(2025, 11, 7)
    other = [[(40, "Référence"), (250, "lot vendredi matin")], [(308.5, "2025")]]
    doc = build_document([words_page(other, line_gap=11)])
    line, seg = doc.lines[1], doc.lines[0].segments[1]
    assert not _right_aligned_rest(doc, line, line.segments[0], seg, seg.height)


def test_lines_without_their_vat_rate_take_the_one_the_vat_table_proves():
    """A dual bill printing no rate on its lines: the legal plan (fixed part
    at 5,5 %, the rest at 20 %) gives exactly the VAT table's bases, so each
    energy's share with its VAT is known. A table that fits no plan leaves
    the rates, and the shares, unknown."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Électricité")],
        [(40, "Abonnement 50 jours x 0,3432 €/jour"), (420, "17,16 €")],
        [(40, "Électricité consommée 443 kWh x 0,0870 €/kWh"), (420, "38,54 €")],
        [(40, "Accise sur l'électricité 443 kWh x 0,0337 €/kWh"), (420, "14,93 €")],
        [(40, "Gaz naturel")],
        [(40, "Abonnement 50 jours x 0,5941 €/jour"), (420, "29,71 €")],
        [(40, "Gaz consommé 1 331 kWh x 0,0703 €/kWh"), (420, "93,57 €")],
        [(40, "Total HT"), (420, "193,91 €")],
        [(40, "TVA 5,5 % sur 46,87 €"), (420, "2,58 €")],
        [(40, "TVA 20 % sur 147,04 €"), (420, "29,41 €")],
        [(40, "Total TTC"), (420, "225,90 €")],
    ]
    analysis = extract_invoice([words_page(rows)])
    # `€/jour` is the price's unit, not a word of the label.
    assert [(l["quantity"], l["unit_price_ht_eur"]) for l in analysis["lines"] if l["kind"] == "subscription"] \
        == [(50, 0.3432), (50, 0.5941)]
    # VAT on each rate's base, rounded to the cent: 0,94 + 10,69 € and 1,63 + 18,71 €.
    assert analysis["electricity"]["amount_ttc_eur"] == round(17.16 + 38.54 + 14.93 + 0.94 + 10.69, 2)
    assert analysis["gas"]["amount_ttc_eur"] == round(29.71 + 93.57 + 1.63 + 18.71, 2)

    rows[8:10] = [[(40, "TVA 5,5 % sur 40,00 €"), (420, "2,20 €")], [(40, "TVA 20 % sur 153,91 €"), (420, "30,78 €")]]
    analysis = extract_invoice([words_page(rows)])
    assert analysis["electricity"]["amount_ttc_eur"] is None and analysis["gas"]["amount_ttc_eur"] is None


def test_a_bar_read_alone_on_a_scan_is_a_box_edge_and_splits_nothing():
    """`| ‖ | ‖ FACTURE`: a box's edges read as bars beside the title. On a
    scan they are dropped, so the title is one segment and the date under
    it is the bill's date; a text layer's own bars are kept."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(300, "|"), (330, "|"), (420, "FACTURE")], [(420, "du 02/08/24")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [s.text for s in doc.lines[0].segments] == ["FACTURE"]
    assert extract_invoice_date(doc).value == date(2024, 8, 2)
    assert [s.text for s in build_document([words_page(rows)]).lines[0].segments] == ["|", "|", "FACTURE"]


def test_a_label_wrapped_in_an_ocr_sentence_is_joined_across_the_wider_gap_of_ocr_boxes():
    """« … point de » / « livraison n° 3795 0188 9760 35, … »: OCR boxes hug
    the ink, so two lines of one paragraph stand half a word height apart."""
    from tasks.extract.identifiers import collect_exclusions, extract_pdl

    rows = [[(57, "Votre contrat « Flexi Watt » : référence client EC938859, point de")],
            [(57, "livraison n° 3795 0188 9760 35, puissance souscrite de 6 kVA en option Base.")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9, line_gap=13.5)])
    assert extract_pdl(doc, collect_exclusions(doc)).value == "37950188976035"


def test_a_value_beside_the_last_line_of_a_label_wrapped_over_another_columns_line():
    """« Réf. Acheminement » / « Electricité » over two lines of a scan, the
    next column's « Puissance souscrite 6,0 kVA » between them: the PDL
    stands beside the label's last line."""
    from tasks.extract.identifiers import collect_exclusions, extract_pdl

    words = [Word("Réf.", 61.42, 350.5, 74.61, 357.22, 0.76), Word("Acheminement", 78.21, 350.74, 138.66, 357.22, 0.92),
             Word("Electricité", 61.42, 359.85, 100.28, 366.57, 0.96),
             Word("71648968301599", 182.81, 359.6, 253.1, 366.3, 0.93),
             Word("Puissance", 304.44, 355.54, 342.82, 362.73, 0.96), Word("souscrite", 346.18, 356.02, 381.93, 362.01, 0.96),
             Word("6,0", 425.83, 355.54, 437.58, 362.73, 0.93), Word("kVA", 441.18, 355.54, 455.58, 361.77, 0.9)]
    doc = scan_document(words)
    assert extract_pdl(doc, collect_exclusions(doc)).value == "71648968301599"


def test_a_pdl_after_its_label_at_the_end_of_a_line_of_prose_its_first_group_boxed_apart():
    """« … point de livraison n° » / « 6350 » / « 3924 0002 26, … »: the
    first group, its box stretched by a speck, is a line of its own; the
    « n° » left after the label is none of the value."""
    from tasks.extract.identifiers import collect_exclusions, extract_pdl

    words = [Word("Votre", 57.1, 274.21, 81.09, 281.17, 0.93), Word("contrat", 85.2, 274.69, 118.0, 281.17, 0.93),
             Word("point", 420.0, 274.69, 441.0, 282.4, 0.95),
             Word("de", 445.26, 273.97, 455.82, 281.41, 0.97), Word("livraison", 459.65, 273.97, 498.04, 281.41, 0.97),
             Word("n°", 501.88, 274.21, 511.23, 281.41, 0.96), Word("6350", 515.55, 274.21, 537.86, 288.12, 0.97),
             Word("3924", 57.82, 286.92, 79.41, 294.12, 0.96), Word("0002", 83.01, 286.92, 104.84, 294.12, 0.96),
             Word("26,", 109.16, 286.92, 122.11, 295.08, 0.96), Word("puissance", 125.95, 287.16, 170.57, 296.04, 0.97),
             Word("souscrite", 174.17, 287.16, 214.95, 294.12, 0.96)]
    doc = scan_document(words)
    assert extract_pdl(doc, collect_exclusions(doc)).value == "63503924000226"


def test_the_type_of_reading_in_a_cell_of_its_own_stays_on_its_row():
    """« Relevé Enedis » in the « Type de relevé » column, a cell of its own:
    it is the row's nature of reading, not the start of another reading;
    two readings side by side, each with its dates, are still two."""
    from tasks.extract.energy import read_readings

    header = [(40, "Cadran"), (110, "Relevé du"), (170, "Index"), (230, "Relevé du"), (290, "Index"),
              (350, "Type de relevé"), (450, "Consommation")]
    row = [(40, "Base"), (110, "01/02/2024"), (170, "28 595"), (230, "31/01/2025"), (290, "36 875"),
           (350, "Relevé Enedis"), (450, "8 280 kWh")]
    doc = build_document([words_page([[(40, "Relevés électricité")], header, row], source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.end_nature) == (28595, 36875, "reel")

    two = [[(40, "Relevés")], [(40, "Index Base 01/02/2024 : 12 000 31/03/2024 : 12 500"),
                               (330, "Index Gaz 01/02/2024 : 6 227 31/03/2024 : 6 670")]]
    doc = build_document([words_page(two)])
    assert sorted(r.register for r in read_readings(doc, Sections(doc))) == ["base", "gaz"]


def test_an_unread_unit_price_is_the_amount_over_a_quantity_the_indexes_bear_out():
    """The price column was lost on a scan; the line's 737 kWh are the
    meter's 737 kWh: 118,80 € over 737 kWh is 0,1612 €/kWh. Not when the
    line's quantity is not the indexes' (one of them is misread)."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Point de livraison (PDL)"), (200, "12909919091415")],
        [(40, "Électricité")],
        [(40, "Index Base 26/08/2023 : 21 394 20/10/2023 : 22 131 (réel)")],
        [(40, "Abonnement 56 jours x 0,3797 €/jour"), (420, "21,26 €"), (500, "5,5 %")],
        [(40, "Électricité verte locale 737 kWh"), (420, "118,80 €"), (500, "20 %")],
    ]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)])
    assert analysis["electricity"]["unit_price_kwh_ht_eur"] == 0.1612
    rows[4] = [(40, "Électricité verte locale 787 kWh"), (420, "118,80 €"), (500, "20 %")]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)])
    assert analysis["electricity"]["unit_price_kwh_ht_eur"] is None


def test_a_speck_on_a_line_of_its_own_does_not_end_the_table_it_sits_in():
    """A one-point-tall speck (`L`) read between two rows of a detail table:
    the gap after it, counted in its own height, looked like the table's end,
    and the late fee below, printed without a VAT rate, was lost."""
    rows = [
        [(40, "Libellé"), (160, "Période"), (300, "Quantité"), (390, "Prix HT"), (450, "Montant HT"), (530, "TVA")],
        [(40, "Service Protection Appareils"), (160, "01/04/2024 - 30/06/2024"), (300, "3 mois"), (390, "5,95"),
         (450, "17,85 €"), (530, "20 %")],
        [],
        [(40, "Frais de relance"), (450, "14,26 €")],
    ]
    page = words_page(rows, source="ocr", conf=0.9)
    speck = Word("L", 110.0, 72.0, 111.5, 73.0, 0.6)
    page.words.append(speck)
    doc = build_document([page])
    assert [(i.kind, i.amount) for i in read_items(doc)] == [("service", 17.85), ("fee", 14.26)]


def test_the_36_kva_bound_of_a_tariff_class_does_not_compete_with_the_subscribed_power():
    """« Tarif BT inf 36 kVA », « jusqu'à 36 kVA » name the bound of a tariff
    class, not a power: on a scan where « 24 KVA » was read unsure, they made
    the subscribed power doubtful enough to be dropped."""
    from tasks.extract.energy import extract_kva

    rows = [[(53, "Puissance souscrite : 24 KVA")],
            [(46, "Formule tarifaire d'acheminement : BTINFCUST - Tarif BT inf 36 kVA.")],
            [(46, "Tarif réglementé pour les puissances jusqu'à 36 kVA.")]]
    page = words_page(rows, source="ocr", conf=0.93)
    page.words[:] = [w if w.text != "KVA" else Word(w.text, w.x0, w.y0, w.x1, w.y1, 0.6) for w in page.words]
    found = extract_kva(build_document([page]))
    assert found.value == 24 and found.conf >= 0.5


def test_ocr_readings_of_the_cubic_metre_and_a_separating_dash_in_gas_conversion_lines():
    """m³ read « m? », « m°? », « m' » on scans; « - 564 kWh » after a
    dash set apart is 564 kWh, not a negative consumption; « 11, 116 » is
    a coefficient whose decimals OCR spaced off."""
    from tasks.extract.energy import gas_conversion, labelled_consumption

    def values(text):
        doc = build_document([words_page([[(40, "Gaz naturel")], [(40, text)]], source="ocr", conf=0.9)])
        conv, labelled = gas_conversion(doc), labelled_consumption(doc, Sections(doc))
        return ([c.value for c in conv["m3"] + labelled["m3"]], [c.value for c in conv["coef"]],
                [c.value for c in conv["kwh"] + labelled["kwh_gaz"]])

    assert values("99 m? x 10,124 kWh/m? (coefficient de conversion) = 1 002 kWh") == ([99], [10.124, 10.124], [1002])
    assert values("Quantité d'énergie = volume x coefficient de conversion : 439 m°? x 11,026 = 4 840 kWh") == \
        ([439], [11.026], [4840])
    assert values("Volume 53 m' - coefficient 10,644 KWh/m° - 564 kWh") == ([53], [10.644], [564])
    # OCR spaced a coefficient's decimals off its comma: 11,116, never 11.
    assert values("Volume consommé 82 m3, coefficient de conversion 11, 116, soit 912 kWh.")[1] == [11.116]
    # kWh/m³ with its k doubled or read F.
    assert 11.003 in values("Volume 480 m° - coefficient 11,003 kKWh/m° - 5 281 kWh")[1]
    assert 11.073 in values("Coeïicent de conversion 11,073 FWh/m*- énergie consommée 2 159 kWh")[1]
    # The caption after its value, the m³ misread so that the product is not read.
    assert values("Conversion : 222 nv x 11,02 (coefficient de conversion) = 2? 446 kWh")[1] == [11.02]
    # The m³ garbled, but volume × coefficient makes the kWh printed: it was m³.
    assert values("Conversion : 300 nv x 11,25 (coefficient de conversion) = 3 375 kWh") == \
        ([300], [11.25, 11.25], [3375])
    # A speck after the sign.
    assert values("Conversion : 388 m? x. 11,11 (coefficient de conversion) = 4 311 kWh") == \
        ([388], [11.11, 11.11], [4311])
    assert values("Conversion : 300 nv x 11,25 (coefficient de conversion) = 3 475 kWh") == ([], [11.25], [])


def test_a_gas_conversion_table_with_a_pcs_coefficient_column():
    """« Volume (m³) ‖ Coefficient PCS ‖ Énergie (kWh) » over « 670 ‖ × ‖
    11,164 ‖ = ‖ 7 480 »: the coefficient stands under its column's caption."""
    from tasks.extract.energy import gas_conversion

    page = words_page([[(40, "Gaz naturel")],
                       [(56, "Volume (m3)"), (141, "Coefficient PCS"), (238, "Énergie (kWh)")],
                       [(74, "670"), (121, "×"), (158, "11,164"), (216, "="), (254, "7 480")]])
    assert [c.value for c in gas_conversion(build_document([page]))["coef"]] == [11.164]


def test_a_pcs_coefficient_whose_comma_ocr_lost_stands_only_if_the_volume_makes_the_kwh_with_it():
    """A scan: `11,03` read `1103` under `Coefficient PCS`. The one place of
    a comma that makes a coefficient gives 11,03, read unsure: kept when
    42 m³ × 11,03 = 463 kWh bears it out, else unknown."""
    from tasks.extract.checks import check_gas
    from tasks.extract.energy import gas_conversion
    from tasks.extract.store import Candidate, Draft

    page = words_page([[(40, "Gaz naturel")],
                       [(56, "Volume (m°)"), (141, "Coefficient PCS"), (238, "Énergie (KWh)")],
                       [(74, "42"), (121, "x"), (158, "1103"), (254, "463")]], source="ocr", conf=0.9)
    coef = gas_conversion(build_document([page]))["coef"]
    assert [c.value for c in coef] == [11.03] and coef[0].conf < 0.5

    def kept(kwh: int) -> bool:
        d = Draft()
        d.set("gas.consumption_m3", Candidate(42, 0.9, 1, "ocr", "label"))
        d.set("gas.conversion_coefficient", coef[0])
        d.set("gas.consumption_kwh", Candidate(kwh, 0.9, 1, "ocr", "label"))
        check_gas(d, [])
        return d.conf("gas.conversion_coefficient") >= 0.5

    assert kept(463) and not kept(520)


def test_an_offer_name_centred_over_two_lines_above_its_caption_is_read_whole():
    """Values over their captions, the offer's cell centred on two lines
    (« Offre Extra Eco Fixe » / « Duo »): the name is both lines. « Duo » is
    no « du » label, and « Extra Eco Fixe » (after the word « Offre » taken
    for a label) is only a piece of the name."""
    from tasks.extract.fields import extract_offer
    from tasks.extract.labels import is_label_text

    rows = [
        [(48, "FA-2026-6475939"), (199, "10/02/2026"), (304, "798,31 €"), (457, "25/02/2026")],
        [(64, "NUMÉRO DE FACTURE"), (199, "DATE D'ÉMISSION"), (304, "MONTANT TTC"), (439, "DATE LIMITE")],
        [],
        [(197, "01/12/2025 –"), (306, "Offre Extra Eco Fixe")],
        [(71, "C5034552"), (201, "31/01/2026"), (341, "Duo"), (457, "798,31 €")],
        [(68, "RÉFÉRENCE CLIENT"), (199, "PÉRIODE"), (332, "VOTRE OFFRE"), (457, "MONTANT À PAYER")],
    ]
    doc = build_document([words_page(rows, line_gap=11)])
    for known in ([], ["Offre Extra Eco Fixe"]):
        assert extract_offer(doc, known).value == "Offre Extra Eco Fixe Duo"
    assert not is_label_text("Duo") and is_label_text("Relevés") and is_label_text("Date :")


def test_captions_in_the_customers_voice_under_their_values_caption_them():
    """A card of values over their captions, each caption in the customer's
    voice (« Mon offre », « Mon n° client », « Mon PDL »): the number under
    « Mon offre » is the client number over its own caption, not the offer."""
    from tasks.extract.fields import extract_offer
    from tasks.extract.labels import is_label_text

    rows = [[(314, "Happ-e Duo Fixe 1 an")], [(314, "Mon offre")], [], [(314, "6922 412 466")],
            [(314, "Mon n° client")],
            [], [(314, "51 096 278 287 767")], [(314, "Mon PDL")], [], [(314, "9 kVA")], [(314, "Ma puissance")]]
    doc = build_document([words_page(rows, line_gap=11)])
    assert extract_offer(doc, []).value == "Happ-e Duo Fixe 1 an"
    assert is_label_text("Mon n° client") and is_label_text("Ma puissance") and is_label_text("Votre PDL")
    assert not is_label_text("Montage") and not is_label_text("Mon voisin")


def test_a_value_flush_right_in_its_cell_wrapped_onto_a_line_of_its_own_is_read_whole():
    """« Mon offre ‖ Happ-e Élec Fixe 2 » over « ans », both flush right in
    the card: the offer is both lines, not a name cut after its figure."""
    from tasks.extract.fields import extract_offer

    rows = [[(320, "Mon offre"), (452, "Happ-e Élec Fixe 2")], [(512.75, "ans")],
            [(320, "Mon n° client"), (480, "6975577129")]]
    doc = build_document([words_page(rows, line_gap=10)])
    assert extract_offer(doc, []).value == "Happ-e Élec Fixe 2 ans"


def test_a_flush_right_value_wrapped_beside_a_chart_legend_is_read_whole_but_a_table_row_is_no_wrap():
    """« Happ-e Élec Fixe » over « 1 an » on the line of a chart's legend
    printed left of the card: the name is both lines. In a table, the next
    row's quantity flush right under « 12 mois » is another row's."""
    from tasks.extract.fields import extract_offer
    from tasks.extract.labels import _wrapped_next

    rows = [[(320, "Mon offre"), (461, "Happ-e Élec Fixe")], [(135, "Bleu HP"), (203, "364 kWh 43 %"), (510.5, "1 an")],
            [(320, "Mon n° client"), (474, "6064408773")]]
    assert extract_offer(build_document([words_page(rows, line_gap=10)]), []).value == "Happ-e Élec Fixe 1 an"
    rows = [[(44, "Abonnement 6 kVA"), (368, "12 mois"), (480, "191,88 €")],
            [(44, "Consommation Base"), (377, "7 kWh"), (480, "210,17 €")]]
    doc = build_document([words_page(rows, line_gap=10)])
    assert _wrapped_next(doc, doc.lines[0].segments[1]) is None


def test_a_value_in_a_cell_of_its_own_does_not_run_on_into_the_next_lines_figures():
    """« Ma référence client ‖ 6076 531 109 » in a card, a chart's figure
    `527` starting the next line far left: no sentence runs on there."""
    rows = [[(320, "Ma référence client"), (474, "6076 531 109")],
            [(75, "527"), (154, "Gaz naturel"), (210, "527 kWh – 100 %")]]
    doc = build_document([words_page(rows, line_gap=10)])
    assert extract_client_number(doc).value == "6076531109"


def test_a_wrapped_word_of_short_letters_boxed_low_by_ocr_is_still_the_values_print_size():
    """A scan boxes « an » to its letters' height (5 points under words of
    capitals 6,5 to 8 tall): it is still the end of the offer's name printed
    flush right over two lines."""
    from tasks.extract.fields import extract_offer

    words = [Word("Mon", 280.1, 386.2, 294.2, 392.6, 0.97), Word("offre", 296.9, 385.9, 312.7, 392.6, 0.96),
             Word("Happ-e", 395.0, 386.4, 422.4, 394.3, 0.92), Word("Élec", 425.5, 384.7, 440.6, 392.6, 0.92),
             Word("Fixe", 443.8, 386.2, 459.4, 392.6, 0.97), Word("1", 462.5, 386.4, 466.6, 392.6, 0.96),
             Word("an", 457.4, 398.2, 466.6, 403.2, 0.97)]
    assert extract_offer(scan_document(words), []).value == "Happ-e Élec Fixe 1 an"


def test_a_tables_header_or_one_heading_over_figures_sets_no_habit_of_values_under_captions():
    """The detail table's header over its rows, or one group heading
    (`Consommation`) over a line: neither says the bill prints its values
    under their captions (its card prints them over)."""
    from tasks.extract.labels import caption_habit

    rows = [[(45, "Libellé"), (265, "Période"), (368, "Quantité"), (480, "Montant HT")],
            [(45, "Abonnement 6 kVA"), (265, "01/05/2025 - 30/06/2025"), (368, "2 mois"), (480, "21,04 €")]]
    assert caption_habit(build_document([words_page(rows, line_gap=10)])) is None
    rows = [[(45, "Consommation")], [(45, "Consommation Base"), (368, "232 kWh"), (480, "27,00 €")]]
    assert caption_habit(build_document([words_page(rows, line_gap=10)])) is None
    rows = [[(48, "FA-2026-6475939"), (199, "10/02/2026")], [(64, "NUMÉRO DE FACTURE"), (199, "DATE D'ÉMISSION")]]
    assert caption_habit(build_document([words_page(rows, line_gap=10)])) == "above"


def test_an_offer_caption_whose_double_f_ocr_misread_still_captions_the_offer():
    """`Mon oitre` (« Mon offre », its ff read as « it ») under its value."""
    from tasks.extract.fields import extract_offer

    rows = [[(318, "Happ-e Élec Fixe 2 ans")], [(317, "Mon oitre")], [], [(318, "6327766845")],
            [(318, "Mon n° client")]]
    doc = build_document([words_page(rows, line_gap=11, source="ocr", conf=0.9)])
    assert extract_offer(doc, []).value == "Happ-e Élec Fixe 2 ans"


def test_an_offer_caption_whose_ff_ocr_read_as_ti_or_tt_still_captions_the_offer():
    """`Mon otire` under its value, `ottre` over it: « offre » with either f
    read as t, i or l."""
    from tasks.extract.fields import extract_offer

    rows = [[(318, "Happ-e Élec Fixe 2 ans")], [(317, "Mon otire")], [], [(318, "6327766845")],
            [(318, "Mon n° client")]]
    doc = build_document([words_page(rows, line_gap=11, source="ocr", conf=0.9)])
    assert extract_offer(doc, []).value == "Happ-e Élec Fixe 2 ans"
    rows = [[(40, "N° de compte client"), (160, "4078146960")], [(40, "ottre")], [(40, "Yéli Élec Fixe 2 ans")],
            [(40, "Puissance souscrite"), (160, "36 kVA")]]
    doc = build_document([words_page(rows, line_gap=11, source="ocr", conf=0.9)])
    assert extract_offer(doc, []).value == "Yéli Élec Fixe 2 ans"


def test_an_offer_name_with_a_cell_just_beyond_it_may_go_on_there_and_is_unknown():
    """`Happ-e ‖ Élec. Indexée` over « Mon offre »: OCR cut the name at a
    space a speck widened, or the next cell begins there: unknown rather
    than `Happ-e`. A cell a column's gap away is another's."""
    from tasks.extract.fields import extract_offer

    rows = [[(318.6, "Happ-e"), (359.6, "Élec. Indexée")], [(318.4, "Mon offre")], [], [(318, "6302548274")],
            [(318, "Mon compte client")]]
    doc = build_document([words_page(rows, line_gap=11, source="ocr", conf=0.9)])
    assert extract_offer(doc, []) is None
    rows = [[(318.6, "Happ-e Duo"), (420, "Base")], [(318.4, "Mon offre")], [], [(318, "6302548274")],
            [(318, "Mon compte client")]]
    doc = build_document([words_page(rows, line_gap=11, source="ocr", conf=0.9)])
    assert extract_offer(doc, []).value == "Happ-e Duo"


def test_flat_unsure_letters_between_a_caption_and_its_value_are_a_rule_not_the_value():
    """`TES` (conf 0.43, three points tall, a line lower) between « Offre »
    and `OVO Gaz Indexé` (print six points tall): a rule read as letters."""
    from tasks.extract.fields import extract_offer

    words = [Word("Offre", 51.6, 433.6, 70.1, 443.4, 0.97), Word("OVO", 221.0, 434.5, 240.0, 440.8, 0.92),
             Word("Gaz", 243.0, 434.5, 259.0, 440.8, 0.96), Word("Indexé", 262.0, 434.5, 288.9, 440.8, 0.83),
             Word("Compteur", 445.6, 433.1, 485.0, 439.6, 0.93), Word("Gazpar", 488.0, 433.1, 515.0, 439.6, 0.91),
             Word("TES", 167.0, 438.4, 183.8, 441.2, 0.43)]
    doc = build_document([Page(number=1, width=595, height=842, words=words, source="ocr")])
    assert extract_offer(doc, []).value == "OVO Gaz Indexé"


def test_a_value_under_a_caption_but_nearer_its_own_caption_under_it_is_that_captions():
    """A card of values over their captions beside a chart's legend:
    `6707452717` stands under « Mon offre » but nearer « Mon compte client »
    under it: its value."""
    rows = [[(318, "Happ-e Élec Fixe 2 ans")], [(317, "Mon offre")], [], [(318, "6707452717")],
            [(150, "Gaz naturel 527 kWh"), (316, "Mon compte client")], [], [(318, "8987 6810 0797 06")],
            [(318, "Mon PDL")]]
    doc = build_document([words_page(rows, line_gap=9.5, source="ocr", conf=0.9)])
    assert extract_client_number(doc).value == "6707452717"


def test_an_offer_read_cut_after_a_glued_figure_or_a_lone_possessive_is_no_offer_name():
    """`Happ-e Élec Fixe2` (its `ans` a line lower, out of reach): a name
    cut off after its duration's figure; `Mon` (the start of the next
    caption) is no name."""
    from tasks.extract.fields import _offer_reader

    assert _offer_reader("Happ-e Élec Fixe2", ocr=True) is None
    assert _offer_reader("Mon", ocr=True) is None and _offer_reader("Ma", ocr=False) is None
    assert _offer_reader("Happ-e Élec Fixe 2 ans", ocr=True)[0] == "Happ-e Élec Fixe 2 ans"


def test_a_caption_and_amount_of_the_next_column_are_never_the_offer_name():
    """« OFFRE » over its value, the next column's « Solde de votre facture
    précédente restant dû : 77,60 € » on the caption's own line: a caption
    and its amount, a sentence to the customer, not the offer's name."""
    from tasks.extract.fields import _offer_reader, extract_offer

    rows = [
        [(40, "OFFRE"), (300, "Solde de votre facture précédente restant dû : 77,60 €")],
        [(40, "Électricité et gaz verts - Prix fixe")],
    ]
    assert extract_offer(build_document([words_page(rows)]), []).value == "Électricité et gaz verts - Prix fixe"
    assert _offer_reader("Solde de votre facture précédente restant dû : 77,60 €") is None
    assert _offer_reader("Vos avantages fidélité") is None
    assert _offer_reader("Vert Électrique : offre à prix fixe")[0] == "Vert Électrique"


def test_a_date_to_come_beside_the_word_facture_is_not_the_date_of_issue():
    """« Prochaine ‖ facture ‖ vers le 30/11/24 », split in cells by OCR:
    « facture » alone reads as a date label, but « vers le » says the date
    is to come. « Facture ‖ du 02/08/24 » is the date of issue."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(300, "Prochaine"), (360, "facture"), (420, "vers le 30/11/24")]]
    assert extract_invoice_date(build_document([words_page(rows, source="ocr", conf=0.9)])) is None
    rows = [[(300, "Facture"), (420, "du 02/08/24")]]
    assert extract_invoice_date(build_document([words_page(rows, source="ocr", conf=0.9)])).value == date(2024, 8, 2)


def test_a_catalogue_offer_name_after_a_caption_runs_to_the_end_of_its_cell():
    """« Contrat : Plenifix 1 an Duo »: the catalogue knows « Plenifix 1 an »,
    the bill prints more of the name after its caption. In a sentence the
    catalogue's name is all that is sure."""
    from tasks.extract.fields import extract_offer

    rows = [[(49, "Contrat : Plenifix 1 an Duo"), (300, "Option tarifaire : Heures Pleines / Heures Creuses")]]
    assert extract_offer(build_document([words_page(rows)]), ["Plenifix 1 an"]).value == "Plenifix 1 an Duo"
    rows = [[(49, "Votre contrat Plenifix 1 an est reconduit")]]
    assert extract_offer(build_document([words_page(rows)]), ["Plenifix 1 an"]).value == "Plenifix 1 an"


def test_instalments_deducted_make_the_bill_a_regularisation_whatever_its_caption_reads():
    """A photo's caption « Votre facture de régularisation » read « tre ‖
    facture ‖ de ‖ régula ‖ )uon »: the instalments deducted below it still
    say that this is the yearly régularisation. Without them, a bill is a bill."""
    from tasks.extract.fields import extract_kind

    caption = [(73, "tre"), (89, "facture"), (122, "de"), (132, "régula"), (165, ")uon")]
    paid = [(52, "Mensualités réglées sur la période"), (208, "1 510,00 €. Reste à payer : 129,89 €")]
    assert extract_kind(build_document([words_page([caption, paid], source="ocr", conf=0.9)])).value \
        == "regularisation"
    assert extract_kind(build_document([words_page([caption], source="ocr", conf=0.9)])).value == "facture"
    echeancier = [[(52, "Votre échéancier de paiement")], paid]
    assert extract_kind(build_document([words_page(echeancier, source="ocr", conf=0.9)])).value == "echeancier"


def test_a_bill_with_an_invoice_number_and_no_word_of_another_kind_is_an_invoice():
    """« Votre facturen° … » glued, « Facture n° » read unsure on a photo:
    the word alone is too weak a sign, the invoice number read makes it one;
    a régularisation's words still win."""
    from tasks.extract.fields import extract_kind
    from tasks.extract.store import Candidate

    number = Candidate("IL250810-01048", 0.75, 1, "ocr", "invoice_number:below")
    rows = [[(57, "Votre facturen° 20259217236 du 11 août 2025")], [(57, "Détail de la facture")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.5)])
    assert extract_kind(doc).conf < 0.5 <= extract_kind(doc, number).conf
    assert extract_kind(doc, number).value == "facture"
    assert extract_kind(build_document([words_page([[(57, "Consommation")]], source="ocr", conf=0.9)])) is None
    rows = [[(52, "Votre facture de régularisation")], [(52, "Mensualités réglées sur la période 1 510,00 €")]]
    assert extract_kind(build_document([words_page(rows, source="ocr", conf=0.9)]), number).value == "regularisation"


def test_a_quantity_and_price_whose_units_ocr_garbled_are_read_by_their_product():
    """« 194 k'Yn x 0,1671 E/kWN »: neither unit reads, yet 194 × 0,1671 is
    the row's 32,42 €: the first number is the quantity, the second the
    price, on the row's line or on the detail line under it. Numbers whose
    product is not the amount stay unread."""
    def consumption(rows):
        doc = build_document([words_page(rows, source="ocr", conf=0.9)])
        return [(i.quantity, i.unit_price, i.amount) for i in read_items(doc) if i.kind == "consumption"]

    under = [[(40, "Électricité verte locale"), (480, "32,42 € HT")],
             [(40, "du 09/10/2024 au 12/11/2024"), (160, "194 k'Yn x 0,1671 E/kWN HT"), (300, "TVA 20 %")]]
    assert consumption(under) == [(194, 0.1671, 32.42)]
    beside = [[(40, "Électricité verte locale"), (200, "194 k'Yn x 0,1671 E/kWN HT"), (480, "32,42 € HT")]]
    assert consumption(beside) == [(194, 0.1671, 32.42)]
    under[1][1] = (160, "184 k'Yn x 0,1671 E/kWN HT")
    assert consumption(under) == [(None, None, 32.42)]


def test_a_pdl_wrapped_at_the_end_of_a_line_of_prose_is_read_whole():
    """« … point de livraison n° 6350 » / « 3924 0002 26, puissance … »: the
    digits carry on at the start of the next line, and « point » was misread.
    A number that ends a table row does not take the next row's digits."""
    from tasks.extract.identifiers import collect_exclusions, extract_pdl

    def pdl(rows):
        doc = build_document([words_page(rows, source="ocr", conf=0.9)])
        found = extract_pdl(doc, collect_exclusions(doc))
        return found.value if found else None

    prose = [[(57, "Votre contrat « Basic Watt » : référence client EC744532,"), (418, "ne."),
              (445, "de livraison n°"), (515, "6350")],
             [(57, "3924 0002 26, puissance souscrite de 15 kVA en option Base.")]]
    assert pdl(prose) == "63503924000226"
    prose[0][3] = (540, "6350")  # a cell of its own
    assert pdl(prose) == "63503924000226"
    table = [[(57, "Point de livraison"), (300, "6350")], [(57, "3924 0002 26"), (300, "Puissance 15 kVA")]]
    assert pdl(table) is None
    # Read right, in one sentence with its label, on a photo whose leading is
    # a little wider than a table cell's (« n° » left to the value).
    sentence = [[(57, "Votre sociétariat et votre contrat « Basic Watt » : référence client EC571999, "
                      "point de livraison n° 7053")], [(57, "4574 9807 08, puissance souscrite de 12 kVA.")]]
    doc = build_document([words_page(sentence, source="ocr", conf=0.9, line_gap=14.8)])
    assert extract_pdl(doc, collect_exclusions(doc)).value == "70534574980708"


def test_a_price_wrapped_over_two_lines_of_its_cell_joins_its_row_on_a_scan():
    """« 27,670 c€/ » over « kWh », centred on a row whose OCR boxes are
    shorter than the price's (the boxes of a scan, as read, straightened):
    the upper half of the cell still joins the row, and gives its price."""
    boxes = [("Libellé", 44.9, 78.2, 69.6, 86.4), ("Du", 263.3, 79.7, 272.9, 84.7), ("Au", 313.4, 79.7, 323.3, 84.7),
             ("Qté", 371.0, 79.9, 383.8, 85.4), ("Unité", 391.9, 79.9, 412.3, 84.7), ("PU", 450.5, 79.9, 459.8, 85.0),
             ("HT", 463.4, 79.9, 472.8, 85.0), ("Montant", 492.7, 76.3, 524.6, 81.1), ("TVA", 537.4, 75.4, 552.2, 85.9),
             ("HT", 515.3, 84.2, 524.6, 89.3), ("Électricité", 44.2, 96.5, 87.6, 103.7),
             ("Energie", 44.2, 143.3, 72.5, 150.7), ("Base", 76.1, 143.5, 93.6, 149.3),
             ("26/04/2024", 262.8, 143.8, 306.0, 149.8), ("12/06/2024", 314.4, 143.8, 356.4, 149.8),
             ("1492", 366.6, 148.3, 383.8, 154.1), ("kWh", 391.7, 144.0, 407.5, 149.8),
             ("27,670", 433.2, 138.8, 458.9, 145.0), ("kWh", 457.4, 147.6, 473.3, 154.1),
             ("c€/", 462.2, 138.4, 474.2, 145.8), ("412,84€", 491.5, 144.2, 524.2, 151.2), ("20%", 534.0, 144.2, 552.5, 150.0)]
    words = [Word(text, x0, y0, x1, y1, 0.9) for text, x0, y0, x1, y1 in boxes]
    doc = build_document([Page(number=2, width=595.7, height=841.9, words=words, source="ocr")])
    [item] = [i for i in read_items(doc) if i.kind == "consumption"]
    assert (item.quantity, item.unit_price, item.amount) == (1492, 0.2767, 412.84)


def test_a_speck_under_a_row_label_does_not_take_the_rows_place():
    """A dot read under « Accise sur l'électricité » is a fragment of the row
    band; it must not open the row and leave it without its label."""
    boxes = [("Désignation", 60.7, 113.0, 108.5, 123.8), ("Détail", 225.5, 113.0, 249.0, 122.6),
             ("Montant", 488.7, 114.7, 522.3, 123.6), ("HT", 525.2, 114.7, 536.0, 120.2),
             (".", 52.8, 178.2, 53.5, 178.9), ("Accise", 60.0, 169.9, 86.4, 176.4), ("sur", 89.5, 170.6, 102.7, 176.4),
             ("l'électricité", 105.3, 165.8, 152.4, 176.4), (":", 158.1, 172.0, 158.8, 173.0),
             ("02/03/24", 223.4, 169.6, 261.5, 176.8), ("—", 264.9, 172.3, 270.9, 174.7),
             ("31/01/25", 274.5, 167.0, 310.7, 176.8), (":", 314.1, 172.0, 316.0, 176.6), ("2", 319.3, 169.9, 323.7, 176.4),
             ("492", 327.0, 169.9, 341.7, 176.4), ("kWh", 345.0, 169.6, 363.5, 176.4), ("à", 366.6, 169.4, 371.2, 176.4),
             ("0,02100", 374.3, 165.8, 407.4, 177.1), ("€/kWh", 410.3, 169.6, 436.7, 177.1),
             ("(TVA", 439.8, 169.9, 459.5, 177.6), ("20", 462.6, 169.9, 472.4, 176.4), ("52,33", 504.8, 169.4, 527.6, 177.3),
             ("€", 530.5, 169.9, 535.3, 176.6), ("%)", 225.5, 181.4, 235.6, 189.1)]
    words = [Word(text, x0, y0, x1, y1, 0.9) for text, x0, y0, x1, y1 in boxes]
    doc = build_document([Page(number=2, width=595.7, height=841.9, words=words, source="ocr")])
    assert [(i.kind, i.quantity, i.unit_price, i.amount) for i in read_items(doc)] == [("accise", 2492, 0.021, 52.33)]


def test_a_dot_of_dust_between_a_caption_and_its_value_makes_no_line():
    """A dot a point square, read as `.` between « OFFRE » and the offer's
    name under it, would make a line of its own between the two."""
    from tasks.extract.fields import extract_offer

    page = words_page([[(51, "OFFRE")], [(51, "Électricité verte Prix fixe")]], source="ocr", conf=0.95)
    page.words.append(Word(".", 44.0, 51.0, 44.9, 51.7, 0.755))
    assert extract_offer(build_document([page]), []).value == "Électricité verte Prix fixe"


def test_an_ocr_reading_whose_row_prints_its_difference_is_sure():
    """« 26 772 ‖ 26 798 ‖ Réel ‖ 26 kWh »: the row's own difference bears its
    indexes out, however unsure OCR was of them. A row that prints another
    figure keeps OCR's confidence."""
    from tasks.extract.energy import read_readings

    header = [(40, "Index"), (130, "Ancien relevé"), (250, "Ancien index"), (330, "Nouveau relevé"),
              (420, "Nouvel index"), (500, "Différence")]

    def reading(difference):
        row = [(40, "Heures Creuses"), (130, "21/09/23"), (250, "26 772"), (330, "27/10/23"), (420, "26 798"),
               (500, difference)]
        doc = build_document([words_page([header, row], source="ocr", conf=0.6)])
        [found] = read_readings(doc, Sections(doc))
        return found.delta, found.conf

    assert reading("26 kWh") == (26, 0.9)
    assert reading("28 kWh") == (26, 0.6)


def test_a_speck_read_as_a_dash_in_a_cell_of_its_own_before_an_index_keeps_the_row_a_reading():
    """`21/06/2024 ‖ - ‖ 15 824 ‖ 19/07/2024 ‖ 15 898`: the dash OCR made of a
    speck, a cell apart, neither signs the index nor cuts it from its date."""
    from tasks.extract.energy import read_readings

    header = [(40, "Cadran"), (130, "Date ancien index"), (250, "Ancien index"), (330, "Date nouvel index"),
              (420, "Nouvel index")]
    row = [(40, "Tempo Bleu HP"), (130, "21/06/2024"), (210, "-"), (250, "15 824"), (330, "19/07/2024"),
           (420, "15 898")]
    doc = build_document([words_page([header, row], source="ocr", conf=0.9)])
    [found] = read_readings(doc, Sections(doc))
    assert (found.start_index, found.end_index, found.start_date.day, found.end_date.day) == (15824, 15898, 21, 19)


def test_a_speck_read_as_a_grave_a_after_a_readings_row_is_no_type_of_reading():
    """`31/12/2025 ‖ 5 ‖ 2010 Estimé ‖ 155 m³ ‖ À`: the « À » OCR made of a
    speck at the row's end is no code letter A (« relevé »); the reading
    stays estimated. A plain `A` in its type column still is the code."""
    from tasks.extract.energy import read_readings

    header = [(40, "Cadran"), (110, "Relevé du"), (180, "Index"), (230, "Relevé du"), (300, "Index"),
              (350, "Type de relevé"), (430, "Consommation")]

    def end_nature(last: str, kind: str) -> str | None:
        row = [(40, "Gaz"), (110, "01/12/2025"), (180, "1855"), (230, "31/12/2025"), (285, "5"), (300, "2010"),
               (350, kind), (430, "155 m³"), (490, last)]
        doc = build_document([words_page([header, row], source="ocr", conf=0.9)])
        [found] = read_readings(doc, Sections(doc))
        return found.end_nature

    assert end_nature("À", "Estimé") == "estime"
    assert end_nature("-", "A") == "reel"
    assert end_nature("-", "esumé") == "estime"  # its `ti` read as one `u`


def test_a_volume_column_header_is_no_consumption_label_and_the_energys_own_total_is():
    """« Volume » heading a table's quantity column labels no total: the
    line under it holds one register's kWh. « Consommation électricité :
    202 kWh » is the electricity's total; « Volume 81 m³ » on its line still
    labels the gas volume."""
    from tasks.extract.energy import labelled_consumption

    rows = [[(40, "Consommation électricité : 202 KWh")], [(40, "Rubrique"), (250, "Période"), (330, "Volume Unité")],
            [(40, "Terme variable Heures Pleines"), (250, "21/09/23-27/10/23"), (330, "176 kWh")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    found = labelled_consumption(doc, Sections(doc))
    assert [c.value for c in found["kwh_electricite"]] == [202]
    doc = build_document([words_page([[(40, "Gaz")], [(40, "Volume 81 m³ – coefficient 10,90 kWh/m³ – 883 kWh")]])])
    assert [c.value for c in labelled_consumption(doc, Sections(doc))["m3"]] == [81]


def test_an_offer_cut_onto_two_lines_by_ocr_is_joined_and_never_with_the_next_rows_value():
    """« Offre : ‖ Classic ‖ & Green », the two words' boxes of unequal height
    put on two lines; under them « Période de facturation : du 01/10/2025 au
    30/11/2025 », whose value is its own label's, not the offer's end."""
    from tasks.extract.fields import extract_offer

    boxes = [("Offre", 37.4, 140.3, 56.4, 146.3), (":", 59.5, 141.9, 60.9, 146.0), ("&", 205.8, 135.5, 212.0, 141.5),
             ("Green", 214.0, 135.5, 233.4, 141.5), ("Classic", 179.9, 139.1, 203.2, 148.9),
             ("Période", 37.7, 152.8, 66.0, 159.5), ("de", 68.0, 152.8, 76.0, 159.5),
             ("facturation", 78.0, 152.8, 124.0, 159.5), (":", 126.0, 152.8, 128.6, 159.5),
             ("du", 179.9, 151.7, 189.0, 158.6), ("01/10/2025", 191.0, 151.7, 232.0, 158.6), ("au", 234.0, 151.7, 242.0, 158.6),
             ("30/11/2025", 244.0, 151.7, 281.9, 158.6)]
    page = Page(number=1, width=595.0, height=842.0, words=[Word(*b, 0.9) for b in boxes], source="ocr")
    assert extract_offer(build_document([page]), []).value == "Classic & Green"


def test_a_fee_noted_outside_vat_on_the_line_under_it_is_a_billed_line():
    """« Indemnité forfaitaire pour frais de recouvrement ‖ 40,00 € HT » over
    « non soumis à TVA »: the note is the row's detail, as a rate would be."""
    rows = [[(46, "Services et frais")], [(46, "Indemnité forfaitaire pour frais de recouvrement"), (497, "40,00 € HT")],
            [(47, "non soumis à TVA")]]
    doc = build_document([words_page(rows, line_gap=12)])
    assert [(i.kind, i.amount, i.vat_exempt) for i in read_items(doc)] == [("fee", 40.0, True)]


def test_rows_of_a_designation_and_amount_table_a_fee_outside_vat_a_total_and_a_daily_fixed_part():
    """Under « Désignation ‖ Détail ‖ Montant HT » (no quantity or rate
    column): a late fee « (hors champ de la TVA) » is a billed line; « tal
    gaz TTC » (« Total » clipped by OCR) is a total, not a line; « Port fixe
    gaz T1 » (« Part » misread) billed by the day is the subscription."""
    rows = [[(63, "Désignation"), (233, "Détail"), (491, "Montant HT")],
            [(64, "Port fixe gaz T1"), (233, "366 jours à 0,2906 €/jour (TVA 5,5 %)"), (505, "106,36 €")],
            [(64, "Majoration pour retard de paiement"), (289, "(hors champ de la TVA)"), (508, "14,59 €")],
            [(64, "tal gaz TTC"), (505, "765,91 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [(i.kind, i.amount, i.vat_exempt) for i in read_items(doc)] == \
        [("subscription", 106.36, False), ("fee", 14.59, True)]


def test_the_first_pricing_a_sentence_names_is_the_offers():
    """« Offre à prix indexé : le prix du kWh HT évolue avec le TRVE » is an
    indexed offer, not a regulated one; « Tarif Bleu réglementé, part fixe
    mensuelle » is regulated."""
    from tasks.extract.fields import pricing_candidates
    from tasks.extract.store import vote

    def pricing(text):
        return vote(pricing_candidates(build_document([words_page([[(40, text)]])]), None)[0]).value

    assert pricing("Offre à prix indexé : le prix du kWh HT évolue avec le TRVE.") == "indexe"
    assert pricing("Tarif Bleu réglementé, part fixe mensuelle") == "reglemente"


def test_a_registers_readings_row_whose_table_heading_was_not_read_is_still_a_reading():
    """The header of the readings table lost on a scan: « Heures Pleines ‖
    01/02/2024 ‖ 6 265 ‖ 29/02/2024 ‖ 6 839 ‖ Réel ‖ 574 kWh » prints its own
    difference, which makes it a reading. A billed line of the same register
    is not one."""
    from tasks.extract.energy import read_readings

    rows = [[(40, "Électricité")],
            [(40, "Heures Pleines"), (130, "01/02/2024"), (200, "6 265"), (250, "29/02/2024"), (320, "6 839"),
             (380, "Réel"), (430, "574 kWh")],
            [(40, "Consommation Heures Pleines"), (180, "01/02/2024 - 29/02/2024"), (330, "574 kWh"),
             (400, "17,27 c€/kWh"), (480, "99,13 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.register, reading.start_index, reading.end_index, reading.end_nature) == ("hp", 6265, 6839, "reel")
    rows[1][-1] = (430, "575 kWh")
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert read_readings(doc, Sections(doc)) == []


def test_a_registers_readings_row_whose_difference_is_bare_is_a_reading_without_its_table_header():
    """The header (`… ‖ Consommation (kWh)`) of the readings table lost on a
    scan and the difference printed bare under it: « Heures Pleines ‖
    21/09/2023 ‖ 21 303 ‖ 03/11/2023 ‖ 21 890 ‖ Estimé ‖ 587 » still holds
    its two dated indexes and their difference last. Not when the last
    number is not the difference."""
    from tasks.extract.energy import read_readings

    rows = [[(40, "Détail de votre consommation")],
            [(40, "Heures Pleines"), (130, "21/09/2023"), (200, "21 303"), (250, "03/11/2023"), (320, "21 890"),
             (380, "Estimé"), (450, "587")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.register, reading.start_index, reading.end_index, reading.end_nature) == \
        ("hp", 21303, 21890, "estime")
    rows[1][-1] = (450, "588")
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert read_readings(doc, Sections(doc)) == []


def test_a_price_in_cents_whose_unit_ocr_garbled_is_read_in_cents_when_the_row_bears_it_out():
    """« 11,75 c£€/kWh »: the « c€ » misread, 11,75 is no price per kWh, but
    139 kWh × 0,1175 € makes the row's 16,33 €. Not when it does not."""
    def consumption(price, amount):
        rows = [[(46, "Désignation"), (180, "Quantité"), (260, "Prix unitaire HT"), (360, "Montant HT")],
                [(46, "Consommation Heures Pleines"), (180, "139 kWh"), (260, price), (360, amount)]]
        [item] = read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))
        return item.unit_price, item.checked

    assert consumption("11,75 c£€/kWh", "16,33€") == (0.1175, True)
    assert consumption("11,75 c£€/kWh", "16,83€") == (11.75, False)


def test_a_price_in_cents_and_an_amount_without_its_comma_are_both_read_again():
    """« 425 kWh  27,440  11662€ »: the « c€/kWh » lost and the amount's
    comma too, the row still multiplies out; but no kWh costs 27,44 €: it is
    0,2744 € and 116,62 €, which multiply out as well."""
    def row(price, amount):
        rows = [[(46, "Désignation"), (180, "Quantité"), (260, "Prix unitaire HT"), (360, "Montant HT")],
                [(46, "Énergie Heures Pleines"), (180, "425 kWh"), (260, price), (360, amount)]]
        [item] = read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))
        return item.unit_price, item.amount, item.checked

    assert row("27,440", "11662€") == (0.2744, 116.62, True)
    assert row("0,2744", "116,62€") == (0.2744, 116.62, True)
    # A price that is plausible per kWh is left as it multiplies out.
    assert row("1,2000", "510,00€") == (1.2, 510.0, True)


def test_a_price_in_cents_whose_unit_ocr_lost_is_no_second_quantity():
    """« 355 kWh ‖ 13,100 ‖ kWh ‖ 46,51 € »: the price's « c€/ » lost and its
    « kWh » wrapped under it read as 13,1 kWh more; a price's decimals after
    the row's whole kWh, it is 0,131 €/kWh, which multiplies out."""
    def row(price):
        rows = [[(46, "Désignation"), (180, "Quantité"), (260, "Prix unitaire HT"), (360, "Montant HT")],
                [(46, "Énergie Heures Pleines"), (180, "355 kWh"), (260, price), (360, "46,51 €")]]
        [item] = read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))
        return item.quantity, item.unit_price, item.checked

    assert row("13,100 kWh") == (355, 0.131, True)
    assert row("13,100 c€/kWh") == (355, 0.131, True)


def test_a_detail_line_opened_by_a_speck_and_a_dash_before_its_quantity_on_a_scan():
    """« ©1/11/2024 - 30/11/2024 - 270 kWh x 9,17070 EXWh » under
    « Consommation … 46,09 € »: the speck does not stop the detail joining
    its row, and « - 270 kWh » is 270 kWh, the dash a separator."""
    rows = [[(63, "Consommation"), (457, "46,09 €"), (514, "20%")],
            [(63, "©1/11/2024 - 30/11/2024 - 270 kWh x 9,17070 EXWh")]]
    [item] = read_items(build_document([words_page(rows, source="ocr", conf=0.9, line_gap=7)]))
    assert (item.kind, item.quantity, item.unit, item.amount, item.period_start is not None) == \
        ("consumption", 270, "kWh", 46.09, True)


def test_readings_whose_differences_are_the_lines_kwh_are_sure_of_their_nature():
    """Photo-quality reading rows (confidence 0,45): each register's
    index difference is the kWh its line bills, so the indexes, and the
    « relevé réel » printed with them, are read right. One register that
    disagrees leaves the nature unsure."""

    from tasks.extract.invoice import extract_invoice

    def nature(hc_kwh, hc_amount):
        rows = [[(40, "Point de livraison (PDL)"), (200, "12909919091415")],
                [(40, "Électricité")],
                [(40, "Index Heures Pleines : 50 419 au 30/10/24 50 897 au 25/12/24 (relevé réel)")],
                [(40, "Index Heures Creuses : 32 786 au 30/10/24 32 823 au 25/12/24 (relevé réel)")],
                [(40, "Consommation Heures Pleines 478 kWh x 0,2000 €/kWh"), (420, "95,60 €"), (500, "20 %")],
                [(40, f"Consommation Heures Creuses {hc_kwh} kWh x 0,1500 €/kWh"), (420, hc_amount), (500, "20 %")]]
        page = words_page(rows, source="ocr", conf=0.9)
        unsure = {w for row in rows[2:4] for _, text in row for w in text.split()}
        page = replace(page, words=[replace(w, conf=0.45) if w.text in unsure else w for w in page.words])
        return extract_invoice([page], strict=False)["electricity"]["reading"]

    assert nature(37, "5,55 €") == "reel"
    assert nature(38, "5,70 €") is None


def test_gas_indexes_whose_difference_is_the_volume_printed_elsewhere_are_sure_of_their_nature():
    """`24/07/2024:3241` read unsure (a colon glued to the index), « 3 267
    (réel) » after it: their difference is the volume of the conversion line
    under them, so the indexes, and the « réel » printed with them, are read
    right. A volume that is not their difference leaves the nature unsure."""
    from tasks.extract.invoice import extract_invoice

    def nature(volume, kwh):
        rows = [[(40, "Point de comptage et d'estimation (PCE)"), (250, "GI137413")], [(40, "Gaz naturel")],
                [(40, "Index Gaz"), (120, "24/07/2024:3241"), (220, "30/08/2024 : 3 267 (réel)")],
                [(40, f"Volume {volume} m³ - coefficient 10,141 kWh/m³ - {kwh} kWh")],
                [(40, f"Consommation de gaz {kwh} kWh x 0,0592 €/kWh"), (420, "15,63 €"), (500, "20 %")]]
        page = words_page(rows, source="ocr", conf=0.9)
        page = replace(page, words=[replace(w, conf=0.3) if w.text == "24/07/2024:3241" else w for w in page.words])
        return extract_invoice([page], strict=False)["gas"]["reading"]

    assert nature(26, 264) == "reel"
    assert nature(27, 274) is None


def test_an_index_whose_start_or_end_word_was_misread_pairs_with_the_other_on_its_line():
    """« Index de cébut ‖ 34 200 (réel, 07/05/2025) ‖ Index de fin ‖ 34 534
    (réel, 08/06/2025) »: « début » misread, the end printed after it on the
    line still makes the pair."""
    from tasks.extract.energy import read_readings

    rows = [[(40, "Électricité")], [(45, "Compteur - Base")],
            [(45, "Index de cébut"), (130, "34 200 (réel, 07/05/2025)"), (270, "Index de fin"),
             (345, "34 534 (réel, 08/06/2025)")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.end_nature) == (34200, 34534, "reel")
    # « fin » misread instead (`index d2 An`): the start before it on the line makes the pair.
    rows[2][0], rows[2][2] = (45, "Index de début"), (270, "index d2 An")
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.end_nature) == (34200, 34534, "reel")
    # « réel » with its e read as an a (`réal`, `réat`) is still real.
    rows[2][3] = (345, "34 534 (réal, 08/06/2025)")
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert reading.end_nature == "reel"


def test_a_pricing_sentence_in_a_footer_line_and_one_whose_prix_ocr_misread():
    """« Prix du kWh HT bloqué jusqu'au 31/01/2027. … Pénalités de retard de
    paiement … » on one footer line: the clause about late payment does not
    hide the one about the price. « Pdx fixe du kWh HT » is still a fixed
    price; a fixed fee in a clause about late payment says nothing of the offer."""
    from tasks.extract.fields import pricing_candidates
    from tasks.extract.store import vote

    def pricing(text):
        found = vote(pricing_candidates(build_document([words_page([[(40, text)]])]), None)[0])
        return found.value if found else None

    assert pricing("Prix du kWh HT bloqué jusqu'au 31/01/2027. Consommation de référence : 2 026 kWh. "
                   "Pénalités de retard de paiement : 3 fois le taux d'intérêt légal.") == "fixe"
    assert pricing("Pdx fixe du kWh HT jusqu'au 31/08/2027.") == "fixe"
    assert pricing("En cas de retard de paiement, une indemnité fixe de 40 € est due.") is None


def test_a_pricing_read_well_counts_though_its_line_holds_a_poor_word():
    """On a scan, « Prix fixe pendant 2 ans (jusqu'au …), hors évolution des
    taxes » with « (jusqu'au » read at 10 %: the words that say the price is
    fixed were read well, and are what counts."""
    from tasks.extract.fields import pricing_candidates
    from tasks.extract.store import vote

    page = words_page([[(40, "Prix fixe pendant 2 ans (jusqu'au 30/04/2025), hors évolution des taxes")]],
                      source="ocr", conf=0.93)
    page.words = [replace(w, conf=0.1) if w.text == "(jusqu'au" else w for w in page.words]
    found = vote(pricing_candidates(build_document([page]), None)[0])

    assert found.value == "fixe" and found.conf >= 0.5


def test_a_vat_rows_only_number_introduced_as_its_base_is_its_base():
    """« TVA à 5,5 % (base 18,64 €) » whose amount a scan lost: 18,64 € is
    the base, the VAT unknown (not 18,64 € of VAT)."""
    from tasks.extract.lines import read_vat_rows

    rows = [[(40, "TVA à 5,5 % (base 18,64 €)")],
            [(40, "TVA à 20 % (base 111,98 €)"), (420, "22,40 €")],
            [(40, "TVA 10 %"), (420, "3,10 €")]]
    read = [(r.rate, r.base, r.vat, r.checked) for r in read_vat_rows(build_document([words_page(rows)]))]
    assert read == [(5.5, 18.64, None, False), (10.0, None, 3.10, False), (20.0, 111.98, 22.40, True)]


def test_an_ht_total_read_under_a_column_heading_gives_way_to_the_vat_table():
    """On a scan, the « Total HT » row lost its amount and the only HT total
    read is the first amount of the lines' « Total HT » column. A row of
    the table went unread too, so the lines do not bear out the total
    either. The VAT table does: each row's VAT is its rate of its base and
    the bases plus their VAT make the TTC total, so the bases are the HT."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Désignation"), (250, "Qté"), (330, "Prix HT"), (470, "Total HT")],
        [(40, "Abonnement électricité"), (250, "1 mois"), (330, "16,64 €/mois"), (470, "16,64 €")],
        [(40, "Électricité consommée"), (250, "511 kWh"), (330, "0,1253 €/kWh"), (470, "64,03 €")],
        [(40, "Total HT")],
        [(40, "TVA à 5,5 % (base 16,64 €)"), (470, "0,92 €")],
        [(40, "TVA à 20 % (base 81,25 €)"), (470, "16,25 €")],
        [(40, "Total TTC"), (470, "115,06 €")],
    ]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)
    assert analysis["total_ht_eur"] == 97.89
    assert analysis["total_ttc_eur"] == 115.06

    rows[-1] = [(40, "Total TTC"), (470, "116,06 €")]  # the VAT table no longer makes the total
    assert extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["total_ht_eur"] != 97.89


def test_a_period_a_year_before_its_bills_date_is_doubted():
    """A photo read the period's year 2026 as 2025: the bill would be priced
    at the previous year's tariffs and VAT rules. A bill comes out weeks
    after its period, so one of the dates is misread: each is doubted, and
    a period read at an OCR line's confidence falls below the threshold."""
    from datetime import date

    from tasks.extract.checks import check_period
    from tasks.extract.store import Candidate, Draft

    def checked(issued: date) -> Draft:
        d = Draft()
        d.set("invoice_date", Candidate(issued, 0.75, 1, "ocr", "invoice_date:same"))
        d.set("period.start", Candidate(date(2025, 1, 10), 0.67, 2, "ocr", "line"))
        d.set("period.end", Candidate(date(2025, 2, 24), 0.67, 2, "ocr", "line"))
        check_period(d)
        return d

    weeks_after = checked(date(2025, 2, 26))
    assert [weeks_after.cand(p).conf for p in ("invoice_date", "period.start", "period.end")] == [0.75, 0.67, 0.67]
    year_after = checked(date(2026, 2, 26))
    assert [round(year_after.cand(p).conf, 3) for p in ("invoice_date", "period.start", "period.end")] == \
        [0.525, 0.469, 0.469]
    assert year_after.failed["period.start"] == ["date-order"]


def test_a_gas_volume_no_gas_could_give_the_kwh_billed_is_dropped_even_with_a_coefficient_read():
    """`18-443` read for the start index 18 443 makes a difference of
    19 145 m³ where 8 057 kWh were billed (0,42 kWh/m³): the volume is
    unknown, whatever coefficient was read beside it."""
    from tasks.extract.checks import check_gas
    from tasks.extract.store import Candidate, Draft

    def checked(m3: int) -> Draft:
        d = Draft()
        d.set("gas.consumption_m3", Candidate(m3, 0.9, 1, "computed", "readings"))
        d.set("gas.conversion_coefficient", Candidate(11.19, 0.887, 1, "ocr", "coef-label"))
        d.set("gas.consumption_kwh", Candidate(8057, 0.95, 2, "ocr", "line"))
        check_gas(d, [])
        return d

    misread = checked(19145)
    assert misread.conf("gas.consumption_m3") == 0 and misread.failed["gas.consumption_m3"] == ["m3-kwh"]
    assert misread.conf("gas.conversion_coefficient") == 0.887
    assert checked(720).conf("gas.consumption_m3") > 0.9


def test_a_totals_column_drifted_most_of_a_line_below_its_labels_is_still_read_beside_them():
    """On a scan, the amounts of a totals table came out 0.85 of a line
    height lower than their labels, each on a line of its own: each label
    still reads the amount beside it, not the next row's."""
    from tasks.extract.fields import extract_totals

    def words(y: float, *cells: tuple[float, str]) -> list[Word]:
        return [Word(text, x, y, x + 4.5 * len(text), y + 9, 0.95) for x, text in cells]

    rows = [words(100, (40, "Total"), (67, "HT")), words(107.6, (430, "408,50"), (462, "€")),
            words(116, (40, "Total"), (67, "TVA")), words(123.6, (430, "73,53"), (457, "€")),
            words(132, (40, "Total"), (67, "TTC")), words(132, (430, "482,03"), (462, "€"))]
    doc = build_document([Page(number=1, width=595, height=842, words=sum(rows, []), source="ocr")])
    totals = extract_totals(doc)
    assert [c.value for c in totals["total_ht"]] == [408.50]
    assert [c.value for c in totals["total_vat"]] == [73.53]
    assert [c.value for c in totals["total_ttc"]] == [482.03]


def test_a_speck_read_as_two_letters_between_a_label_and_its_amount_on_a_scan():
    """« Total de la facture TTC   er   181,70 € »: a speck read as `er`, with
    little confidence, stood between the label and its amount; the TTC was
    left unread and the VAT table's sum (which the bill's own total, 181,70 €,
    contradicted) took its place."""
    from tasks.extract.fields import extract_totals

    # Lower-case or capitalised (seed 16180's gen-0059); capitals (`PE`) only when barely believed.
    for speck, conf in (("er", 0.52), ("Re", 0.52), ("PE", 0.27)):
        rows = [[(40, "Total de la facture TTC"), (250, speck), (450, "181,70 €")]]
        page = words_page(rows, source="ocr", conf=0.94)
        page.words[:] = [w if w.text != speck else Word(w.text, w.x0, w.y0, w.x1, w.y1, conf) for w in page.words]
        assert [c.value for c in extract_totals(build_document([page]))["total_ttc"]] == [181.7], speck


def test_a_row_of_ocr_capitals_keeps_its_words_together_across_spaces_wider_than_their_ink():
    """A scan's header row in small capitals (gen-0010): OCR boxes their ink,
    about three quarters of a mixed-case word's height, so the spaces of
    « DATE D'EMISSION » measure 1,2 of those heights. The words stay one
    label; the columns, two or more heights apart, stay apart. A text layer
    keeps the font's height, and the same gap there splits."""
    def page(source):
        words = [Word("NUMÉRO", 63.6, 167.3, 92.2, 172.1, 0.8), Word("DE", 96.0, 167.3, 102.7, 172.1, 0.9),
                 Word("FACTURE", 107.8, 167.0, 135.6, 171.8, 0.9), Word("DATE", 198.7, 167.0, 212.9, 171.6, 0.9),
                 Word("D'EMISSION", 218.4, 167.0, 257.5, 171.8, 0.9), Word("MONTANT", 304.1, 167.0, 335.5, 171.6, 0.9),
                 Word("TTC", 340.8, 166.8, 349.7, 171.6, 0.9)]
        return Page(number=1, width=595.0, height=842.0, words=words, source=source)

    assert [s.text for s in build_document([page("ocr")]).lines[0].segments] == \
        ["NUMÉRO DE FACTURE", "DATE D'EMISSION", "MONTANT TTC"]
    assert [s.text for s in build_document([page("text")]).lines[0].segments] == \
        ["NUMÉRO DE FACTURE", "DATE", "D'EMISSION", "MONTANT", "TTC"]



def test_a_heading_sentence_cut_into_segments_by_ocr_still_opens_its_energys_section():
    """« Électricité – index base du … (réel). Consommation 146 kWh. »: on a
    scan, OCR gaps cut the sentence into three segments. It still heads the
    electricity lines under it, since nothing else on its line is a heading;
    a line whose later segment names another energy heads nothing."""
    rows = [
        [(40, "Électricité – index base du 18/09/24 : 55 321, index du 27/10/24 : 55"), (360, "(réel). Consommation"),
         (470, "146")],
        [(40, "Part fixe (abonnement)"), (200, "40 jours à 0,5221 €/jour"), (420, "20,88 €")],
        [(40, "Part variable (énergie)"), (200, "146 kWh à 16,11 c€/kWh"), (420, "23,52 €")],
    ]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [(i.kind, i.energy) for i in read_items(doc, Sections(doc))] == \
        [("subscription", "electricite"), ("consumption", "electricite")]
    rows[0][1] = (360, "Gaz naturel")
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [i.energy for i in read_items(doc, Sections(doc))] == [None, None]


def test_a_subscription_whose_days_fall_short_of_the_period_is_not_summed_from_the_lines_read():
    """A scan lost the values of the first « Abonnement gaz » row (gen-0066
    of seed 60221): the 37 days read of a 365-day period are not the
    subscription. With both rows, the sum is."""
    from tasks.extract.invoice import extract_invoice

    def subscription(first_row):
        rows = [
            [(40, "Période de facturation : du 07/09/2024 au 06/09/2025")],
            [(40, "Point de comptage et d'estimation (PCE)"), (250, "65399324997603")],
            [(40, "Gaz naturel")],
            first_row,
            [(40, "Abonnement gaz"), (150, "01/08/2025 06/09/2025"), (260, "37 jours"), (330, "0,5698 €/jour"),
             (420, "21,08 €"), (500, "20 %")],
            [(40, "Énergie gaz"), (150, "07/09/2024 06/09/2025"), (260, "16 985 kWh"), (330, "0,0573 €/kWh"),
             (420, "973,24 €"), (500, "20 %")],
        ]
        return extract_invoice([words_page(rows, source="ocr", conf=0.9)])["gas"]["subscription_eur"]

    assert subscription([(40, "Abonnement gaz")]) is None
    assert subscription([(40, "Abonnement gaz"), (150, "07/09/2024 31/07/2025"), (260, "328 jours"),
                         (330, "0,5698 €/jour"), (420, "186,89 €"), (500, "5,5 %")]) == 207.97


def test_the_prms_full_name_is_a_label_never_an_offer_name():
    """« Point de référence et de mesure (PRM) », the PDL's name in full,
    wrapped or not: its number is read under it, and where OCR lost the
    offer's value it is never taken for the offer under « Offre »."""
    from tasks.extract.fields import extract_offer
    from tasks.extract.identifiers import collect_exclusions, extract_pdl

    for label in (["Point de référence et de mesure (PRM)"], ["Point de référence et de", "mesure (PRM)"]):
        rows = [[(40, "Offre")]] + [[(40, part)] for part in label] + [[(40, "17106956305427")]]
        doc = build_document([words_page(rows, source="ocr", conf=0.9)])
        assert extract_offer(doc, []) is None, label
        assert extract_pdl(doc, collect_exclusions(doc)).value == "17106956305427", label


def test_a_letters_date_line_read_with_a_semicolon_dates_the_bill_and_a_periods_start_never_does():
    """« Paris; le 8 janvier 2026 » (OCR read the comma as a semicolon) is
    the bill's date. Without it, the date two lines under « votre facture
    n° » opens « la période du 01/12/2025 au 31/12/2025 »: not a date of
    issue."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(40, "Paris; le 8 janvier 2026")], [(40, "Objet : votre facture n° 30266022874004")], [(40, "Mme Simon,")],
            [(40, "Veuillez trouver ci-dessous votre facture pour la période du 01/12/2025 au 31/12/2025.")]]
    assert extract_invoice_date(build_document([words_page(rows, source="ocr", conf=0.9)])).value == date(2026, 1, 8)
    assert extract_invoice_date(build_document([words_page(rows[1:], source="ocr", conf=0.9)])) is None


def test_an_unchecked_ocr_price_that_does_not_make_its_amount_from_the_consumption_gives_way():
    """A photo misread both « 3 389 kWh x 0,0666 » of a gas line as « 3 289
    kWh x 0,0555 » (gen-0029 of seed 60221): 0,0555 € on the 3 389 kWh read
    elsewhere is not the line's 225,71 €. The lines make the HT total, so
    the amount is right and the price is 225,71 / 3 389. Without that
    total, no price."""
    from tasks.extract.invoice import extract_invoice

    rows = [
        [(40, "Point de comptage et d'estimation (PCE)"), (250, "65399324997603")],
        [(40, "Gaz naturel")],
        [(40, "Coefficient de conversion : 10,933 kWh/m3 - énergie consommée : 3 389 kWh")],
        [(40, "Abonnement gaz 63 jours x 0,5323 €/jour"), (420, "33,53 €"), (500, "5,5 %")],
        [(40, "Biogaz et gaz vert 3 289 kWh x 0,0555 €/kWh"), (420, "225,71 €"), (500, "20 %")],
        [(40, "Total HT"), (420, "259,24 €")],
    ]
    gas = extract_invoice([words_page(rows, source="ocr", conf=0.9)])["gas"]
    assert gas["consumption_kwh"] == 3389 and gas["unit_price_kwh_ht_eur"] == 0.0666
    gas = extract_invoice([words_page(rows[:-1], source="ocr", conf=0.9)])["gas"]
    assert gas["unit_price_kwh_ht_eur"] is None


def test_a_coefficient_misread_by_one_digit_is_the_one_change_that_makes_the_kwh():
    """« 187 m³ x 19,715 = 2 004 kWh » on a photo: no coefficient is 19,715,
    and 10,715 is the one digit away that makes 2 004 kWh from 187 m³. A
    text layer is not misread: its out-of-range coefficient is only
    dropped."""
    from tasks.extract.invoice import extract_invoice

    rows = [[(40, "Point de comptage et d'estimation (PCE)"), (250, "65399324997603")], [(40, "Gaz naturel")],
            [(40, "Conversion : 187 m3 x 19,715 (coefficient de conversion) = 2 004 kWh")],
            [(40, "Consommation 2 004 kWh x 0,1063 €/kWh"), (420, "213,03 €"), (500, "20 %")]]
    assert extract_invoice([words_page(rows, source="ocr", conf=0.9)])["gas"]["conversion_coefficient"] == 10.715
    assert extract_invoice([words_page(rows)])["gas"]["conversion_coefficient"] is None
    rows[2] = [(40, "Conversion : 187 m3 x 19,715 (coefficient de conversion) = 2 104 kWh")]
    assert extract_invoice([words_page(rows, source="ocr", conf=0.9)])["gas"]["conversion_coefficient"] is None


def test_a_coefficient_between_a_volume_and_kwh_both_read_twice_is_the_misread():
    """ilek's layout on a photo: `Compteur - Gaz ‖ 29 m³`, the indexes 29 m³
    apart, `Coefficient de conversion : 12,03 … énergie consommée : 320 kWh`
    and lines billing 320 kWh: volume and energy each read twice, the
    coefficient is the misread, 11,03 the one digit that fits. Where two
    digits fit (`11,93`: 10,93 and 11,03), it is unknown; where the indexes
    do not bear the volume out, nothing says which of the three is wrong."""
    from tasks.extract.invoice import extract_invoice

    def gas(coef: str, end_index: str = "13 940") -> tuple:
        rows = [[(40, "Point de comptage et d'estimation (PCE)"), (250, "65399324997603")], [(40, "Gaz naturel")],
                [(40, "Compteur - Gaz"), (500, "29 m³")],
                [(40, f"Index de début 13 911 (réel, 20/07/2024) Index de fin {end_index} (réel, 16/08/2024)")],
                [(40, f"Coefficient de conversion : {coef} kWh/m³ - énergie consommée : 320 kWh")],
                [(40, "Consommation 320 kWh x 0,0626 €/kWh"), (420, "20,03 €"), (500, "20 %")]]
        found = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["gas"]
        return found["consumption_m3"], found["conversion_coefficient"], found["consumption_kwh"]

    assert gas("11,03") == (29, 11.03, 320)
    assert gas("12,03") == (29, 11.03, 320)
    assert gas("11,93") == (29, None, 320)
    assert gas("12,03", end_index="13 945")[1] != 11.03  # no digit changed on a guess


def test_a_coefficient_one_digit_off_finer_than_the_volumes_rounding_is_unknown():
    """A pale scan's `Coefficient de conversion 11.65`, 80 m³ (printed and
    between the indexes) and 885 kWh billed by both the consumption and the
    excise lines, no « énergie consommée » caption read: the coefficient is
    the misread, and 11,05 one digit away fits, but so does every one from
    10,99 to 11,13 with 80 m³ rounded to the m³ (11,06 was printed): unknown."""
    from tasks.extract.invoice import extract_invoice

    rows = [[(40, "Point de comptage et d'estimation (PCE)"), (250, "65399324997603")], [(40, "Gaz naturel")],
            [(40, "Compteur - Gaz"), (500, "80 m³")],
            [(40, "Index de début 23 238 (réel, 01/02/2024) Index de fin 23 318 (réel, 29/02/2024)")],
            [(40, "Coefficient de conversion"), (200, "11.65 kWh/m³")],
            [(40, "Biogaz et gaz vert 885 kWh x 0,0538 €/kWh"), (420, "47,61 €"), (500, "20 %")],
            [(40, "Accise sur le gaz naturel 885 kWh x 0,01637 €/kWh"), (420, "14,49 €"), (500, "20 %")]]
    gas = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["gas"]
    assert (gas["consumption_m3"], gas["conversion_coefficient"], gas["consumption_kwh"]) == (80, None, 885)


def test_a_coefficient_against_a_volume_read_twice_and_kwh_billed_bare_in_two_excise_lines():
    """wekiwi's layout on a scan: units only in the table's header, so the
    lines bill bare kWh, the excise in two lines over two periods (1 917 +
    15 188). The 17 105 kWh are read twice all the same, the indexes make
    the 1 548 m³: `11,65` is the misread, 11,05 the digit that fits."""
    from tasks.extract.invoice import extract_invoice

    header = [(40, "Désignation"), (200, "Période"), (290, "Quantité (kWh)"), (360, "Prix unitaire HT (€)"),
              (450, "Montant HT (€)"), (520, "TVA (%)")]
    rows = [[(40, "Point de comptage et d'estimation (PCE)"), (250, "07199902206822")],
            [(40, "Vos index gaz - relevés du 21.11.2023 et du 20.11.2024")],
            [(40, "Relevé"), (200, "Ancien index"), (300, "Nouvel index"), (400, "Consommation (m³)")],
            [(40, "Gaz"), (200, "17 943 réel"), (300, "19 491 réel"), (400, "1 548")],
            [(40, "Volume relevé 1 548 m³ x coefficient de conversion 11,65 = 17 105 kWh consommés")],
            header,
            [(40, "Fourniture de gaz"), (200, "21.11.2023 - 20.11.2024"), (300, "17 105"), (370, "0,0516"),
             (460, "882,62"), (530, "20")],
            [(40, "Accise sur le gaz naturel"), (200, "21.11.2023 - 31.12.2023"), (300, "1 917"), (370, "0,00837"),
             (460, "16,05"), (530, "20")],
            [(40, "Accise sur le gaz naturel"), (200, "01.01.2024 - 20.11.2024"), (300, "15 188"), (370, "0,01637"),
             (460, "248,63"), (530, "20")]]
    gas = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["gas"]
    assert (gas["consumption_m3"], gas["conversion_coefficient"], gas["consumption_kwh"]) == (1548, 11.05, 17105)


def test_the_natures_a_readings_heading_gives_after_its_dates_go_to_its_rows():
    """`relevés du 04/11/25 (réel) au 24/12/25 (estimé)` over a grid whose
    rows print only their indexes: the heading dates them and says their nature."""
    from datetime import date

    from tasks.extract.energy import read_readings

    for end_word, nature in (("estimé", "estime"), ("télérelevé", "reel")):
        rows = [[(40, f"Électricité – relevés du 04/11/25 (réel) au 24/12/25 ({end_word})")],
                [(40, "Cadran"), (150, "Ancien index"), (250, "Nouvel index"), (350, "Conso (kWh)")],
                [(40, "HP"), (150, "12.345"), (250, "13.005"), (350, "660")],
                [(40, "HC"), (150, "8.100"), (250, "8.580"), (350, "480")]]
        doc = build_document([words_page(rows)])
        found = read_readings(doc, Sections(doc))
        assert [(r.register, r.end_date, r.end_nature) for r in found] == [
            ("hp", date(2025, 12, 24), nature), ("hc", date(2025, 12, 24), nature)]
        assert [(r.start_index, r.end_index) for r in found] == [(12345, 13005), (8100, 8580)]


def test_a_power_in_kw_and_a_count_of_days_near_a_readings_table_are_no_indexes():
    """`Abonnement 9 kW ‖ 366 j` a few lines under a readings header whose
    row OCR could not read: 9 and 366 are no start and end index."""
    from tasks.extract.energy import read_readings

    rows = [[(40, "Électricité – relevés du 04/11/2023 (réel) au 03/11/2024 (réel)")],
            [(40, "Cadran"), (150, "Ancien index"), (250, "Nouvel index"), (350, "Conso (kWh)")],
            [(40, "Libellé"), (150, "Période"), (250, "Quantité"), (330, "Prix unitaire HT"), (420, "Montant HT")],
            [(40, "Abonnement 9 kW"), (150, "04/11/2023 - 03/11/2024"), (250, "366 j"), (330, "0,3912 €/jour"),
             (420, "143,18 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert read_readings(doc, Sections(doc)) == []


def test_a_total_row_with_one_amount_under_a_ttc_header_it_is_no_row_of_keeps_its_amount():
    """A summary card headed `Période facturée ‖ Total TTC ‖ Montant à régler`
    stands above `Total hors taxes ‖ 214,93 €`, whose amount falls under no
    HT column: its one amount is still its caption's. A row of the table
    with its cells (`Total ‖ 591,09 ‖ 81,28 ‖ 672,37`) is read by column."""
    from tasks.extract.fields import extract_totals

    rows = [[(40, "Période facturée"), (250, "Total TTC"), (430, "Montant à régler")],
            [(40, "04 nov. 25 → 24 déc. 25"), (250, "248,64 €"), (430, "248,64 €")],
            [(40, "Total hors taxes"), (250, "214,93 €")]]
    totals = extract_totals(build_document([words_page(rows)]))
    assert [c.value for c in totals["total_ht"]] == [214.93]
    rows = [[(40, "Rubrique"), (250, "Hors TVA"), (340, "TVA"), (430, "TTC")],
            [(40, "Total hors TVA et TTC"), (250, "591,09 €"), (340, "81,28 €"), (430, "672,37 €")]]
    totals = extract_totals(build_document([words_page(rows)]))
    assert [c.value for c in totals["total_ht"]] == [591.09]


def test_the_ht_subtotal_through_ocr_misreadings_of_its_label():
    from tasks.extract.fields import extract_totals

    for label in ("Sous-total HT", "Sous-totai HI", "Sous-toial HT"):
        doc = build_document([words_page([[(40, label), (420, "1 392,90 €")]], source="ocr", conf=0.9)])
        assert [c.value for c in extract_totals(doc)["total_ht"]] == [1392.9], label


def test_a_speck_read_as_a_quote_and_two_capitals_between_a_total_and_its_amount():
    """`Sous-total HT ‖ “EU ‖ 95,09 €` on a 150 dpi scan, `“EU` read at 18 %:
    a speck, not the end of the row; read surely, it is text."""
    from tasks.extract.fields import extract_totals

    def total(conf: float) -> list[float]:
        page = words_page([[(248, "Sous-total HT"), (394, "“EU"), (517, "95,09 €")]], source="ocr", conf=0.9)
        page = replace(page, words=[replace(w, conf=conf) if w.text == "“EU" else w for w in page.words])
        return [c.value for c in extract_totals(build_document([page]))["total_ht"]]

    assert total(0.18) == [95.09]
    assert total(0.95) == []


def test_a_piece_of_a_catalogue_offer_printed_whole_gives_way_to_it():
    """« offre Fixe 1 an » (its capital misread) is read as the caption
    « offre » and the value « Fixe 1 an »; the supplier's catalogue names
    « Offre Fixe 1 an », printed whole there: that is the offer."""
    from tasks.extract.fields import extract_offer

    rows = [[(40, "C3020643"), (150, "31/01/2025"), (300, "offre Fixe 1 an"), (450, "134,31 €")],
            [(40, "RÉFÉRENCE CLIENT"), (150, "PÉRIODE"), (300, "VOTRE OFFRE"), (450, "MONTANT À PAYER")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert extract_offer(doc, ["Offre Fixe 1 an", "Offre Fixe 2 ans"]).value.lower() == "offre fixe 1 an"
    assert extract_offer(doc, ["Offre Fixe 2 ans"]).value == "Fixe 1 an"


def test_an_ocr_offer_name_that_lost_its_dash_is_the_catalogue_name_it_spells():
    """« Électricité verte Prix fixe » (the dash lost on a scan) is the
    catalogue's « Électricité verte - Prix fixe », « Gaz ClassicFixe » its
    « Gaz Classic Fixe »; two catalogue names with
    those words leave the reading as it is, and so does a text layer."""
    from tasks.extract.fields import extract_offer

    rows = [[(40, "Offre"), (200, "Électricité verte Prix fixe")]]

    def offer(known, source="ocr"):
        return extract_offer(build_document([words_page(rows, source=source, conf=0.9)]), known).value

    assert offer(["Électricité verte - Prix fixe", "Gaz vert - Prix fixe"]) == "Électricité verte - Prix fixe"
    assert offer(["Électricité verte - Prix fixe", "Électricité verte – Prix fixe !"]) == "Électricité verte Prix fixe"
    assert offer(["Électricité verte - Prix fixe"], source="text") == "Électricité verte Prix fixe"
    rows = [[(40, "Offre"), (200, "Gaz ClassicFixe")]]  # a narrow space lost
    assert offer(["Gaz Classic Fixe", "Gaz Classic Variable"]) == "Gaz Classic Fixe"


def test_descenders_do_not_pass_for_a_slope_on_a_flat_scan():
    """OCR boxes hold ink: « payé » reaches below the baseline, « TTC » does
    not, so the centre of the one stands lower than the other's on a flat
    line. Slopes measured between such words would tilt a flat page and
    move a label and its amount onto different rows; they are not used,
    and a mark between two words stays in their line."""
    from tasks.extract.layout import SlopeField

    words = []
    for row in range(12):
        y = 100 + row * 14
        for text, x0, x1 in (("Total", 40, 62), ("TTC", 65, 80), ("payé", 83, 103), ("-", 106, 109),
                             ("Frais", 112, 134), ("10,00", 420, 444), ("€", 447, 452)):
            low = 2.2 if any(c in "gjpqyé" for c in text) and text != "Frais" else 0.0
            top, bottom = (y + 4.0, y + 5.5) if text == "-" else (y, y + 7.0 + low)
            words.append(Word(text, x0, top, x1, bottom, 0.9))
    page = Page(number=1, width=595.0, height=842.0, words=words, source="ocr")
    assert SlopeField(words, 595.0).flat
    doc = build_document([page])
    assert [[s.text for s in line.segments] for line in doc.lines] == [["Total TTC payé - Frais", "10,00 €"]] * 12


def test_a_dash_whose_row_went_to_a_taller_neighbour_returns_beside_its_words():
    """gen-0016 of seed 2024, boxes as straightened: « Électricité verte -
    Prix fixe » joined the taller « Net à payer : 60,18 € » row beside it,
    and the dash, low in its words' height, was left in a row of its own,
    which cut the offer name at « Électricité verte »."""
    w = Word
    words = [w("Électricité", 53.5, 193.3, 106.5, 201.5, 0.9), w("verte", 110.1, 193.9, 138.2, 201.1, 0.9),
             w("-", 142.3, 196.9, 145.4, 198.6, 0.9), w("Prix", 149.5, 193.1, 169.9, 200.8, 0.9),
             w("fixe", 173.7, 193.0, 192.9, 200.7, 0.9), w("Net", 243.7, 188.7, 262.0, 197.5, 0.9),
             w("à", 269.9, 190.3, 275.0, 197.5, 0.9), w("payer", 278.8, 187.9, 305.0, 199.2, 0.9),
             w(":", 309.5, 192.5, 311.0, 197.3, 0.9), w("60,18", 315.5, 189.6, 342.0, 198.5, 0.9),
             w("€", 345.2, 190.5, 351.0, 197.2, 0.9)]
    doc = scan_document(words)
    assert [line.text for line in doc.lines][0].startswith("Électricité verte - Prix fixe")
    assert len(doc.lines) == 1


def test_side_by_side_blocks_whose_rows_do_not_line_up_are_read_column_by_column():
    """On a scan, each column's rows fall on lines of their own, taking turns
    down the page: a row's detail line is then followed by the other
    column's row, unless the columns are read one after the other."""
    page = words_page([
        [(60, "Électricité"), (306, "Gaz naturel")],
        [(306, "Volume 389 m³ - coefficient 10,43 kWh/m³ - 4 057 kWh")],
        [(60, "Abonnement"), (235, "21,98 € 5,5 %")],
        [(60, "01/03/2025 – 30/04/2025 : 61 jours ×"), (306, "Abonnement"), (480, "34,90 € 5,5 %")],
        [(60, "0,3603 €/jour")],
        [(306, "01/03/2025 – 30/04/2025 : 61 jours ×")],
        [(60, "Consommation"), (235, "50,06 € 20 %")],
        [(306, "0,5721 €/jour")],
        [(60, "01/03/2025 – 30/04/2025 : 467 kWh ×")],
        [(306, "Consommation de gaz"), (480, "311,58 € 20 %")],
        [(60, "0,10720 €/kWh")],
        [(306, "01/03/2025 – 30/04/2025 : 4 057 kWh ×")],
        [(60, "CTA"), (235, "3,95 € 5,5 %")],
        [(306, "0,07680 €/kWh")],
    ], line_gap=7, source="ocr", conf=0.95)
    flow = column_flow(build_document([page]))
    by_amount = {i.amount: i for i in read_items(flow, Sections(flow))}
    assert (by_amount[21.98].kind, by_amount[21.98].unit_price) == ("subscription", 0.3603)
    assert (by_amount[34.90].kind, by_amount[34.90].unit_price) == ("subscription", 0.5721)
    assert (by_amount[50.06].energy, by_amount[50.06].quantity, by_amount[50.06].checked) == ("electricite", 467, True)
    assert (by_amount[311.58].energy, by_amount[311.58].quantity, by_amount[311.58].checked) == ("gaz", 4057, True)


def test_a_table_over_a_totals_box_is_not_taken_for_two_columns():
    """A table whose header and last row wrap, over a totals box at the
    right: lines that hold one side only, but no row of its own on the left."""
    rows = [
        [(40, "Consommation électricité : 518 kWh")],
        [(402, "Prix unitaire (€"), (479, "Montant"), (525, "Code")],
        [(43, "Rubrique"), (252, "Période"), (328, "Volume Unité")],
        [(447, "HT)"), (501, "HT"), (527, "TVA")],
        [(42, "Abonnement électricité"), (252, "24/11/24-21/12/24"), (348, "28 j"), (435, "0,4001"), (483, "11,20 €")],
        [(42, "Terme variable Base"), (252, "24/11/24-21/12/24"), (343, "518 kWh"), (435, "0,1613"), (483, "83,55 €")],
        [(43, "Contribution Tarifaire d'Acheminement (21,93 % ×")],
        [(252, "24/11/24-21/12/24"), (487, "2,13 €"), (532, "A")],
        [(43, "9,69 €)")],
        [(249, "Code TVA"), (363, "Base HT"), (428, "Taux"), (502, "Montant TVA")],
        [(248, "Total HT"), (516, "96,88 €")],
        [(248, "Total TVA"), (521, "19,01 €")],
        [(248, "Total TTC"), (516, "115,89 €")],
    ]
    doc = build_document([words_page(rows, line_gap=12)])
    assert [ln.text for ln in column_flow(doc).lines] == [ln.text for ln in doc.lines]


def test_a_row_that_ocr_split_around_the_other_column_is_one_line_again():
    """OCR grouped the start of a detail line with the other column's row
    and left the rest on a line of its own, on the same row: read column by
    column, the detail is one line under its row again."""
    def cell(x, text, dy, y):
        words = []
        for token in text.split():
            words.append(Word(token, x, y + dy, x + 4.5 * len(token), y + dy + 8, 0.95))
            x += 4.5 * len(token) + 2.5
        return make_segment(words, 1, ocr=True)

    def line(*cells, y):
        segments = [cell(x, text, dy, y) for x, text, dy in cells]
        return Line(page=1, y0=min(s.y0 for s in segments), y1=max(s.y1 for s in segments), segments=segments)

    rows = [
        line((62, "Index Heures Pleines", 0), (132, "15 854", 0), (301, "Index Gaz", 0), (346, "16 911", 0), y=100),
        line((62, "Abonnement", 0), (235, "21,98 € 5,5 %", 0), y=112),
        line((301, "Abonnement", 0), (474, "34,90 € 5,5 %", 0), y=120),
        line((62, "Consommation heures pleines", 0), (230, "28,55 € 20 %", 0), y=130),
        line((62, "01/04/2024", 0), (301, "Accise gaz naturel", 0), (474, "4,52 € 20 %", 0), y=142),
        line((108, "– 30/04/2024 : 179 kWh ×", 2.5), y=142),
        line((301, "Consommation de gaz", 0), (474, "16,86 € 20 %", 0), y=152),
        line((62, "CTA", 0), (235, "1,77 € 5,5 %", 0), y=162),
        line((301, "CTA", 0), (474, "0,96 € 5,5 %", 0), y=170),
    ]
    doc = Document(pages=[Page(1, 595.0, 842.0, [], source="ocr")], lines=rows)
    texts = [ln.text for ln in column_flow(doc).lines]
    assert "01/04/2024 – 30/04/2024 : 179 kWh ×" in texts
    assert texts.index("01/04/2024 – 30/04/2024 : 179 kWh ×") == texts.index("Consommation heures pleines   28,55 € 20 %") + 1


def test_a_per_day_price_whose_unit_ocr_misread_is_read_by_its_product():
    """« 0,3603 €yjour » under « … 61 jours × »: the number that makes the
    row's amount from its 61 days is its price, and the detail stays with
    its row rather than with the row under it; one that does not is not."""
    def subscription(price):
        rows = [[(60, "Abonnement"), (235, "21,98 € 5,5 %")],
                [(60, "01/03/2025 - 30/04/2025 : 61 jours ×")],
                [(60, f"{price} €yjour")],
                [(60, "Consommation heures pleines"), (235, "30,47 € 20 %")],
                [(60, "01/03/2025 - 30/04/2025 : 251 kWh × 0,12140 €/kWh")]]
        doc = build_document([words_page(rows, line_gap=9, source="ocr", conf=0.9)])
        item = next(i for i in read_items(doc) if i.kind == "subscription")
        return item.quantity, item.unit_price, item.checked

    assert subscription("0,3603") == (61, 0.3603, True)
    assert subscription("0,3803") == (61, None, False)


def test_a_line_without_section_in_a_column_of_one_energy_is_of_that_energy():
    """Two columns read one after the other, their headings lost: the
    subscription and CTA of the column whose other lines are electricity's
    are electricity's, those of the other column gas's."""
    from tasks.extract.invoice import _energy_of_column

    page = words_page([
        [(60, "Abonnement"), (235, "21,98 € 5,5 %")],
        [(306, "Abonnement"), (480, "34,90 € 5,5 %")],
        [(60, "01/03/2025 – 30/04/2025 : 61 jours × 0,3603 €/jour"), (306, "Consommation de gaz"), (480, "311,58 € 20 %")],
        [(60, "Consommation heures pleines"), (235, "30,47 € 20 %")],
        [(306, "01/03/2025 – 30/04/2025 : 4 057 kWh × 0,07680 €/kWh")],
        [(60, "01/03/2025 – 30/04/2025 : 251 kWh × 0,12140 €/kWh")],
        [(306, "CTA"), (480, "7,27 € 5,5 %")],
        [(60, "Accise électricité"), (235, "15,74 € 20 %")],
        [(306, "01/03/2025 – 30/04/2025 : 20,8 % × 34,97 €")],
        [(60, "CTA"), (235, "3,95 € 5,5 %")],
    ], line_gap=8, source="ocr", conf=0.95)
    flow = column_flow(build_document([page]))
    items = read_items(flow, Sections(flow))
    assert {i.amount for i in items if i.energy is None} >= {21.98, 34.90}
    _energy_of_column(items, flow)
    energy = {i.amount: i.energy for i in items}
    assert (energy[21.98], energy[3.95], energy[34.90], energy[7.27]) == ("electricite", "electricite", "gaz", "gaz")


def test_the_maximum_power_reached_and_a_sentence_under_a_lost_value_are_no_subscribed_power():
    """« PUISSANCE MAX. ATTEINTE (12 MOIS) » is the maximum reached, not the
    power subscribed (its 12 is months); under a « PUISSANCE SOUSCRITE »
    heading whose value OCR lost, « Prix fixe pendant 3 ans » gives no power."""
    from tasks.extract.energy import extract_kva

    def kva(rows):
        found = extract_kva(build_document([words_page(rows, source="ocr", conf=0.9)]))
        return found.value if found else None

    assert kva([[(40, "PUISSANCE MAX. ATTEINTE (12 MOIS)")], [(40, "7,8 kVA")],
                [(40, "Abonnement électricité 9 kVA"), (300, "26,52 €")]]) == 9
    assert kva([[(40, "POINT DE LIVRAISON"), (200, "PUISSANCE SOUSCRITE"), (380, "OPTION TARIFAIRE")],
                [(40, "Prix fixe pendant 3 ans (jusqu'au 31/12/2026), hors évolution des taxes.")]]) is None


def test_a_subscribed_power_whose_caption_names_its_unit_is_read_after_it():
    """« Puissance souscrite (kVA) : 9 »: the unit in brackets belongs to the
    caption, the bare number after it is the power (also on a scan that read
    the unit « KVA »)."""
    from tasks.extract.energy import extract_kva

    for text in ("Puissance souscrite (kVA) : 9", "Puissance souscrite (KVA) : 15"):
        found = extract_kva(build_document([words_page([[(40, text)], [(40, "Option tarifaire : Base")]],
                                                       source="ocr", conf=0.9)]))
        assert found is not None and found.value == int(text.split()[-1]) and found.conf >= 0.6


def test_full_width_rows_under_two_columns_are_not_cut_at_the_gutter():
    """Past the second column's last row, a heading and rows whose amounts
    stand right of the gutter are the page's again: « Entretien chaudière »
    keeps its 9,85 € and the fee its 40,00 €, under their own heading."""
    page = words_page([
        [(60, "Électricité"), (306, "Gaz naturel")],
        [(60, "Abonnement"), (235, "20,52 € 5,5 %"), (306, "Abonnement"), (480, "35,07 € 5,5 %")],
        [(60, "01/02/2025 – 31/03/2025 · 59 jours × 0,3478 €/jour"), (306, "01/02/2025 – 31/03/2025 · 59 jours ×")],
        [(306, "0,5944 €/jour")],
        [(60, "Consommation"), (235, "53,76 € 20 %"), (306, "Consommation de gaz"), (480, "140,82 € 20 %")],
        [(60, "01/02/2025 – 31/03/2025 · 502 kWh ×"), (306, "01/02/2025 – 31/03/2025 · 1 975 kWh ×")],
        [(60, "0,10710 €/kWh"), (306, "0,07130 €/kWh")],
        [(60, "CTA"), (235, "3,95 € 5,5 %"), (306, "CTA"), (480, "7,27 € 5,5 %")],
        [(60, "Accise électricité"), (235, "15,74 € 20 %")],
        [(60, "Autres prestations et frais")],
        [(57, "Entretien chaudière gaz (mensualisé)"), (433, "9,85 €"), (510, "20 %")],
        [(57, "Indemnité forfaitaire de recouvrement"), (428, "40,00 €"), (486, "hors champ")],
    ], line_gap=10)
    flow = column_flow(build_document([page]))
    texts = [ln.text for ln in flow.lines]
    assert texts[-3:] == ["Autres prestations et frais", "Entretien chaudière gaz (mensualisé)   9,85 €   20 %",
                          "Indemnité forfaitaire de recouvrement   40,00 €   hors champ"]
    assert texts.index("Accise électricité   15,74 € 20 %") < texts.index("Abonnement   35,07 € 5,5 %")


def test_a_fee_whose_vat_rate_stands_alone_under_it_is_a_line_item():
    """« Frais de relance 7,50 € HT » over « TVA 20% »: the fee is billed,
    at 20 %; a VAT table's row under a line (its base and amount printed)
    is no detail of it."""
    rows = [[(40, "Frais de relance"), (420, "7,50 € HT")], [(40, "TVA 20%")],
            [(40, "Sous-total HT"), (420, "480,55 €")]]
    [fee] = [i for i in read_items(build_document([words_page(rows, source="ocr", conf=0.9)])) if i.kind == "fee"]
    assert (fee.amount, fee.vat_rate) == (7.5, 20.0)
    rows = [[(40, "Frais de relance"), (420, "7,50 € HT")], [(40, "TVA 20 % sur 452,48 €"), (420, "90,50 €")]]
    assert not [i for i in read_items(build_document([words_page(rows, source="ocr", conf=0.9)])) if i.kind == "fee"]


def test_a_few_short_words_of_a_flat_scan_do_not_tilt_their_zone():
    """Two lines of a flat scan as Tesseract boxed them (bold amounts
    taller, `mars` without ascenders): a zone's five to nine slopes between
    short neighbours scatter by a few hundredths, and their median must not
    shear the line into pieces when the page around it is flat."""
    noisy = [("Votre", 57.1, 217.11, 81.09, 224.07), ("facture", 85.89, 216.87, 117.79, 224.07),
             ("n°", 122.83, 217.11, 131.95, 223.83), ("20253494071", 137.22, 217.11, 198.4, 228.39),
             ("du", 204.16, 216.87, 214.95, 224.07), ("9", 219.99, 217.11, 224.55, 224.07),
             ("mars", 229.59, 219.03, 251.66, 224.07), ("2025", 256.7, 217.11, 278.53, 224.07),
             ("s'élève", 283.57, 216.39, 314.75, 226.23), ("à", 318.83, 216.63, 323.63, 224.07),
             ("82,71", 328.67, 214.95, 364.41, 225.75), ("€", 371.13, 214.95, 378.81, 224.07),
             ("TTC.", 385.04, 214.95, 413.83, 224.07), ("Elle", 419.35, 216.87, 436.14, 224.07),
             ("couvre", 440.94, 219.03, 471.17, 224.07), ("la", 475.97, 217.11, 483.65, 224.07),
             ("période", 488.2, 216.63, 522.51, 225.99), ("du", 527.31, 217.11, 538.1, 224.31),
             ("14/01/25", 58.3, 231.27, 96.92, 242.06), ("au", 100.76, 233.19, 111.08, 238.22),
             ("07/03/25.", 114.67, 231.03, 156.9, 238.94), ("À", 160.5, 229.59, 167.21, 238.22),
             ("régler", 170.33, 230.79, 197.92, 240.14), ("par", 201.04, 233.19, 216.15, 240.14),
             ("virement", 219.03, 229.59, 259.82, 238.22), ("avant", 262.93, 231.99, 287.64, 238.22),
             ("le", 291.0, 231.03, 298.44, 238.22), ("19/03/25.", 303.0, 231.27, 344.26, 238.94)]
    words = [Word(t, x0, y0, x1, y1, 0.96) for t, x0, y0, x1, y1 in noisy]
    for row in range(30):  # the rest of the page: flat lines, then lines a photo's perspective tilts
        y, slope = 300 + row * 16, 0.004 if row >= 15 else 0.0
        words += [Word(t, x, y + slope * x, x + 30, y + 7 + slope * x, 0.96)
                  for t, x in (("Ligne", 60), ("TEXTE", 100), ("PLAT", 140), ("SANS", 180), ("PENTE", 220))]
    doc = scan_document(words)
    texts = [line.text for line in doc.lines[:2]]
    assert texts == ["Votre facture n° 20253494071 du 9 mars 2025 s'élève à 82,71 € TTC. Elle couvre la période du",
                     "14/01/25 au 07/03/25. À régler par virement avant le 19/03/25."]


def test_a_mark_glued_before_a_caption_and_a_total_captioned_under_its_value():
    """`-Offre` (a speck glued to the caption) still captions the offer; in
    a row of captions under their values, « MONTANT TTC DE LA FACTURE »
    captions the amount over it."""
    from tasks.extract.fields import extract_offer, extract_totals

    page = words_page([[(40, "-Offre"), (120, "Gaz Fixe lan")]], source="ocr", conf=0.9)
    assert extract_offer(build_document([page]), []).value == "Gaz Fixe 1 an"
    page = words_page([
        [(40, "FA-2025-1473146"), (160, "05/08/2025"), (300, "199,61 €"), (440, "25/08/2025")],
        [(40, "NUMERO DE FACTURE"), (160, "DATE D'EMISSION"), (300, "MONTANT TTC DE LA FACTURE"),
         (440, "DATE LIMITE DE PAIEMENT")],
    ], source="ocr", conf=0.9)
    assert [c.value for c in extract_totals(build_document([page]))["total_ttc"]] == [199.61]


def test_the_end_of_an_offer_name_ocr_cut_into_a_cell_of_its_own():
    """`Gaz vert ‖ Prix fixe` (the dash lost): « Gaz vert - Prix fixe »;
    `Gaz Fixe ‖ an` (the 1 lost): « Gaz Fixe 1 an »; `Octo Fixe ‖ ans`: how
    many years is lost, so the name is unknown rather than cut short, as
    `Gaz vert ‖ - Prix fix 7` (the name goes on past its dash)."""
    from tasks.extract.fields import extract_offer

    def offer(*cells: tuple[float, str]):
        page = words_page([[(40, "OFFRE")], list(cells)], source="ocr", conf=0.9)
        found = extract_offer(build_document([page]), [])
        return found.value if found else None

    assert offer((40, "Gaz vert"), (95, "Prix fixe")) == "Gaz vert - Prix fixe"
    assert offer((40, "Gaz Fixe"), (100, "an")) == "Gaz Fixe 1 an"
    assert offer((40, "Gaz Fixe"), (100, "Lan")) == "Gaz Fixe 1 an"  # the 1 read as a letter
    assert offer((40, "Octo Fixe"), (100, "ans")) is None
    assert offer((40, "Gaz vert")) == "Gaz vert"
    # The dash read, the rest too garbled to read: the name goes on, unknown.
    assert offer((55, "Gaz vert"), (104, "- Prix fixe")) == "Gaz vert - Prix fixe"
    assert offer((55, "Gaz vert"), (104, "- Prix fix 7")) is None


def test_pale_captions_whose_degree_sign_or_l_ocr_lost_still_caption_their_values():
    """`facture n` (its ° lost) and `Emise ie` over `IL250407-11381` and
    `7 avril 2025` (the ilek layout's pale captions on a 150 dpi scan)."""
    from tasks.extract.fields import extract_invoice_date
    from tasks.extract.identifiers import extract_invoice_number

    page = words_page([[(40, "facture n"), (160, "Emise ie")], [(40, "IL250407-11381"), (160, "7 avril 2025")]],
                      source="ocr", conf=0.8)
    doc = build_document([page])
    assert extract_invoice_number(doc).value == "IL250407-11381"
    assert extract_invoice_date(doc).value.isoformat() == "2025-04-07"


def test_an_offer_name_run_into_the_next_columns_power_or_whose_end_ocr_garbled():
    """`Duo Verte Fixe` over `2aans`, beside `19. 0 «VA` (the subscribed
    power): the name is « Duo Verte Fixe 2 ans », never the power; `… - Prix
    index` at a line's end lost its é."""
    from tasks.extract.fields import _offer_reader

    assert _offer_reader("Duo Verte Fixe 19. 0 «VA", ocr=True) is None
    assert _offer_reader("Duo Verte Fixe 2aans", ocr=True)[0] == "Duo Verte Fixe 2 ans"
    assert _offer_reader("Électricité verte locale - Prix index", ocr=True)[0] == \
        "Électricité verte locale - Prix indexé"
    assert _offer_reader("Électricité verte locale - Prix fix", ocr=True)[0] == "Électricité verte locale - Prix fixe"


def test_a_value_whose_box_a_speck_stretched_does_not_take_the_next_rows_label_for_its_wrapped_end():
    """« Électricité verte- Prix fixe », its box stretched by a speck to twice
    its print's height, over the next row's « Électricité »: the gap between
    them is a row's, not a wrapped line's."""
    from tasks.extract.fields import extract_offer

    page = words_page([[(53, "OFFRE")], [(53, "Électricité verte- Prix fixe")], [(53, "Électricité")]],
                      source="ocr", conf=0.9, line_gap=17)
    words = [replace(w, y0=w.y0 - 7) if w.text == "fixe" else w for w in page.words]
    offer = extract_offer(build_document([replace(page, words=words)]), [])
    assert offer.value == "Électricité verte - Prix fixe"


def test_a_flat_smudge_read_as_a_character_makes_no_line_over_the_row_it_touches():
    """A `4` two points high read at confidence 0,04 on a scan touches the
    top of `Abonnement électricité ‖ 28,16 € HT`: a smudge, no line of its
    own. A lone digit as high as print stays, however unsure (`1 492 kWh`)."""
    row = [Word("Abonnement", 46, 142, 96, 153, 0.95), Word("électricité", 99, 142, 150, 153, 0.95),
           Word("28,16", 498, 143, 522, 151, 0.95), Word("€", 524, 143, 529, 151, 0.95)]
    smudge = Word("4", 445, 140, 449, 142, 0.04)
    lines = build_document([Page(number=1, width=595, height=842, words=row + [smudge], source="ocr")]).lines
    assert [[s.text for s in ln.segments] for ln in lines] == [["Abonnement électricité", "28,16 €"]]
    digit = [Word("1", 300, 170, 304, 179, 0.2), Word("492", 307, 170, 322, 179, 0.9),
             Word("kWh", 325, 170, 341, 179, 0.9)]
    lines = build_document([Page(number=1, width=595, height=842, words=row + digit, source="ocr")]).lines
    assert [s.text for s in lines[-1].segments] == ["1 492 kWh"]



def test_a_dot_of_dust_read_as_a_letter_makes_no_line_between_a_caption_and_its_value():
    """`À` read at 0,76 in a box a point square between `Émise le` and
    `7 novembre 2025`: a dot, however sure OCR was, and the date is the
    caption's value on the line under it. A `-` as small stays (a mark)."""
    from tasks.extract.fields import extract_invoice_date

    words = [Word("Émise", 298.2, 222.4, 319.3, 229.4, 0.84), Word("le", 322.7, 223.4, 328.7, 229.4, 0.97),
             Word("7", 298.2, 232.5, 303.7, 239.9, 0.97), Word("novembre", 308.3, 232.2, 361.5, 240.1, 0.95),
             Word("2025", 365.6, 232.2, 391.8, 239.9, 0.96)]
    dust = Word("À", 193.4, 231.5, 194.6, 232.7, 0.76)
    doc = build_document([Page(number=1, width=595, height=842, words=words + [dust], source="ocr")])
    assert [ln.text for ln in doc.lines] == ["Émise le", "7 novembre 2025"]
    assert extract_invoice_date(doc).value.isoformat() == "2025-11-07"
    dash = Word("-", 193.4, 231.5, 194.6, 232.7, 0.76)
    doc = build_document([Page(number=1, width=595, height=842, words=words + [dash], source="ocr")])
    assert "-" in [ln.text for ln in doc.lines]


def test_a_word_ocr_cut_in_two_with_no_space_is_one_word():
    """`renou` + `velable`, `Vela` + `y`: boxes that touch, letters on both
    sides, a small letter after the cut. Words a space apart, or a capital
    after the cut (`M` `Henry`), stay apart."""
    def texts(words):
        return [[s.text for s in ln.segments] for ln in
                build_document([Page(number=1, width=595, height=842, words=words, source="ocr")]).lines]

    assert texts([Word("Gaz", 200, 100, 216, 108, 0.95), Word("renou", 219, 100, 245, 108, 0.91),
                  Word("velable", 245, 97, 277, 110, 0.93)]) == [["Gaz renouvelable"]]
    assert texts([Word("Puy-en-Vela", 426, 125.5, 480.7, 133.2, 0.92), Word("y", 481.4, 127.4, 486.5, 134.9, 0.4)]) \
        == [["Puy-en-Vela y".replace(" ", "")]]
    assert texts([Word("Électri", 53.8, 188.6, 87.6, 201.3, 0.92), Word("cité", 88.1, 192.1, 107.5, 200.2, 0.97)]) \
        == [["Électricité"]]
    assert texts([Word("de", 200, 100, 210, 108, 0.95), Word("la", 212.5, 100, 222, 108, 0.95),
                  Word("M", 230, 100, 236, 108, 0.95), Word("Henry", 236, 100, 260, 108, 0.95)]) == [["de la M Henry"]]


def test_a_word_whose_ocr_box_runs_over_the_words_after_it_stays_a_word_of_its_own():
    """Tesseract boxed `FACTURE` to the end of `N° M5961111278`: three
    words, not `FACTUREN°M5961111278`, and the caption labels its number."""
    from tasks.extract.identifiers import extract_invoice_number

    words = [Word("FACTURE", 418.6, 39.8, 548.2, 48.5, 0.88), Word("N°", 458.5, 32.6, 468.3, 52.1, 0.9),
             Word("M5961111278", 472.9, 39.8, 548.2, 48.5, 0.9)]
    doc = build_document([Page(number=1, width=595, height=842, words=words, source="ocr")])
    assert [[s.text for s in ln.segments] for ln in doc.lines] == [["FACTURE N° M5961111278"]]
    assert extract_invoice_number(doc).value == "M5961111278"
    # A less sure second read of a letter inside a word whose box holds only
    # its own print (`9` for the `g` of `régularisation`) is no word: the
    # caption goes on to its number.
    words = [Word("Facture", 243.8, 39.4, 295.2, 49.2, 0.96), Word("de", 300.5, 38.9, 317.3, 49.0, 0.96),
             Word("régularisation", 322.6, 38.6, 420.7, 49.2, 0.96), Word("9", 337.0, 41.5, 344.9, 51.6, 0.51),
             Word("n°", 426.7, 39.1, 440.4, 48.7, 0.92), Word("FA25469388362", 446.4, 39.1, 557.0, 49.0, 0.9)]
    doc = build_document([Page(number=1, width=595, height=842, words=words, source="ocr")])
    assert [[s.text for s in ln.segments] for ln in doc.lines] == [["Facture de régularisation n° FA25469388362"]]
    assert extract_invoice_number(doc).value == "FA25469388362"
    # A sure word at the end of the box before it is the next word, its box run over.
    words = [Word("Madame", 41.5, 246.6, 80.9, 254.1, 0.96), Word("Agnès", 84.7, 246.4, 127.2, 256.7, 0.965),
             Word("Le", 115.9, 245.4, 126.4, 261.0, 0.963), Word("Goff", 131.2, 246.6, 150.7, 255.7, 0.94)]
    doc = build_document([Page(number=1, width=595, height=842, words=words, source="ocr")])
    assert doc.lines[0].text == "Madame Agnès Le Goff"
    # In a text layer, overlapping words are a ligature split in two (`f` `ixe`).
    layer = [Word("f", 100, 100, 105, 108), Word("ixe", 102, 100, 115, 108)]
    doc = build_document([Page(number=1, width=595, height=842, words=layer, source="text")])
    assert doc.lines[0].text == "fixe"


def test_a_word_whose_box_a_speck_stretched_down_stays_in_its_sentence():
    """`client EC896337, point de livraison`: a speck under `point` stretches
    its box a line down and OCR's row put it on a row of its own; its
    neighbours a space away on both sides take it back. Two such words on
    one row (`jusqu' au 31/05/2027 … de référence est`) each go back to theirs."""
    from tasks.extract.layout import _rejoin_strays

    def texts(rows):
        return [" ".join(w.text for w in sorted(row, key=lambda w: w.x0)) for row in _rejoin_strays(rows)]

    sentence = [Word("client", 335.6, 274.0, 360.8, 281.4, 0.96), Word("EC896337,", 364.4, 271.3, 414.1, 282.4, 0.91),
                Word("de", 445.3, 274.0, 455.8, 281.4, 0.96), Word("livraison", 459.6, 274.0, 498.0, 282.6, 0.95)]
    below = [Word("6680", 56.1, 286.9, 81.6, 295.3, 0.95), Word("3284", 83.2, 286.9, 105.1, 294.1, 0.95)]
    point = Word("point", 417.7, 273.2, 441.7, 288.6, 0.96)
    assert texts([sentence, [point], below]) == ["client EC896337, point de livraison", "6680 3284"]
    sentence = [Word("jusqu'", 134.3, 308.3, 157.4, 315.5, 0.9), Word("31/05/2027.", 170.1, 303.5, 214.5, 316.7, 0.97),
                Word("de", 331.8, 308.3, 340.4, 314.0, 0.97), Word("est", 382.2, 308.8, 393.0, 314.0, 0.97)]
    pair = [Word("au", 157.6, 310.0, 167.0, 318.8, 0.96), Word("référence", 343.5, 308.0, 379.1, 319.8, 0.97)]
    assert texts([sentence, pair]) == ["jusqu' au 31/05/2027. de référence est"]


def test_a_speck_read_as_a_word_before_a_caption_and_a_rule_under_its_value():
    """`(l Offre ‖ Gaz Fixe 2 ans.` over `–` (a scan's speck read as a word
    before the caption, a rule under the value): the caption still opens its
    segment, and no offer name ends with a dash. Read surely, `(l` is text."""
    from tasks.extract.fields import extract_offer

    def offer(conf: float):
        page = words_page([[(295, "(l Offre"), (426, "Gaz Fixe 2 ans.")], [(433, "–")]], source="ocr", conf=0.9)
        page = replace(page, words=[replace(w, conf=conf) if w.text == "(l" else w for w in page.words])
        found = extract_offer(build_document([page]), [])
        return found.value if found else None

    assert offer(0.14) == "Gaz Fixe 2 ans"
    assert offer(0.95) is None


def test_a_total_ht_read_unsure_outweighs_the_first_amount_under_a_column_heading():
    """Octopus's table on a scan: `Ce que vous payez ‖ Du ‖ Au ‖ Qté ‖ Prix
    HT ‖ Total HT` over the lines, then `Total HT ‖ 1608.53 €` read unsure:
    the amount under the column's heading is a line's, the total the bill's."""
    from tasks.extract.fields import extract_totals
    from tasks.extract.store import vote

    rows = [[(43, "Ce que vous payez"), (253, "Du"), (301, "Au"), (390, "Qté"), (467, "Prix HT"), (519, "Total HT")],
            [(43, "Gaz consommé"), (253, "01/01/25"), (301, "31/12/25"), (390, "15 120 kWh"), (467, "0,0919"),
             (519, "1 389,53 €")],
            [(43, "Abonnement"), (253, "01/01/25"), (301, "31/12/25"), (390, "12 mois"), (467, "18,25"),
             (519, "219,00 €")],
            [(275, "Total HT"), (489, "1608.53 €")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page = replace(page, words=[replace(w, conf=0.56) if w.text == "1608.53" else w for w in page.words])
    assert vote(extract_totals(build_document([page]))["total_ht"]).value == 1608.53


def test_a_month_spelled_whole_counts_as_read_however_unsure_tesseract_was():
    """`Paris, le 5 novembre 2025` on a grained scan: `novembre` read right
    at confidence 0,13 no longer takes the date of issue under the cut; a
    garbled month, or an unsure day, still does."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    def issued(month: tuple[str, float], day: float = 0.97):
        page = ocr_words_page([[("Paris,", 0.97), ("le", 0.96), ("5", day), month, ("2025", 0.96)]])
        found = extract_invoice_date(build_document([page]))
        return found.value if found and found.conf >= 0.5 else None

    assert issued(("novembre", 0.13)) == date(2025, 11, 5)
    assert issued(("novembre", 0.13), day=0.13) is None
    assert issued(("mai", 0.13)) is None


def test_a_rule_read_as_flat_unbelieved_letters_is_no_line_and_splits_no_table():
    """A shaded row's edge or a table's rule OCR read as `Tor`, `See`, `Rens`:
    boxes a point high, confidence 0. Left in, each made a line of its own,
    alone on one side of the table then the other, and the detail table was
    re-flowed as two columns (its amounts cut off their rows)."""
    words = []
    y = 100.0
    for label, amount in (("Abonnement", "24,84"), ("Consommation", "92,13"), ("Accise", "22,26"),
                          ("Abonnement", "15,30"), ("Consommation", "37,82"), ("Accise", "6,83")):
        words += [Word(label, 47, y, 47 + 6 * len(label), y + 8, 0.95), Word("01/10/24", 265, y, 305, y + 8, 0.95),
                  Word(amount, 502, y, 522, y + 8, 0.95), Word("20%", 532, y, 550, y + 8, 0.95)]
        y += 13
        rule = ("Tor", 507) if len(words) % 8 == 4 else ("See", 423)
        words.append(Word(rule[0], rule[1], y, rule[1] + 30, y + 1.0, 0.0))
        words.append(Word("Rens" if rule[0] == "See" else "CU", 300 if rule[0] == "Tor" else 492, y + 6,
                          330 if rule[0] == "Tor" else 520, y + 7.2, 0.0))
        y += 13
    doc = scan_document(words)
    assert not any(t in ln.text for ln in doc.lines for t in ("Tor", "See", "Rens", "CU"))
    flowed = column_flow(doc)
    assert [ln.text.split()[-2] for ln in flowed.lines] == ["24,84", "92,13", "22,26", "15,30", "37,82", "6,83"]
    # A short word of full height stays, however unsure OCR was of it.
    doc = scan_document([Word("HC", 40, 100, 52, 108, 0.1), Word("Heures", 60, 100, 90, 108, 0.95)])
    assert doc.lines[0].text.startswith("HC")


def test_an_offer_beside_its_stretched_caption_is_read_not_another_captions_value():
    """Two photos of a `Titulaire ‖ name` / `Offre ‖ name of the offer` grid.
    `Offre` boxed twice as tall as its line (a speck under it): the offer
    beside it, as tall as the line's print, was taken for a rule. `offre`
    stretched, its value set on a line of its own: the holder's name on the
    line above, beside its own caption `Titulaire`, came first."""
    from tasks.extract.fields import extract_offer

    W = Word
    stretched = [
        W("Électricité", 46, 355, 90, 363, 0.93), W("-", 92, 360, 96, 361, 0.93),
        W("Consommation", 99, 356, 157, 363, 0.96), W("relevée", 160, 356, 188, 363, 0.96),
        W("du", 191, 357, 200, 363, 0.96), W("01/11/2024", 203, 356, 247, 363, 0.96), W("au", 250, 358, 259, 363, 0.96),
        W("Titulaire", 306, 358, 335, 364, 0.96), W("M.", 414, 358, 421, 363, 0.96),
        W("ROUX", 425, 357, 446, 364, 0.97), W("Joël", 448, 358, 462, 365, 0.96),
        W("31/12/2024", 47, 366, 90, 373, 0.93), W(":", 93, 368, 95, 373, 0.92), W("560", 98, 366, 112, 373, 0.97),
        W("kWh.", 115, 366, 134, 372, 0.60), W("Offre", 306, 366, 324, 380, 0.65),
        W("Électricité", 414, 370, 450, 377, 0.96), W("Stable", 453, 371, 477, 377, 0.95),
        W("Puissance", 46, 379, 84, 385, 0.97), W("maximale", 87, 379, 125, 385, 0.96),
        W("atteinte", 127, 379, 157, 385, 0.96), W("sur", 160, 381, 172, 385, 0.96), W("la", 175, 379, 181, 385, 0.96),
        W("période", 184, 379, 213, 387, 0.93), W(":", 216, 381, 218, 385, 0.93), W("5,8", 222, 379, 233, 386, 0.93),
        W("KkVA.", 236, 379, 252, 385, 0.39), W("Option", 306, 383, 330, 390, 0.87),
        W("tarifaire", 333, 383, 362, 390, 0.90), W("Base", 413, 378, 431, 390, 0.97)]
    offer = extract_offer(scan_document(stretched), [])
    assert offer is not None and offer.value == "Électricité Stable"
    own_line = [
        W("Électricité", 43, 399, 88, 407, 0.93), W("Consommation", 97, 397, 156, 406, 0.96),
        W("estimée", 160, 400, 190, 406, 0.96), W("du", 194, 400, 203, 406, 0.97),
        W("01/05/2024", 206, 400, 251, 407, 0.97), W("au", 254, 402, 263, 406, 0.97),
        W("Titulaire", 307, 399, 339, 409, 0.96), W("Mme", 418, 402, 436, 407, 0.97), W("DA", 440, 401, 450, 407, 0.96),
        W("SILVA", 453, 401, 473, 407, 0.96), W("Agnès", 476, 401, 499, 409, 0.96),
        W("30/06/2024", 43, 410, 85, 422, 0.93), W(":", 88, 411, 93, 421, 0.93), W("335", 96, 411, 110, 417, 0.93),
        W("KWh", 114, 411, 130, 417, 0.89), W("(dont", 134, 411, 154, 417, 0.96), W("HP", 158, 411, 168, 417, 0.93),
        W(":", 171, 412, 172, 417, 0.93), W("176", 176, 411, 190, 417, 0.93), W("KWh", 193, 410, 210, 417, 0.90),
        W(";", 213, 412, 215, 418, 0.90), W("HC", 218, 410, 229, 417, 0.91), W(":", 232, 412, 234, 417, 0.91),
        W("159", 238, 410, 251, 417, 0.97), W("kWh).", 255, 410, 277, 417, 0.81), W("offre", 308, 410, 327, 422, 0.88),
        W("Électricité", 419, 413, 456, 422, 0.94), W("et", 459, 415, 466, 420, 0.94),
        W("Gaz", 469, 414, 483, 420, 0.96), W("Stable", 486, 414, 510, 420, 0.97), W("Gaz", 43, 423, 59, 430, 0.96),
        W("naturel", 62, 423, 94, 430, 0.93), W("Consommation", 104, 423, 162, 429, 0.96),
        W("O", 308, 427, 314, 433, 0.78), W("on", 314, 427, 333, 434, 0.39), W("tarif", 334, 427, 351, 433, 0.59),
        W("Heures", 419, 427, 445, 433, 0.92)]
    offer = extract_offer(scan_document(own_line), [])
    assert offer is not None and offer.value == "Électricité et Gaz Stable"


def test_the_natures_of_a_readings_row_in_a_type_column_after_its_numbers():
    """A readings table that prints the type of each index in a last column of
    its own (« … ‖ Différence ‖ Coefficient ‖ Consommation (kWh) ‖ Type »,
    `R / E`): the two codes are the start and the end index's natures, one
    alone is the end index's."""
    from tasks.extract.energy import read_readings

    header = [(40, "Cadran"), (110, "Du"), (160, "Au"), (210, "Index précédent"), (280, "Index actuel"),
              (340, "Différence"), (390, "Coefficient"), (440, "Consommation (kWh)"), (520, "Type")]
    row = [(40, "Heures Pleines"), (110, "10-10-2024"), (160, "09-12-2024"), (210, "45 027"), (280, "45 967"),
           (340, "940"), (390, "1"), (440, "940"), (520, "R / E")]
    doc = build_document([words_page([header, row])])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.register, reading.start_index, reading.end_index) == ("hp", 45027, 45967)
    assert (reading.start_nature, reading.end_nature) == ("reel", "estime")
    row[-1] = (520, "Estimé")
    doc = build_document([words_page([header, row])])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_nature, reading.end_nature) == (None, "estime")


def test_a_readings_row_printing_volume_coefficient_and_energy_in_columns_is_a_gas_conversion():
    """`Différence ‖ Coefficient ‖ Consommation (kWh)` columns: « 1 488 m³ ‖
    11,18 ‖ 16 636 », no × or = between them, is m³ × coefficient = kWh.
    Not when the product does not hold, nor for electricity's coefficient 1."""
    from tasks.extract.energy import gas_conversion

    def values(cells):
        row = [(40, "Gaz"), (110, "21-01-2024"), (160, "20-01-2025"), (210, "012069"), (270, "013557")]
        row += [(330 + 60 * k, text) for k, text in enumerate(cells)]
        doc = build_document([words_page([row])])
        conv = gas_conversion(doc)
        return [c.value for c in conv["m3"]], [c.value for c in conv["coef"]], [c.value for c in conv["kwh"]]

    assert values(["1 488 m³", "11,18", "16 636", "R / R"]) == ([1488], [11.18], [16636])
    assert values(["1 488", "11,184", "16 642"]) == ([1488], [11.184], [16642])
    assert values(["1 488 m³", "11,18", "16 900"]) == ([], [], [])
    assert values(["1 488", "1", "1 488"]) == ([], [], [])


def test_the_ht_total_captioned_htva():
    """« Total HTVA » (hors TVA): `HT` is only the start of its word, the
    caption is the whole « HTVA »; « TVA » under it stays the VAT."""
    from tasks.extract.fields import extract_totals

    for label in ("Total HTVA :", "Montant total HTVA", "Sous-total HTVA"):
        doc = build_document([words_page([[(40, label), (420, "345,28 €")], [(40, "TVA :"), (420, "63,75 €")]])])
        assert [c.value for c in extract_totals(doc)["total_ht"]] == [345.28], label


def test_a_vat_rows_rate_repeated_in_a_column_of_its_own_is_neither_base_nor_amount():
    """« TVA ‖ Base HT ‖ Taux ‖ Montant TVA » over « TVA à 5,5 % ‖ 61,46 € ‖
    5,5 % ‖ 3,38 € »: the base and the VAT amount, the rate's column aside."""
    from tasks.extract.lines import read_vat_rows

    rows = [[(40, "TVA"), (150, "Base HT"), (210, "Taux"), (270, "Montant TVA")],
            [(40, "TVA à 5,5 %"), (150, "61,46 €"), (210, "5,5 %"), (280, "3,38 €")],
            [(40, "TVA à 20 %"), (150, "111,35 €"), (212, "20 %"), (280, "22,27 €")]]
    read = [(r.rate, r.base, r.vat, r.checked) for r in read_vat_rows(build_document([words_page(rows)]))]
    assert read == [(5.5, 61.46, 3.38, True), (20.0, 111.35, 22.27, True)]


def test_a_client_number_printed_in_two_groups_of_five_is_read_whole():
    """`N° CLIENT` over `51908 49861` (a grid cell): both groups are the number."""
    doc = build_document([words_page([[(40, "N° CLIENT"), (200, "DATE DE FACTURE")],
                                      [(40, "51908 49861"), (200, "12/09/2024")]])])
    assert extract_client_number(doc).value == "5190849861"


def test_a_peak_power_far_above_the_power_subscribed_leaves_both_unknown():
    """« Puissance souscrite 3 kVA » (a 9 read as 3 on a scan) beside « puissance
    maximale atteinte : 8,8 kVA »: a meter cuts the supply soon above the power
    subscribed, so one of the two is misread (both null); a peak under it stands."""
    from tasks.extract.checks import check_electricity
    from tasks.extract.store import Candidate, Draft

    d = Draft()
    d.set("electricity.subscribed_power_kva", Candidate(3, 0.53, 1, "ocr", "subscribed_power"))
    d.set("electricity.max_power_reached_kva", Candidate(8.8, 0.8, 2, "ocr", "max_power"))
    check_electricity(d, [])
    assert d.cand("electricity.subscribed_power_kva").conf == 0.0
    assert d.cand("electricity.max_power_reached_kva").conf == 0.0
    d.set("electricity.subscribed_power_kva", Candidate(9, 0.8, 1, "ocr", "subscribed_power"))
    d.set("electricity.max_power_reached_kva", Candidate(8.8, 0.8, 2, "ocr", "max_power"))
    check_electricity(d, [])
    assert d.get("electricity.subscribed_power_kva") == 9 and d.cand("electricity.subscribed_power_kva").conf == 0.8


def test_the_months_a_peak_power_caption_covers_are_not_the_peak():
    """« PUISSANCE MAX. ATTEINTE (12 MOIS) » over « 5,1 kVA »: the peak is
    5,1 kVA, not 12 (which, above 1,5 × the 6 kVA subscribed, made both
    powers be dropped as misread)."""
    from tasks.extract.energy import extract_kva, extract_max_power

    rows = [[(40, "PUISSANCE SOUSCRITE")], [(40, "6 kVA")], [(40, "PUISSANCE MAX. ATTEINTE (12 MOIS)")],
            [(40, "5,1 kVA")]]
    doc = build_document([words_page(rows)])
    assert (extract_kva(doc).value, extract_max_power(doc).value) == (6, 5.1)


def test_a_power_whose_k_ocr_read_twice_is_no_index():
    """« Abonnement électricité (18 kKVA) ‖ 01/08/25 ‖ 16/09/25 ‖ 47) ‖ … »
    under the readings: the power (its k read twice) and the days (their j
    read as a bracket) make no reading beside the meter's real one."""
    from tasks.extract.energy import read_readings

    rows = [[(40, "Registre"), (110, "Date"), (170, "Index précédent"), (250, "Date"), (310, "Index actuel")],
            [(40, "Base"), (110, "25/07/2025"), (170, "4698 R"), (250, "16/09/2025"), (310, "4923 R"),
             (400, "225 kWh")],
            [(40, "Abonnement électricité (18 kKVA)"), (200, "01/08/25"), (250, "16/09/25"), (300, "47)"),
             (340, "0,7946 €/jour"), (420, "20 %"), (460, "37,35 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.end_nature) == (4698, 4923, "reel")


def test_an_ocr_ttc_total_under_half_the_ht_total_is_a_piece_of_the_figure():
    """« Montant TT C ‖ 49 0,21 € » read 0,21 € beside an HT total of 449,05 €:
    a printed TTC may miss HT + VAT by some euros, never fall under half the
    HT; the piece OCR cut is forgotten (null rather than wrong). A text
    layer's figure, or a TTC a few euros off, stays as printed."""
    from tasks.extract.checks import check_totals
    from tasks.extract.store import Candidate, Draft

    def ttc_after(ttc: float, source: str = "ocr") -> float:
        d = Draft()
        d.set("total_ht_eur", Candidate(449.05, 0.9, 1, source, "total_ht"))
        d.set("total_ttc_eur", Candidate(ttc, 0.9, 2, source, "total_ttc"))
        check_totals(d, [], [])
        return d.conf("total_ttc_eur")

    assert ttc_after(0.21) == 0.0
    assert ttc_after(0.21, "text") > 0.5
    assert ttc_after(490.21) > 0.5


def test_a_note_under_a_value_level_with_its_caption_is_another_rows():
    """« Offre ‖ OVO Gaz Fixe 1 an » over the offer's wider note « Prix fixe du
    kWh HT jusqu'au 30/11/2026 », starting further left and drifting close on
    a scan: the value level with the caption is the caption's."""
    from tasks.extract.fields import extract_offer

    rows = [[(40, "Offre"), (150, "OVO Gaz Fixe 1 an")], [(100, "Prix fixe du kWh HT jusqu'au 30/11/2026")]]
    doc = build_document([words_page(rows, line_gap=7, source="ocr", conf=0.9)])
    assert extract_offer(doc, []).value == "OVO Gaz Fixe 1 an"


def test_a_summary_matrix_whose_energy_headers_ocr_lost_gives_its_total_column():
    """`‖ Électricité ‖ Gaz naturel ‖ Total` over `Total TTC ‖ 99,20 € ‖ 204,46 € ‖
    292,79 €`: the bill's total is under `Total`, even when OCR lost the gas
    header (its amounts in no known column) or left only a contract number
    (`Contrat 6249893-01`) over the energy's column."""
    from tasks.extract.fields import extract_totals
    from tasks.extract.store import vote

    rows = [[(283, "Électricité"), (528, "Total")],
            [(262, "Contrat 3004388-01"), (388, "Contrat 3004388-02")],
            [(46, "Abonnement(s)"), (298, "19,00 €"), (424, "33,23 €"), (515, "52,23 €")],
            [(46, "Total HT"), (294, "85,41 €"), (415, "175,22 €"), (509, "276,32 €")],
            [(46, "TVA"), (298, "13,79 €"), (424, "29,24 €"), (515, "43,03 €")],
            [(46, "Total TTC"), (289, "99,20 €"), (409, "204,46 €"), (504, "292,79 €")]]
    totals = extract_totals(build_document([words_page(rows)]))
    assert (vote(totals["total_ht"]).value, vote(totals["total_ttc"]).value) == (276.32, 292.79)
    rows = [[(378, "Contrat 6249893-01"), (510, "Total")],
            [(45, "Total HT"), (409, "51,50 €"), (497, "54,49 €")],
            [(44, "TVA"), (417, "8,60 €"), (503, "9,19 €")],
            [(45, "Total TTC"), (404, "50,30 €"), (492, "63,68 €")]]
    totals = extract_totals(build_document([words_page(rows)]))
    assert (vote(totals["total_ht"]).value, vote(totals["total_ttc"]).value) == (54.49, 63.68)


def test_a_landscape_page_in_two_halves_is_read_half_by_half():
    """An A4 landscape page laid out as two A5 halves: the left half's
    readings table shares its lines with the right half's notices (« Prochaine
    facture vers le … »); read half by half, the readings row is a row of its own."""
    from tasks.extract.energy import read_readings
    rows = [
        [(30, "Vos relevés"), (440, "Informations")],
        [(30, "Gaz naturel – PCE 21456789012345"), (440, "Index « Estimé » : calculé par le gestionnaire du réseau.")],
        [(30, "Cadran"), (90, "Date"), (140, "Ancien index"), (200, "Date"), (250, "Nouvel index"), (310, "Type"),
         (360, "Consommation"), (440, "En cas de retard de paiement, pénalités au taux légal.")],
        [(30, "Gaz naturel"), (90, "11/01/2025"), (140, "18 929"), (200, "05/03/2025"), (250, "18 954"),
         (310, "Télérelevé"), (372, "25 m³"), (440, "Prochaine facture vers le 06/05/2025. Réclamations : service")],
        [(30, "Volume 25 m³ × coefficient 11,22 kWh/m³ = 280 kWh."), (440, "clients ; médiateur de l'énergie.")],
        [(30, "Consommation annuelle de référence : 1 711 kWh"), (440, "Yéli est une marque de GEG.")],
        [(30, "Votre consommation sur 12 mois"), (440, "Réclamations auprès du service clients.")],
        [(30, "361 376 316 317 349"), (440, "Dépannage électricité et gaz.")],
    ]
    page = replace(words_page(rows), width=842.0, height=595.0)
    flow = column_flow(build_document([page]))
    texts = [ln.text for ln in flow.lines]
    assert texts.index("Informations") > texts.index("Consommation annuelle de référence : 1 711 kWh")
    readings = read_readings(flow, Sections(flow))
    assert [(r.start_index, r.end_index, r.end_nature) for r in readings] == [(18929, 18954, "reel")]
    # The same rows on a portrait page are left to the columns' own rules.
    portrait = column_flow(build_document([words_page(rows)]))
    assert [ln.text for ln in portrait.lines][1].startswith("Gaz naturel – PCE")


def test_the_next_rows_caption_for_an_energy_is_no_offer_name():
    """A references table of « caption ‖ value » rows, values flush right far
    from their captions: under « Offre » stands the next row's caption
    (« Tarif d'acheminement gaz ‖ T2 - zone 1 »), a caption for an energy and
    no offer name, whether the offer's value beside was read (it is the one)
    or lost on a scan (none rather than the caption)."""
    from tasks.extract.fields import _labelled, _offer_reader

    for beside, source, expected in ((True, "text", ["Yéli Gaz Indexé"]), (False, "ocr", [])):
        page = words_page([
            [(40, "Point de comptage (PCE)"), (430, "45777152507675")],
            [(40, "Offre")] + ([(430, "Yéli Gaz Indexé")] if beside else []),
            [(40, "Tarif d'acheminement gaz"), (475, "T2 - zone 1")],
        ], line_gap=11, source=source, conf=0.9)
        cands = _labelled(build_document([page]), "offer", _offer_reader, below_lines=1)
        assert [c.value for c in cands] == expected


def test_a_flush_right_offer_wrapped_round_its_caption_on_a_scan_is_read_whole():
    """A card of captions and flush-right values beside a summary: the
    offer's name wrapped over two lines, its caption between them. On a
    scan « ans » is boxed from its x-height, further under the name than
    a line of print would stand; `Verte` shares its line with the summary's
    `TVA ‖ 7,76 €`, another column's caption and its amount."""
    from tasks.extract.fields import extract_offer

    words = [Word("Total", 43.0, 323.4, 65.0, 330.1, 0.96), Word("HT", 69.1, 323.7, 81.1, 330.1, 0.96),
             Word("130,06", 255.0, 323.9, 286.0, 331.3, 0.96), Word("€", 289.1, 323.9, 294.6, 330.4, 0.96),
             Word("Plüm", 444.6, 321.0, 465.9, 327.5, 0.93), Word("Coopérative", 469.5, 320.5, 523.0, 329.2, 0.96),
             Word("Fixe", 526.6, 321.3, 544.4, 327.7, 0.96), Word("2", 547.8, 321.5, 552.3, 327.7, 0.97),
             Word("offre", 301.1, 326.5, 320.1, 333.0, 0.96), Word("ans", 537.2, 333.5, 552.3, 338.3, 0.96)]
    assert extract_offer(scan_document(words), []).value == "Plüm Coopérative Fixe 2 ans"
    words = [Word("Plüm", 489.9, 331.6, 511.3, 338.1, 0.92), Word("Locale", 514.6, 331.6, 542.7, 338.1, 0.91),
             Word("&", 546.1, 331.8, 552.1, 338.1, 0.91), Word("Offre", 300.9, 331.6, 319.8, 344.1, 0.87),
             Word("TVA", 41.8, 340.7, 58.8, 350.8, 0.95), Word("7,76", 269.2, 341.9, 286.2, 349.1, 0.94),
             Word("€", 289.6, 341.9, 294.4, 348.4, 0.96), Word("Verte", 528.6, 342.4, 552.3, 348.6, 0.95)]
    assert extract_offer(scan_document(words), []).value == "Plüm Locale & Verte"


def test_an_ocr_offer_word_one_letter_off_the_suppliers_brand_is_the_brand():
    """`Piüm Biogaz Fixe` on a scan of a Plüm bill, the brand read unsure:
    names open on the brand, one letter off it and no offer word; the brand
    read without its accent takes it; another word is left as read."""
    from tasks.extract.fields import extract_offer

    def offer(first: str, conf: float = 0.51, brands=("Plüm",)):
        words = [Word("Offre", 301.0, 344.1, 319.8, 350.5, 0.96), Word(first, 477.0, 344.0, 497.5, 351.0, conf),
                 Word("Biogaz", 501.0, 344.0, 530.0, 352.5, 0.9), Word("Fixe", 533.5, 344.2, 551.5, 350.6, 0.9)]
        found = extract_offer(scan_document(words), [], brands)
        return found.value if found else None

    assert offer("Piüm") == "Plüm Biogaz Fixe"
    assert offer("Plum", 0.9) == "Plüm Biogaz Fixe"
    assert offer("Piüm", brands=()) is None  # unsure and unknown: a guess
    assert offer("Gaüm") is None  # two letters off


def test_an_issue_date_caption_whose_l_ocr_read_as_a_t():
    """`Émise te` over `6 mai 2025` on a pale 150 dpi scan: « Émise le »."""
    from datetime import date

    from tasks.extract.fields import extract_invoice_date

    rows = [[(299, "Émise te")], [(298, "6 mai 2025")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.8, line_gap=10)])
    assert extract_invoice_date(doc).value == date(2025, 5, 6)




def test_a_words_neighbour_in_its_row_sets_its_level_in_a_row_across_two_columns():
    """A landscape scan: `Titulaire du contrat : ‖ Madame BOYER Yasmine` left,
    the detail table's `22/10/2023 ‖ S7kWh ‖ … ‖ 16,49 €` right, two points
    higher, read as one row whose middle lies between the two. `contrat :`,
    level with `du` before it, stays in the row rather than open one with the
    right column's `Pieines` (where « contrat : » read as the offer's caption)."""
    w = Word
    words = [w("Date", 39.60, 168.24, 57.12, 174.24, 0.965), w("d'émission", 59.52, 168.06, 98.88, 174.30, 0.96),
             w("26/11/2023", 371.52, 168.39, 417.12, 175.11, 0.955),
             w("Titulaire", 39.36, 182.30, 69.12, 188.78, 0.963),
             w("du", 71.52, 182.60, 80.64, 188.60, 0.966), w("contrat", 83.52, 182.91, 109.92, 188.67, 0.966),
             w(":", 112.80, 183.97, 115.20, 188.77, 0.895), w("Madame", 315.36, 182.17, 349.92, 188.41, 0.966),
             w("BOYER", 352.80, 182.13, 380.40, 188.13, 0.967), w("Yasmine", 383.28, 182.09, 417.60, 188.33, 0.954),
             w("Consommation", 454.32, 176.06, 505.44, 182.06, 0.879),
             w("Pieines", 454.56, 184.91, 478.32, 190.67, 0.848),
             w("électricité", 508.08, 176.28, 541.92, 182.04, 0.967),
             w("Heures", 544.80, 176.52, 569.04, 182.04, 0.965),
             w("22/10/2023", 600.72, 180.28, 639.60, 186.04, 0.749),
             w("22/11/2023", 646.32, 176.55, 684.72, 185.91, 0.894), w("S7kWh", 697.92, 180.26, 722.88, 185.78, 0.808),
             w("28,93", 739.44, 180.18, 757.92, 186.18, 0.918), w("cUkWh", 760.80, 180.22, 786.24, 185.74, 0.128),
             w("16,49", 809.52, 180.08, 828.24, 185.84, 0.916), w("€", 830.88, 179.97, 834.24, 185.49, 0.916)]
    doc = build_document([Page(number=1, width=841.92, height=595.68, words=words, source="ocr")])
    texts = [[s.text for s in line.segments] for line in doc.lines]
    assert ["Titulaire du contrat :", "Madame BOYER Yasmine"] == next(t[:2] for t in texts if "Titulaire" in t[0])
    assert not any(t[0].startswith("contrat") for t in texts)


def test_a_text_layer_word_whose_accent_lifts_its_box_stays_in_its_line():
    """`Offre ‖ Yéli Élec Fixe 2 ans` beside `Accise sur l'électricité` (the
    next column's row a few points higher): `Élec`'s box, its capital's accent
    reaching higher, has its centre a hair above its line's and went to the
    other column's row, cutting the name in two."""
    from tasks.extract.fields import extract_offer

    words = [Word("Offre", 39.01, 221.69, 56.56, 230.3), Word("Yéli", 337.36, 221.69, 351.58, 230.3),
             Word("Élec", 355.46, 221.59, 371.28, 230.3), Word("Fixe", 375.03, 221.69, 391.38, 230.3),
             Word("2", 394.89, 221.69, 398.81, 230.3), Word("ans", 402.35, 221.69, 416.35, 230.3),
             Word("Accise", 452.93, 218.33, 474.46, 226.36), Word("sur", 477.39, 218.33, 487.82, 226.36),
             Word("l'électricité", 490.66, 218.33, 527.78, 226.36), Word("27,63", 807.98, 218.33, 826.67, 226.36),
             Word("€", 829.41, 218.33, 833.35, 226.36)]
    doc = build_document([Page(number=1, width=842, height=595, words=words, source="text")])
    assert [ln.text for ln in doc.lines] == ["Accise sur l'électricité   27,63 €", "Offre   Yéli Élec Fixe 2 ans"]
    assert extract_offer(doc, []).value == "Yéli Élec Fixe 2 ans"
