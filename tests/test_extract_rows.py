"""Table rows and readings that a bill's layout or OCR wrapped, cut or
misread: cells over two lines, a rate whose `%` went to the line under, a
label's word off by one letter, an amount that lost its comma."""
from dataclasses import replace
from datetime import date

from tasks.extract.energy import option_from_readings, read_readings
from tasks.extract.fields import extract_offer
from tasks.extract.identifiers import extract_client_number, extract_pce
from tasks.extract.invoice import extract_invoice
from tasks.extract.layout import build_document, column_flow
from tasks.extract.lines import read_items, read_vat_rows
from tasks.extract.sections import Sections, heading_energy
from tasks.model import Page, Word
from tests.extract_support import boxes_page, ocr_words_page, pdf_pages, words_page


def ocr_page(*rows: tuple[float, list[tuple[float, str]]], size: float = 8.0, source: str = "ocr") -> Page:
    """A scanned page (or a text layer) from rows `(y, [(x, "text"), …])`, each at its own height."""
    words = []
    for y, cells in rows:
        for x, text in cells:
            for token in text.split():
                width = len(token) * size * 0.5
                words.append(Word(token, x, y, x + width, y + size, 0.93))
                x += width + size * 0.25
    return Page(number=1, width=595.0, height=842.0, words=words, source=source)


def test_readings_whose_cells_wrapped_onto_the_line_under_are_read_whole():
    """`Index ‖ 24/07/2025 : 6 ‖ 03/09/2025 : 6 701` over `Base ‖ 216 ‖
    (estimé)`: each cell goes on on the line under, the start index is
    6 216 and the reading estimated. A row of its own under a reading
    (`Consommation de la période`, wider than the first cell) joins nothing."""
    page = words_page([
        [(63, "Électricité")],
        [(63, "Index"), (109, "24/07/2025 : 6"), (185, "03/09/2025 : 6 701")],
        [(63, "Base"), (109, "216"), (186, "(estimé)")],
        [(63, "Index Heures Creuses"), (214, "01/10/2024 : 43 240"), (357, "31/10/2024 : 43 406 (réel)")],
        [(63, "Consommation de la période : 412 kWh")],
    ], line_gap=9)
    doc = build_document([page])
    readings = [(r.register, r.start_index, r.end_index, r.end_nature, r.energy) for r in read_readings(doc, Sections(doc))]
    assert readings == [("base", 6216, 6701, "estime", "electricite"), ("hc", 43240, 43406, "reel", "electricite")]


def test_wrapped_readings_on_a_scan_past_a_speck_and_without_their_heading():
    """OCR lost the `Électricité` heading, read a dot after `Heures` and a
    speck on a line of its own: the hours name the registers, which are
    electricity's, and each row's cells still take their wrapped part."""
    page = ocr_page(
        (88, [(62, "Index Heures."), (133, "30/12/2023 57"), (206, "02/02/2024 : 58 164")]),
        (97, [(62, "Pleines"), (133, "094"), (206, "(réel)")]),
        (112, [(62, "Index Heures"), (134, "30/12/2023 : 22"), (206, "02/02/2024 : 22 274")]),
        (117, [(99, ":")]),
        (121, [(62, "Creuses"), (134, "165"), (206, "(réel)")]),
    )
    doc = build_document([page])
    readings = [(r.register, r.start_index, r.end_index, r.end_nature, r.energy) for r in read_readings(doc, Sections(doc))]
    assert readings == [("hp", 57094, 58164, "reel", "electricite"), ("hc", 22165, 22274, "reel", "electricite")]


def test_tempo_registers_are_told_before_plain_hours():
    """`Tempo Bleu HC` is the blue days' off-peak register, not plain HC:
    the readings then say Tempo, as the lines do."""
    page = words_page([
        [(40, "Compteur Cadran Date ancien index Ancien index Date nouvel index Nouvel index Type Conso.")],
        [(40, "29818042125049 Tempo Bleu HC 01/10/2025 27 263 31/10/2025 27 338 R 75 kWh")],
        [(40, "29818042125049 Tempo Rouge HP 01/10/2025 5 297 31/10/2025 5 309 R 12 kWh")],
    ])
    doc = build_document([page])
    readings = read_readings(doc, Sections(doc))
    assert [r.register for r in readings] == ["bleu_hc", "rouge_hp"]
    assert option_from_readings(readings).value == "tempo"


def test_two_columns_whose_rows_share_lines_with_the_others_detail_are_read_column_by_column():
    """A text layer whose two columns' rows do not line up: each line holds
    a row of one column beside a detail line of the other. Read column by
    column, every row keeps its detail and price."""
    page = words_page([
        [(63, "Électricité"), (306, "Gaz naturel")],
        [(306, "Abonnement"), (482, "4,74 € 5,5 %")],
        [(62, "Abonnement"), (239, "3,49 € 5,5 %"), (306, "24/07/2025 – 31/07/2025 · 8 jours × 0,5924")],
        [(63, "24/07/2025 – 31/07/2025 · 8 jours × 0,4359"), (306, "€/jour")],
        [(62, "€/jour")],
        [(306, "Abonnement"), (478, "20,14 € 20 %")],
        [(62, "Abonnement"), (234, "14,82 € 20 %"), (306, "01/08/2025 – 03/09/2025 · 34 jours ×")],
        [(63, "01/08/2025 – 03/09/2025 · 34 jours ×"), (306, "0,5924 €/jour")],
        [(63, "0,4359 €/jour")],
        [(306, "Consommation de gaz"), (478, "35,31 € 20 %")],
        [(63, "Consommation"), (234, "56,89 € 20 %"), (306, "24/07/2025 – 03/09/2025 · 576 kWh ×")],
        [(63, "24/07/2025 – 03/09/2025 · 485 kWh ×"), (306, "0,06130 €/kWh")],
        [(63, "0,11730 €/kWh")],
    ], line_gap=8.5)
    flow = column_flow(build_document([page]))
    items = {i.amount: i for i in read_items(flow, Sections(flow))}
    assert {a: (i.energy, i.unit_price, i.checked) for a, i in items.items()} == {
        3.49: ("electricite", 0.4359, True), 14.82: ("electricite", 0.4359, True),
        56.89: ("electricite", 0.1173, True), 4.74: ("gaz", 0.5924, True), 20.14: ("gaz", 0.5924, True),
        35.31: ("gaz", 0.0613, True)}


def test_readings_and_detail_tables_over_a_totals_box_are_not_two_columns():
    """Readings rows (a label and a date left of where the totals box
    stands, their indexes past it) over a detail table and a totals box at
    the right: full-width rows, whose cells left of that edge end in no
    amount of their own, are no column of their own."""
    page = ocr_page(
        (65, [(43, "Index"), (130, "Ancien relevé"), (228, "Ancien index Nouveau relevé"), (395, "Nouvel index"),
              (458, "Nature"), (512, "Différence")]),
        (80, [(43, "Heures Pleines"), (130, "24/11/24"), (253, "51 515 21/12/24"), (420, "51 960"), (463, "Réel"),
              (519, "445 kWh")]),
        (95, [(43, "Heures Creuses"), (130, "24/11/24"), (253, "36 637 21/12/24"), (420, "36 710"), (463, "Réel"),
              (524, "73 kWh")]),
        (110, [(40, "Consommation électricité : 518 kWh")]),
        (124, [(402, "Prix unitaire (€"), (479, "Montant"), (525, "Code")]),
        (129.5, [(43, "Rubrique"), (252, "Période"), (328, "Volume Unité")]),
        (135, [(447, "HT)"), (501, "HT"), (527, "TVA")]),
        (148, [(42, "Abonnement électricité"), (252, "24/11/24-21/12/24"), (348, "28 j"), (435, "0,4001"),
               (483, "11,20 €"), (532, "A")]),
        (163, [(42, "Terme variable Base"), (252, "24/11/24-21/12/24"), (343, "518 kWh"), (435, "0,1613"),
               (483, "83,55 €"), (532, "B")]),
        (208.5, [(43, "Contribution Tarifaire d'Acheminement (21,93 %")]),
        (214, [(252, "24/11/24-21/12/24"), (487, "2,13 €"), (532, "A")]),
        (219.5, [(43, "× 9,69 €)")]),
        (245, [(249, "Code TVA"), (363, "Base HT"), (428, "Taux"), (502, "Montant TVA")]),
        (259, [(249, "A"), (366, "13,33 €"), (425, "5,5 %"), (528, "0,73 €")]),
        (274, [(249, "B"), (366, "83,55 €"), (427, "20 %"), (524, "16,71 €")]),
        (290, [(248, "Total HT"), (516, "96,88 €")]),
        (305, [(248, "Total TTC"), (516, "117,32 €")]),
        size=9.0, source="text")
    doc = build_document([page])
    assert [ln.text for ln in column_flow(doc).lines] == [ln.text for ln in doc.lines]


def test_a_wide_detail_table_over_a_vat_table_beside_a_totals_box_keeps_its_rows_whole():
    """A detail table whose quantities stand right-aligned far from the dates
    (a gap down the page at the totals box's left edge), over a VAT table
    beside a totals box: its rows are no columns, and are read as lines."""
    page = ocr_page(
        (60, [(40, "Désignation"), (150, "Du"), (200, "Au"), (290, "Quantité Unité"), (380, "Prix unitaire HT"),
              (470, "Montant HT"), (540, "TVA")]),
        (72, [(40, "GAZ NATUREL – Point de comptage et d'estimation (PCE) : 579 176 314 630 31")]),
        (84, [(40, "Abonnement mensuel gaz T2"), (150, "01-06-2025"), (200, "30-06-2025"), (345, "1 mois"),
              (400, "17,55 €/mois"), (480, "17,55 €"), (540, "5,5 %")]),
        (96, [(40, "Consommation gaz naturel"), (150, "01-06-2025"), (200, "30-06-2025"), (340, "226 kWh"),
              (395, "0,06240 €/kWh"), (480, "14,10 €"), (542, "20 %")]),
        (108, [(40, "Accise sur les gaz naturels"), (150, "01-06-2025"), (200, "30-06-2025"), (340, "226 kWh"),
               (400, "17,16 €/MWh"), (484, "3,88 €"), (542, "20 %")]),
        (120, [(40, "Sous-total gaz naturel HT"), (480, "35,53 €")]),
        (136, [(40, "TVA"), (110, "Base HT"), (170, "Taux"), (230, "Montant TVA")]),
        (148, [(40, "TVA à 5,5 %"), (110, "17,55 €"), (170, "5,5 %"), (240, "0,97 €"), (330, "Total HTVA :"),
               (520, "35,53 €")]),
        (160, [(40, "TVA à 20 %"), (110, "17,98 €"), (172, "20 %"), (240, "3,60 €"), (330, "Total TVA :"),
               (524, "4,57 €")]),
        (172, [(40, "Total TVA"), (110, "35,53 €"), (240, "4,57 €"), (330, "Montant TTC :"), (520, "40,10 €")]),
        size=7.0, source="text")
    flow = column_flow(build_document([page]))
    rows = [ln.text for ln in flow.lines if ln.text.startswith(("Abonnement", "Consommation", "Accise"))]
    assert len(rows) == 3 and all("€" in row and "2025" in row for row in rows)
    items = read_items(flow, Sections(flow))
    assert [(i.kind, i.amount) for i in items][:3] == [("subscription", 17.55), ("consumption", 14.1),
                                                        ("accise", 3.88)]


def test_a_row_whose_cells_wrapped_around_it_keeps_its_section():
    """A CTA row whose label and VAT cells wrapped (its single-line cells
    centred between their lines) is read with its wrapped parts, and stays
    in its energy's section."""
    html = """<html><body style="font-family: DejaVu Sans; font-size: 9pt">
    <table style="width: 520px; border-collapse: collapse; table-layout: fixed">
      <colgroup><col style="width: 230px"><col style="width: 70px"><col style="width: 70px"><col style="width: 60px">
                <col style="width: 22px"></colgroup>
      <tr><td colspan="5"><b>Électricité</b></td></tr>
      <tr><td>Abonnement</td><td>10/06/2025</td><td>16/07/2025</td><td>9,95 €</td><td>5,5 %</td></tr>
      <tr><td>Contribution Tarifaire d'Acheminement – 21,93 % × 7,22 €</td>
          <td>10/06/2025</td><td>16/07/2025</td><td>1,58 €</td><td>5,5 %</td></tr>
      <tr><td colspan="5"><b>Gaz naturel</b></td></tr>
      <tr><td>Abonnement gaz</td><td>10/06/2025</td><td>16/07/2025</td><td>21,35 €</td><td>5,5 %</td></tr>
    </table></body></html>"""
    doc = build_document(pdf_pages(html))
    [cta] = [i for i in read_items(doc, Sections(doc)) if i.kind == "cta"]
    assert (cta.amount, cta.vat_rate, cta.energy) == (1.58, 5.5, "electricite")


def test_a_vat_rate_whose_percent_sign_went_to_the_line_under():
    """`(TVA 20` ending a detail over `%)`, and `5,5` in the VAT column over
    a `%` alone: the rate is read (the row then counts as billed)."""
    page = words_page([
        [(40, "Accise sur les gaz naturels"), (150, "01/02/25 – 31/07/25 : 10 763 kWh à 0,01716 €/kWh (TVA 20"),
         (490, "184,69 €")],
        [(150, "%)")],
        [(40, "Contribution Tarifaire d'Acheminement - 20,8 % x"), (265, "10/11/2024 31/07/2025"), (504, "31,66 €"),
         (549, "5,5")],
        [(48, "152,19 €"), (556, "%")],
    ], source="ocr", conf=0.92)
    items = read_items(build_document([page]))
    assert [(i.kind, i.amount, i.vat_rate) for i in items] == [("accise", 184.69, 20.0), ("cta", 31.66, 5.5)]


def test_a_vat_rate_right_of_the_amount_is_no_quantity_though_it_multiplies_out():
    """`Énergie gaz … do kWh ‖ 6,450 c£€/kWh ‖ 128,55 € ‖ 20` over `%`: the
    quantity (`1` over `993`) unread, the price's unit misread; 20 × 6,45
    comes within 0,4 % of the amount, but the `20` right of the amount is
    the VAT column's, not the quantity."""
    page = words_page([
        [(40, "Énergie gaz"), (264, "19/10/2025 30/11/2025"), (371, "do kWh"), (422, "6,450 c£€/kWh"),
         (493, "128,55 €"), (543, "20")],
    ], source="ocr", conf=0.92)
    items = read_items(build_document([page]))
    assert [(i.quantity, i.amount) for i in items] in ([], [(None, 128.55)])


def test_a_fee_outside_vat_by_its_own_label_stays_out_of_the_vat_bases():
    """« Pénalités de retard de paiement (non soumis à TVA) »: outside VAT, so
    the energy's lines alone make the 20 % base and get its rate."""
    from tasks.extract.checks import infer_vat_rates
    from tasks.extract.lines import read_vat_rows

    page = words_page([
        [(40, "Abonnement électricité"), (260, "63 jours"), (330, "0,3515 €/jour"), (480, "22,14 €")],
        [(40, "Électricité consommée"), (260, "485 kWh"), (330, "0,1117 €/kWh"), (480, "54,17 €")],
        [(40, "Pénalités de retard de paiement (non soumis à TVA)"), (330, "14,70 €"), (480, "14,70 €")],
        [(40, "TVA à 20 % (base 76,31 €)"), (480, "15,26 €")],
    ])
    doc = build_document([page])
    items = read_items(doc)
    assert [i.vat_exempt for i in items] == [False, False, True]
    infer_vat_rates(items, read_vat_rows(doc))
    assert [i.vat_rate for i in items] == [20.0, 20.0, None]


def test_unrated_lines_and_an_unrated_recovery_fee_are_told_apart_by_the_vat_table():
    """Three energy lines whose rates a scan lost, and the 40 € recovery
    indemnity (its `-` lost too): with the fee outside VAT, as the law has
    it, the lines make the table's one base at 20 %; a fee inside would not."""
    from datetime import date

    from tasks.extract.checks import infer_vat_rates
    from tasks.extract.lines import Item, VatRow

    period = (date(2025, 11, 30), date(2026, 1, 11))
    items = [Item(label="Abonnement", kind="subscription", energy="electricite", amount=34.44, period_start=period[0],
                  period_end=period[1]),
             Item(label="Énergie Base", kind="consumption", energy="electricite", amount=16.54, vat_rate=20.0),
             Item(label="CSPE", kind="accise", energy="electricite", amount=4.68),
             Item(label="CTA", kind="cta", energy="electricite", amount=6.75, period_start=period[0],
                  period_end=period[1]),
             Item(label="Indemnité forfaitaire", kind="fee", energy=None, amount=40.0)]
    infer_vat_rates(items, [VatRow(rate=20.0, base=62.41, vat=12.48, page=2, conf=1.0, checked=True)])
    assert [(i.vat_rate, i.vat_exempt) for i in items] == [(20.0, False)] * 4 + [(None, True)]


def test_lines_of_a_bill_over_the_vat_switch_take_the_rate_of_their_own_period():
    """A yearly bill over 1 August 2025: the subscription and CTA lines up to
    31 July at 5,5 %, those after at 20 %, as the VAT table's bases show.
    A fixed line over both sides of the switch gets no rate."""
    from datetime import date

    from tasks.extract.checks import infer_vat_rates
    from tasks.extract.lines import Item, VatRow

    def line(kind, amount, start, end):
        return Item(label=kind, kind=kind, energy="electricite", amount=amount, period_start=start, period_end=end)

    before, after = (date(2024, 11, 1), date(2025, 7, 31)), (date(2025, 8, 1), date(2025, 10, 31))
    items = [line("subscription", 141.3, *before), line("subscription", 47.1, *after),
             line("consumption", 875.45, before[0], after[1]), line("cta", 26.54, *before), line("cta", 8.84, *after)]
    table = [VatRow(rate=5.5, base=167.84, vat=9.23, page=2, conf=1.0, checked=True),
             VatRow(rate=20.0, base=931.39, vat=186.28, page=2, conf=1.0, checked=True)]
    infer_vat_rates(items, table)
    assert [i.vat_rate for i in items] == [5.5, 20.0, 20.0, 5.5, 20.0]
    items = [line("subscription", 188.4, before[0], after[1]), line("consumption", 875.45, before[0], after[1])]
    infer_vat_rates(items, table)
    assert [i.vat_rate for i in items] == [None, None]


def test_unrated_lines_that_make_the_total_beyond_the_vat_bases_are_outside_vat():
    """A recovery indemnity printed with no rate: the rated lines make each
    base of the VAT table and the indemnity the rest of the HT total."""
    from tasks.extract.checks import infer_outside_vat
    from tasks.extract.lines import Item, VatRow

    def line(kind, amount, rate):
        return Item(label=kind, kind=kind, energy="gaz", amount=amount, vat_rate=rate)

    table = [VatRow(rate=5.5, base=40.35, vat=2.22, page=2, conf=1.0, checked=True),
             VatRow(rate=20.0, base=269.97, vat=53.99, page=2, conf=1.0, checked=True)]
    items = [line("subscription", 40.35, 5.5), line("consumption", 269.97, 20.0), line("fee", 40.0, None)]
    infer_outside_vat(items, table, 350.32)
    assert items[2].vat_exempt
    items = [line("subscription", 40.35, 5.5), line("consumption", 269.97, 20.0), line("fee", 40.0, None)]
    infer_outside_vat(items, table, 350.42)
    assert not items[2].vat_exempt
    # A subscription and a CTA unrated beside a VAT table read without its
    # 5,5 % row: their row was lost, they are not outside VAT.
    items = [line("subscription", 14.14, None), line("consumption", 41.30, 20.0), line("accise", 12.03, 20.0),
             line("cta", 2.58, None)]
    infer_outside_vat(items, [VatRow(rate=20.0, base=53.33, vat=10.67, page=2, conf=1.0, checked=True)], 70.05)
    assert not any(i.vat_exempt for i in items)


def test_a_labels_word_misread_by_one_letter_on_a_scan_is_put_right():
    """`Frais de relahce`, read unsure, is a recovery fee (`relance`); the
    letter is put right in place, accents kept. A word the kinds do not
    use stays, and so does a word OCR was sure of."""
    rows = [
        [(40, "Frais de relahce"), (300, "(TVA 20 %)"), (480, "7,50 €")],
        [(40, "Abonnenent électricité"), (300, "1 mois x 9,80 €/mois"), (480, "9,80 €")],
        [(40, "Entretien Coutures"), (300, "(TVA 20 %)"), (480, "4,00 €")],
    ]
    items = read_items(build_document([words_page(rows, source="ocr", conf=0.8)]))
    assert [(i.label, i.kind) for i in items] == [("Frais de relance", "fee"),
                                                  ("Abonnement électricité", "subscription"),
                                                  ("Entretien Coutures", "service")]
    sure = read_items(build_document([words_page(rows, source="ocr", conf=0.96)]))
    assert [i.label for i in sure][:2] == ["Frais de relahce", "Abonnenent électricité"]
    # A long word garbled in two places (`nn` read `rin`), read unsure: the one kind's word it can be.
    rows[1] = [(40, "Aborinement électricité (6 KVA)"), (300, "40 jours x 0,3541 €/jour"), (480, "14,16 €")]
    items = read_items(build_document([words_page(rows, source="ocr", conf=0.8)]))
    assert (items[1].label, items[1].kind) == ("Abonnement électricité (6 KVA)", "subscription")


def test_an_l_read_as_an_i_or_a_t_in_a_labels_word_is_put_right_even_when_ocr_was_sure():
    """`Heures Pieines` read at 0,91: a thin stroke OCR takes for another
    even when sure of the word; the line is the full hours' consumption.
    Other letters of a sure word stay as read (`Abonnenent`)."""
    rows = [[(40, "Électricité consommée - Heures Pieines"), (300, "117 kWh x 0,1765 €/kWh"), (480, "20,65 €")],
            [(40, "Électricité consommée - Heures Creuses"), (300, "82 kWh x 0,1309 €/kWh"), (480, "10,73 €")],
            [(40, "Abonnenent électricité"), (300, "1 mois x 9,80 €/mois"), (480, "9,80 €")]]
    items = read_items(build_document([words_page(rows, source="ocr", conf=0.91)]))
    assert [(i.label, i.kind) for i in items][:2] == [("Électricité consommée - Heures Pleines", "consumption_hp"),
                                                      ("Électricité consommée - Heures Creuses", "consumption_hc")]
    assert items[2].label == "Abonnenent électricité"


def test_a_captions_word_misread_by_one_letter_on_a_scan_still_labels_its_value():
    """`Énise le` (read unsure) is `Émise le`, the date of issue's caption."""
    from tasks.extract.fields import extract_invoice_date

    rows = [[(45, "Facture n"), (298, "Énise le")], [(46, "IL240302-84605"), (298, "2 mars 2024")]]
    found = extract_invoice_date(build_document([words_page(rows, source="ocr", conf=0.5)]))
    assert found is not None and found.value.isoformat() == "2024-03-02"
    assert extract_invoice_date(build_document([words_page(rows, source="ocr", conf=0.95)])) is None


def test_an_amount_that_lost_its_comma_is_the_product_of_the_detail_under_it():
    """`21442€` over `1 271 kWh x` and `0,16870 €/kWh`: 1 271 × 0,1687 is
    214,42, the amount with its comma lost."""
    page = ocr_page(
        (182, [(62, "Consommation heures pleines"), (230, "21442€"), (270, "20%")]),
        (191, [(63, "01/02/2024 - 31/01/2025 - 1 271 kWh x")]),
        (200, [(62, "0,16870 €/kWh")]),
    )
    [item] = read_items(build_document([page]))
    assert (item.amount, item.quantity, item.unit_price, item.checked) == (214.42, 1271, 0.1687, True)


def test_an_unread_quantity_and_price_are_the_amount_over_the_consumption_when_the_lines_make_the_total():
    """OCR lost the gas line's quantity and price; the conversion gives
    16 955 kWh and the lines make the HT total, so the amount is right:
    2 029,51 € over 16 955 kWh is 0,1197 €/kWh. Lines that do not make the
    total leave the price unknown."""
    rows = [
        [(40, "Point de comptage et d'estimation (PCE)"), (250, "35258461329376")],
        [(40, "Gaz naturel")],
        [(40, "Conversion : 1 545 m³ x 10,974 (coefficient de conversion) = 16 955 kWh")],
        [(40, "Abonnement gaz"), (200, "365 jours"), (300, "0,6437 €/jour"), (420, "234,95 €"), (500, "5,5 %")],
        [(40, "Énergie gaz"), (200, "kWh"), (420, "2 029,51 €"), (500, "20 %")],
        [(40, "Total HT"), (420, "2 264,46 €")],
    ]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.92)])
    assert analysis["gas"]["unit_price_kwh_ht_eur"] == 0.1197
    rows[5] = [(40, "Total HT"), (420, "2 364,46 €")]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.92)])
    assert analysis["gas"]["unit_price_kwh_ht_eur"] is None


def test_in_a_row_of_captions_the_next_caption_is_no_value():
    """Values over a row of captions that OCR read as one line: the offer
    is the value over `VOTRE OFFRE`, not the caption beside it."""
    page = words_page([
        [(40, "C7256925"), (150, "09/11/2025"), (300, "Classique Gaz"), (450, "14,01 €")],
        [(40, "RÉFÉRENCE CLIENT"), (150, "PÉRIODE DE CONSOMMATION"), (300, "VOTRE OFFRE"), (450, "REMBOURSEMENT")],
    ], source="ocr", conf=0.9)
    assert extract_offer(build_document([page]), []).value == "Classique Gaz"


def test_the_et_left_over_after_a_wrapped_label_is_no_other_value():
    """`Point de Comptage et ‖ 89446355899831` over `d'Estimation`, the
    line under too tall to be taken for the label's: the `et` left over
    after the label read is no other value standing beside it."""
    from tasks.extract.identifiers import collect_exclusions

    # Boxes as OCR gave them: the apostrophe makes the line under taller.
    words = [Word("Point", 61.2, 408.6, 80.4, 415.1, 0.96), Word("de", 83.3, 408.6, 92.9, 415.1, 0.93),
             Word("Comptage", 95.7, 408.6, 136.8, 416.8, 0.91), Word("et", 139.6, 409.1, 147.8, 415.1, 0.96),
             Word("89446355899831", 182.3, 413.2, 252.9, 422.5, 0.93), Word("d'Estimation", 60.9, 414.4, 110.4, 425.4, 0.92)]
    page = Page(number=1, width=595.0, height=842.0, words=words, source="ocr")
    doc = build_document([page])
    assert extract_pce(doc, collect_exclusions(doc)).value == "89446355899831"


def test_contrat_captions_an_offer_name_never_a_contract_number():
    def offer(text):
        found = extract_offer(build_document([words_page([[(40, text)]])]), [])
        return found.value if found else None

    assert offer("Contrat : Plenitude Variable Gaz") == "Plenitude Variable Gaz"
    assert offer("Contrat : 218 480 923") is None


def test_a_period_column_of_a_table_of_lines_is_not_the_bills_period():
    """`Période` heads a column of the lines' own periods: the first
    subscription lines of a yearly bill's two tables (up to the VAT switch)
    do not outvote the billed period printed with its label."""
    rows = [
        [(40, "Période de facturation : du 01/10/2024 au 30/09/2025")],
        [(40, "Libellé"), (200, "Période"), (330, "Quantité"), (400, "PU HT"), (460, "Montant HT"), (530, "Taux TVA")],
        [(40, "Part fixe 12 kVA"), (200, "01/10/2024 au 31/07/2025"), (330, "10 mois"), (400, "14,45000"),
         (460, "144,50 €"), (530, "5,5 %")],
        [(40, "Part fixe 12 kVA"), (200, "01/08/2025 au 30/09/2025"), (330, "2 mois"), (400, "14,45000"),
         (460, "28,90 €"), (530, "20 %")],
    ]
    rows += [[(40, "Gaz naturel")], rows[1], [(40, "Part fixe gaz T2"), (200, "01/10/2024 au 31/07/2025"),
                                               (330, "10 mois"), (400, "21,30000"), (460, "213,00 €"), (530, "5,5 %")]]
    period = extract_invoice([words_page(rows)], strict=False)["period"]
    assert (period["start"], period["end"]) == ("2024-10-01", "2025-09-30")


def test_a_hyphen_between_two_indexes_on_a_scan_is_no_minus_sign():
    """`43 440 au 24/11/23 - 43 477 au 24/12/23`: OCR read the dash as a
    hyphen, which would make the end index negative."""
    page = words_page([[(40, "Électricité - PRM 75239153011495")],
                       [(40, "Index Heures Creuses : 43 440 au 24/11/23 - 43 477 au 24/12/23 (relevé réel)")],
                       [(40, "Index Gaz : 6 184 au 08/08/25 - 6 241 au 24/09/25 (relevé réel), soit 57 m³")]],
                      source="ocr", conf=0.93)
    doc = build_document([page])
    assert [(r.register, r.start_index, r.end_index, r.end_nature) for r in read_readings(doc, Sections(doc))] == \
        [("hc", 43440, 43477, "reel"), ("gaz", 6184, 6241, "reel")]


def test_a_subscription_price_no_household_pays_is_forgotten_and_its_amount_when_they_agree():
    """`1 mois × 659€/mois = 659€`: both commas lost, the row agrees with
    itself; 659 € a month is no household's subscription. A price misread
    alone (`6` for 0,4031 €/jour) leaves the row's amount."""
    from tasks.extract.checks import check_line_quantities

    page = words_page([
        [(40, "Abonnement gaz"), (170, "01/08/2023 31/08/2023"), (300, "1 mois"), (360, "659€/mois"), (460, "659€"),
         (520, "5,5 %")],
        [(40, "Abonnement"), (170, "01/10/2024 31/10/2024"), (300, "31 jours"), (360, "6 €/jour"), (460, "12,50 €"),
         (520, "5,5 %")],
    ], source="ocr", conf=0.92)
    items = read_items(build_document([page]))
    check_line_quantities(items)
    assert [(i.amount, i.unit_price) for i in items] == [(None, None), (12.5, None)]


def test_a_kwh_line_whose_amount_per_kwh_is_no_price_forgets_the_figure_that_lost_digits():
    """`425 kWh … 11662 €`: an amount without its cents lost its comma;
    `74 kWh … 148,55 €` (7 074 kWh, the thousands lost): an amount read with
    its cents stands, the quantity is forgotten."""
    from tasks.extract.checks import check_line_quantities

    page = words_page([
        [(40, "Énergie Base"), (300, "425 kWh"), (460, "11662€"), (520, "20 %")],
        [(40, "Accise sur l'électricité"), (300, "74 kWh"), (460, "148,55 €"), (520, "20 %")],
    ], source="ocr", conf=0.92)
    items = read_items(build_document([page]))
    check_line_quantities(items)
    assert [(i.quantity, i.amount) for i in items] == [(425, None), (None, 148.55)]


def test_the_kwh_the_excise_is_levied_on_outvote_a_misread_consumption_label():
    """`Énergie consommée 191 kWh` (101 misread) against the indexes' 101
    kWh and the excise line's 101 kWh: the consumption is 101 kWh."""
    rows = [
        [(40, "Point de livraison (PDL)"), (200, "12909919091415")],
        [(40, "Électricité")],
        [(40, "Index de début 22 665 (réel, 19/06/2024) Index de fin 22 766 (réel, 17/07/2024)")],
        [(40, "Énergie consommée 191 kWh")],
        [(40, "Abonnement électricité (3 kVA) 29 jours x 0,2351 €/jour"), (420, "6,82 €"), (500, "5,5 %")],
        [(40, "Électricité verte locale"), (420, "16,01 €"), (500, "20 %")],
        [(40, "Accise sur l'électricité 101 kWh x 0,0210 €/kWh"), (420, "2,12 €"), (500, "20 %")],
    ]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)
    assert analysis["electricity"]["consumption_kwh"] == 101


def test_the_second_column_whose_heading_ocr_lost_is_not_under_the_firsts():
    """Re-flowed, the gas column follows the electricity column; its own
    heading read as `ER`, its subscription is no electricity line."""
    from tasks.extract.invoice import _energy_of_column

    page = words_page([
        [(66, "Électricité"), (303, "ER")],
        [(60, "Abonnement"), (235, "12,22 € 5,5 %"), (306, "Abonnement"), (480, "7,31 € 5,5 %")],
        [(60, "28/01/2024 - 27/02/2024 : 31 jours x 0,3942 €/jour"), (306, "28/01/2024 - 27/02/2024 : 31 jours")],
        [(306, "0,2357 €/jour")],
        [(60, "Consommation heures pleines"), (235, "60,45 € 20 %"), (306, "Consommation de gaz"), (480, "13,47 € 20 %")],
        [(60, "28/01/2024 - 27/02/2024 : 334 kWh x 0,18100 €/kWh"), (306, "28/01/2024 - 27/02/2024 : 184 kWh x")],
        [(306, "0,07320 €/kWh")],
        [(60, "CTA"), (235, "2,05 € 5,5 %"), (306, "CTA"), (480, "1,00 € 5,5 %")],
    ], line_gap=9)
    flow = column_flow(build_document([page]))
    items = read_items(flow, Sections(flow))
    _energy_of_column(items, flow)
    assert {i.amount: i.energy for i in items} == {12.22: "electricite", 60.45: "electricite", 2.05: "electricite",
                                                    7.31: "gaz", 13.47: "gaz", 1.0: "gaz"}


def test_a_regularisation_caption_read_unsure_is_backed_by_the_instalments_deducted():
    """`RÉGULARISATION` read with no confidence at all is too unsure alone;
    the instalments deducted below say the same."""
    from dataclasses import replace

    rows = [
        [(49, "FACTURE DE RÉGULARISATION")],
        [(40, "Montant TTC de la facture 682,80 € - mensualités déjà prélevées 704,00 € = -21,20 €.")],
    ]
    page = words_page(rows, source="ocr", conf=0.9)
    page = replace(page, words=[replace(w, conf=0.0) if w.text == "RÉGULARISATION" else w for w in page.words])
    assert extract_invoice([page], strict=False)["invoice_kind"] == "regularisation"


def test_a_dash_ocr_glued_between_a_labels_words_still_labels_its_value():
    from tasks.extract.fields import extract_totals

    page = words_page([[(40, "Montant-HT"), (300, "242,35 €")], [(40, "Montant TTC"), (300, "277,31 €")]],
                      source="ocr", conf=0.9)
    assert [c.value for c in extract_totals(build_document([page]))["total_ht"]] == [242.35]
    # After the sign of `N°` as well.
    page = words_page([[(40, "N°-de client"), (300, "788027084")]], source="ocr", conf=0.9)
    assert extract_client_number(build_document([page])).value == "788027084"


def test_a_total_ht_caption_whose_o_ocr_lost_still_labels_its_value():
    """`TtalHT` for « Total HT » on a scan; `Capital HT` is no caption."""
    from tasks.extract.fields import extract_totals

    page = words_page([[(328, "TtalHT"), (506, "974,27 €")], [(329, "Total TTC"), (491, "1 144,62 €")]],
                      source="ocr", conf=0.9)
    assert [c.value for c in extract_totals(build_document([page]))["total_ht"]] == [974.27]
    page = words_page([[(328, "Capital HT"), (506, "974,27 €")]], source="ocr", conf=0.9)
    assert extract_totals(build_document([page]))["total_ht"] == []


def test_a_label_wrapped_over_its_period_joins_the_values_under_it():
    """« Contribution tarifaire · 01/02/25 · 30/04/25 » over « d'acheminement
    · – · 21,93 % x 49,13 € · 10,77 € » on a scan: the row is one CTA, not a
    consumption named « d'acheminement » that would swell the energy's cost."""
    page = ocr_page((200, [(60, "Désignation"), (280, "Détail"), (480, "Montant HT")]),
                    (214, [(60, "Contribution tarifaire"), (230, "01/02/25"), (290, "30/04/25")]),
                    (223, [(60, "d'acheminement"), (230, "–"), (250, ": 21,93 % x 49,13 € (TVA 5,5 %)"),
                           (480, "10,77 €")]))
    [item] = read_items(build_document([page]))
    assert (item.kind, item.amount) == ("cta", 10.77)
    assert item.label.startswith("Contribution tarifaire")
    # A row of its own under it is not the label's rest.
    page = ocr_page((200, [(60, "Désignation"), (280, "Détail"), (480, "Montant HT")]),
                    (214, [(60, "Contribution tarifaire"), (230, "01/02/25"), (290, "30/04/25")]),
                    (223, [(60, "Accise sur l'électricité"), (250, "407 kWh x 33,70 €/MWh"), (480, "13,72 €")]))
    [item] = read_items(build_document([page]))
    assert (item.kind, item.amount, item.label) == ("accise", 13.72, "Accise sur l'électricité")


def test_an_unsure_price_that_makes_the_amount_from_the_indexes_consumption_to_the_cent_is_kept():
    """« 459kWh 0,0938 14,91 € » read unsurely (the `1` of 159 read `4`):
    the indexes give 159 kWh, and 159 × 0,0938 is 14,91 € to the cent, so
    the price and the amount are as printed. A price a digit off (0,0936)
    makes 14,88 €: it stays as unsure as it was read."""
    def hc_price(price):
        rows = [
            [(40, "Option Heures Pleines / Heures Creuses - 6 kVA - PDL 20286342798051")],
            [(40, "Heures Pleines : index du 20/11/2025 : 21 000 kWh (relevé) - index du 18/12/2025 : 21 195 kWh (relevé)")],
            [(40, "Heures Creuses : index du 20/11/2025 : 47 710 kWh (relevé) - index du 18/12/2025 : 47 869 kWh (relevé)")],
            [(40, "Ma consommation Heures Pleines"), (250, "195 kWh"), (330, "0,1266"), (420, "24,69 €"), (500, "20 %")],
            [(40, "Ma consommation Heures Creuses"), (250, "459kWh"), (330, price), (420, "14,91 €"), (500, "20 %")],
        ]
        page = words_page(rows, source="ocr", conf=0.93)
        page.words = [Word(w.text, w.x0, w.y0, w.x1, w.y1, 0.05 if w.text in ("459kWh", price) else w.conf)
                      for w in page.words]
        return extract_invoice([page], strict=False)["electricity"]["unit_price_hc_kwh_ht_eur"]

    assert hc_price("0,0938") == 0.0938
    assert hc_price("0,0936") is None


def test_a_price_per_kwh_said_locked_is_a_fixed_price_though_ocr_garbled_the_rest():
    """« Prix du kWh HT bloqué jusqu'au 30/09/2026 », its « jusqu'au » read
    « lesou'au » on a scan: the price is still fixed."""
    from tasks.extract.fields import pricing_candidates

    page = words_page([[(40, "Prix du KWh HT bloqué lesou'au 30/09/2026.")]], source="ocr", conf=0.9)
    cands, _ = pricing_candidates(build_document([page]), None)
    assert {c.value for c in cands} == {"fixe"}


def test_a_speck_before_an_index_does_not_put_the_rows_indexes_out_of_step():
    """« 01/11/24 5 25 117 31/12/24 25 556 Réel 439 m³ », the `5` a speck:
    the indexes are the pair whose difference the row prints."""
    rows = [[(40, "GAZ NATUREL - PCE 25580935486875")],
            [(40, "Index"), (90, "Ancien relevé"), (160, "Ancien index"), (230, "Nouveau relevé"),
             (300, "Nouvel index"), (370, "Nature"), (420, "Différence")],
            [(40, "Gaz"), (90, "01/11/24"), (150, "5"), (160, "25 117"), (230, "31/12/24"), (300, "25 556"),
             (370, "Réel"), (420, "439 m°")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.93)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.end_nature) == (25117, 25556, "reel")


def test_a_row_whose_detail_ocr_lost_is_kept_beside_a_detailed_row_of_the_same_label():
    """Two sub-periods of the subscription, the first's detail line read
    as a speck (« s, »): it is still a row of the table, its 101,00 € part
    of the subscription. The same label with its amount far from the
    table (a summary) is not."""
    def subscription_rows(*above: tuple[float, list[tuple[float, str]]]):
        page = ocr_page(*above,
                        (300, [(60, "Abonnement électricité (6 kVA)"), (420, "101,00 € HT")]),
                        (309, [(62, "s,")]),
                        (320, [(60, "Abonnement électricité (6 kVA)"), (420, "20,20 € HT")]),
                        (329, [(62, "du 01/08/2025 au 30/09/2025 2 mois x 10,10 €/mois HT TVA 20 %")]))
        return [i.amount for i in read_items(build_document([page])) if i.kind == "subscription"]

    assert subscription_rows() == [101.0, 20.2]
    summary = [(100, [(60, "Abonnement électricité (6 kVA)"), (420, "121,20 € HT")])] + \
        [(120 + 12 * k, [(60, f"Ligne de texte numéro {k} sans montant")]) for k in range(5)]
    assert subscription_rows(*summary) == [101.0, 20.2]


def test_a_speck_read_as_a_minus_before_a_subscription_or_the_ttc_total_of_a_scan():
    """« 45 jours 0,4103 €/jour -18,46 € » and « Montant TTC -613,05 € »:
    a subscription at a positive price is no credit, and a TTC total is
    of the HT total's sign when its size adds up; a discount stays negative."""
    page = ocr_page((200, [(60, "Désignation"), (250, "Qté"), (330, "Prix HT"), (420, "Total HT")]),
                    (214, [(60, "Abonnement électricité"), (250, "45 jours"), (330, "0,4103 €/jour"),
                           (420, "-18,46 €")]),
                    (228, [(60, "Remise fidélité"), (250, "1 mois"), (330, "2,00 €/mois"), (420, "-2,00 €")]))
    items = read_items(build_document([page]))
    assert [(i.kind, i.amount) for i in items] == [("subscription", 18.46), ("discount", -2.0)]
    rows = [[(40, "Total HT"), (300, "527,47 €")], [(40, "TVA"), (300, "85,58 €")],
            [(40, "Montant TTC"), (300, "-613,05 €")]]
    analysis = extract_invoice([words_page(rows, source="ocr", conf=0.92)], strict=False)
    assert analysis["total_ttc_eur"] == 613.05


def test_a_speck_read_as_a_minus_before_a_consumption_is_no_credit_unless_its_label_says_so():
    """« 357 kWh à 12,67 c€/kWh -45,23 »: energy at a positive price is
    billed, not credited; « Régularisation consommation » may credit it."""
    page = ocr_page((200, [(60, "Désignation"), (250, "Qté"), (330, "Prix HT"), (420, "Total HT")]),
                    (214, [(60, "Part variable heures pleines"), (250, "357 kWh"), (330, "0,1267 €/kWh"),
                           (420, "-45,23 €")]),
                    (228, [(60, "Régularisation consommation"), (250, "100 kWh"), (330, "0,1267 €/kWh"),
                           (420, "-12,67 €")]))
    items = read_items(build_document([page]))
    assert [(i.kind, i.amount) for i in items] == [("consumption_hp", 45.23), ("consumption", -12.67)]


def test_a_speck_read_as_a_minus_before_a_kwh_price_is_no_credit_unless_its_label_says_so():
    """« 1 931 kWh ‖ -0,16210 €/kWh ‖ 313,02 € »: a positive amount billed at
    a price read negative has a speck before its price (the row checks out
    with it positive); « Régularisation consommation » keeps its sign."""
    page = ocr_page((200, [(60, "Désignation"), (250, "Qté"), (330, "Prix HT"), (420, "Total HT")]),
                    (214, [(60, "Consommation HP"), (250, "1 931 kWh"), (330, "-0,16210 €/kWh"),
                           (420, "313,02 €")]),
                    (228, [(60, "Régularisation consommation"), (250, "100 kWh"), (330, "-0,1267 €/kWh"),
                           (420, "12,67 €")]))
    items = read_items(build_document([page]))
    assert [(i.kind, i.unit_price, i.checked) for i in items][0] == ("consumption_hp", 0.1621, True)
    assert items[1].unit_price == -0.1267


def test_a_daily_subscription_whose_day_count_ocr_misread_counts_the_days_of_its_period():
    """« 03/06/25 ‖ 29/07/25 ‖ 7j ‖ 0,5757 jour ‖ 32,81 € » on a scan: no day
    count has four decimals (a price per day, its `€/` lost), and the 57
    days of the line's period make its amount (the 5 of 57 lost). A period
    whose days do not make it leaves the row unchecked."""
    def subscription(end):
        page = ocr_page((200, [(60, "Description"), (200, "Du"), (250, "Au"), (300, "Quantité"), (360, "Prix"),
                               (420, "TVA"), (470, "Montant HT")]),
                        (214, [(60, "Abonnement gaz T2"), (200, "03/06/25"), (250, end), (300, "7j"),
                               (360, "0,5757 jour"), (420, "5,5 %"), (470, "32,81 €")]))
        [item] = [i for i in read_items(build_document([page])) if i.kind == "subscription"]
        return item.quantity, item.unit_price, item.amount, item.checked

    assert subscription("29/07/25") == (57, 0.5757, 32.81, True)
    assert subscription("20/07/25")[3] is False


def test_a_detail_line_with_its_commas_lost_or_its_vat_glued_still_details_its_row():
    """`50 jours x 03143 €/jour HT TVA55%` under `Abonnement … 15,72 € HT`:
    the price that makes the amount from the quantity once its comma is put
    back, 5,5 % for `TVA55%`; `&.1396` a price whose units' 0 was misread;
    a speck line (`cie`) between a row and its detail."""
    page = ocr_page((100, [(60, "Abonnement électricité (6 kVA)"), (420, "15,72 € HT")]),
                    (110, [(62, "du 23/06/2024 au 11/08/2024 50 jours x 03143 €/jour HT TVA55%")]),
                    (124, [(60, "Électricité verte locale - heures creuses"), (420, "23,73 € HT")]),
                    (134, [(62, "du 23/06/2024 au 11/08/2024 170 kWh x &.1396 €/kWh HT TVA 20 %")]),
                    (148, [(60, "Accise sur le gaz naturel"), (420, "8,41 € HT")]),
                    (156, [(300, "cie")]),
                    (164, [(62, "du 23/06/2024 au 11/08/2024 514 kWh x 0.01637 €/kWh HT TVA20%")]))
    page.words = [replace(w, conf=0.42) if w.text == "cie" else w for w in page.words]
    items = read_items(build_document([page]))
    assert [(i.kind, i.unit_price, i.vat_rate, i.checked) for i in items] == [
        ("subscription", 0.3143, 5.5, True), ("consumption_hc", 0.1396, 20.0, True), ("accise", 0.01637, 20.0, True)]
    # A speck line of two cells (`:  ‖  ù`), the detail wrapped and the amount's comma lost.
    page = ocr_page((148, [(60, "Accise gaz naturel"), (420, "1601€")]), (156, [(200, ":"), (300, "ù")]),
                    (164, [(62, "31/08/2024 - 11/10/2024 978 kWh x")]), (172, [(62, "16,37 €/MWh")]))
    page.words = [replace(w, conf=0.48) if w.text == "ù" else w for w in page.words]
    [item] = read_items(build_document([page]))
    assert (item.quantity, item.unit_price, item.amount, item.checked) == (978, 0.01637, 16.01, True)


def test_a_price_whose_unit_ocr_read_as_a_last_digit_makes_the_amount_to_the_cent_without_it():
    """`0,18476 GkWh` for `0,1847 €/kWh` × 2 002 kWh = 369,77 €: the last
    digit is the misread `€`; a true five-decimal price that makes the amount
    to the cent keeps it."""
    def price(detail: str, amount: str) -> float:
        page = ocr_page((100, [(60, "Consommation heures pleines"), (420, amount)]), (110, [(62, detail)]))
        [item] = read_items(build_document([page]))
        return item.unit_price

    assert price("du 01/10/2023 au 30/09/2024 2 002 kWh x 0,18476 GkWh", "369,77 €") == 0.1847
    assert price("du 01/10/2023 au 30/09/2024 2 002 kWh x 0,18476 €/kWh", "369,89 €") == 0.18476


def test_a_cta_row_is_borne_out_by_its_rate_of_its_base():
    """`20,8 % x 20,23 €` and 4,21 €: the row holds without quantity or VAT;
    its rate's or base's comma lost (`2193 %`, `834€`), or its amount's
    (`171€` for 1,71 €), it still holds."""
    page = ocr_page((100, [(60, "Contribution tarifaire d'acheminement (CTA)"), (250, "24/02/24"), (300, "31/03/24"),
                           (340, "20,8 % x 20,23€"), (430, "4,21 €")]),
                    (114, [(60, "Contribution tarifaire d'acheminement"), (420, "5,69 € HT")]),
                    (124, [(62, "du 01/12/2023 au 31/01/2024 2193 % x 25.94€ TVAS,5 %")]),
                    (138, [(60, "Contribution tarifaire d'acheminement"), (420, "1,73 € HT")]),
                    (148, [(62, "du 23/06/2024 au 11/08/2024 20.8 % x 834€ TVASS %")]),
                    (162, [(60, "CTA (20,8 % x 8,21€)"), (250, "24/10/2025 au 09/12/2025"), (420, "171€")]))
    items = read_items(build_document([page]))
    assert [(i.kind, i.amount, i.checked) for i in items] == [("cta", 4.21, True), ("cta", 5.69, True),
                                                              ("cta", 1.73, True), ("cta", 1.71, True)]
    # A rate that makes no amount of its base proves nothing.
    page = ocr_page((100, [(60, "Contribution tarifaire d'acheminement"), (250, "21,93 % x 14,44€"), (420, "9,99 €")]))
    assert [i.checked for i in read_items(build_document([page]))] in ([], [False])


def test_a_row_billed_by_the_day_whose_label_ocr_glued_is_a_subscription():
    page = ocr_page((100, [(60, "Partfixe gazT1"), (250, "47 jours"), (330, "0,2643 €/jour"), (420, "12,42 €"),
                           (480, "20%")]))
    [item] = read_items(build_document([page]))
    assert (item.kind, item.amount) == ("subscription", 12.42)


def test_a_speck_or_a_glued_mark_before_a_vat_row_or_a_heading_hides_neither():
    """`. TVA à 5,5 %` (a dot its own word), `TVAà 20 %` (glued), `‘Électricité`,
    `- Électricité`: VAT rows are no lines and count in the VAT, and the
    section under the heading is the heading's energy."""
    page = ocr_page((80, [(60, "‘Électricité")]),
                    (94, [(60, "CTA"), (250, "01/07/2025 31/07/2025"), (420, "3,17 €"), (480, "5,5 %")]),
                    (108, [(60, "Total HT"), (420, "3,17 €")]),
                    (122, [(52, "."), (60, "TVA à 5,5 % (base 3,17 €)"), (420, "0,17 €")]),
                    (136, [(60, "TVAà 20 % (base 0,00 €)"), (420, "0,00 €")]))
    doc = build_document([page])
    items = read_items(doc, Sections(doc))
    assert [(i.kind, i.amount, i.energy) for i in items] == [("cta", 3.17, "electricite")]
    assert Sections(doc).of_line(doc.lines[1]) == "electricite"
    assert heading_energy("- Électricité") == "electricite"
    assert [(r.rate, r.base, r.vat) for r in read_vat_rows(doc)] == [(5.5, 3.17, 0.17), (20.0, 0.0, 0.0)]


def test_a_misread_price_on_an_unchecked_line_neither_averages_nor_replaces_the_registers_price():
    """Gas billed on a checked line at 0,0664 €/kWh, and a garbled line
    whose `1,00` and `981 €` make nothing: the price is the checked line's,
    not an average skewed by the misreading. Two checked lines over
    sub-periods average to what the bill applied."""
    def gas_price(second: list[tuple[float, str]]) -> float | None:
        rows = [[(40, "Gaz naturel")],
                [(40, "Consommation de gaz"), (220, "4 660 kWh"), (300, "0,0664 €/kWh"), (420, "309,42 €")],
                second]
        return extract_invoice([words_page(rows, source="ocr", conf=0.92)], strict=False)["gas"]["unit_price_kwh_ht_eur"]

    assert gas_price([(40, "Gaz naturel 31/12/2023"), (300, "1,00 €/kWh"), (420, "981 €"), (480, "20 %")]) == 0.0664
    assert gas_price([(40, "Consommation de gaz"), (220, "1 000 kWh"), (300, "0,0700 €/kWh"), (420, "70,00 €")]) \
        == round((309.42 + 70.0) / 5660, 5)


def test_rows_under_a_header_ocr_garbled_are_read_by_their_own_numbers():
    """`Rubrique ‖ Période ‖ Volume Unité ‖ P'* ‖ PU`: the header's columns
    stand where OCR put its pieces, not where the cells are; a row whose
    quantity × price = amount reads right without them. `1 mois 172200
    1722€`: the amount lost the comma before its cents, so it is 17,22 €."""
    page = ocr_page((100, [(40, "Rubrique"), (150, "Période"), (255, "Volume Unité"), (330, "P'*"), (420, "PU")]),
                    (114, [(40, "Abonnement électricité"), (150, "01/09/24-30/09/24"), (255, "1 mois"),
                           (330, "172200"), (400, "1722€"), (470, "A")]),
                    (128, [(40, "Terme variable Heures Pleines"), (175, "01/09/24-30/09/24"), (255, "350 kWh"),
                           (300, "0,2897"), (400, "101,40€"), (470, "B")]))
    items = read_items(build_document([page]))
    assert [(i.kind, i.quantity, i.unit_price, i.amount) for i in items] == [
        ("subscription", 1.0, 17.22, 17.22), ("consumption_hp", 350.0, 0.2897, 101.4)]


def test_a_total_caption_whose_box_a_speck_stretched_takes_its_own_rows_amount():
    """« Total » boxed two lines tall beside « HT »: the VAT row above it is
    within that box's height but not its words', so its 196,88 € is no HT total."""
    from tasks.extract.fields import extract_totals

    words = [Word("B", 249.7, 327.7, 253.8, 333.5, 0.93), Word("196,88", 363.7, 327.5, 389.1, 336.3, 0.97),
             Word("€", 392.0, 327.5, 396.3, 333.5, 0.97), Word("20%", 429.0, 327.5, 447.2, 333.5, 0.97),
             Word("39,38", 524.2, 327.5, 544.8, 334.2, 0.97), Word("€", 547.7, 327.5, 552.0, 336.8, 0.97),
             Word("Total", 249.0, 336.8, 269.2, 351.7, 0.97), Word("HT", 273.0, 343.1, 284.1, 348.8, 0.96),
             Word("216,85", 515.8, 342.8, 544.1, 349.8, 0.96), Word("€", 547.2, 342.8, 552.0, 348.8, 0.96)]
    doc = build_document([Page(number=1, width=595.0, height=842.0, words=words, source="ocr")])
    assert [c.value for c in extract_totals(doc)["total_ht"]] == [216.85]


def test_a_ttc_total_printed_again_as_the_amount_to_pay_stands_though_ht_and_vat_do_not_make_it():
    """A bill whose HT and VAT add up to 68,56 € prints 58,98 € as its TTC
    total, and again as the amount to pay: the bill is inconsistent, not
    misread, and keeps its printed total. Printed once, it is doubted."""
    def ttc(*extra: list[tuple[float, str]]) -> float | None:
        rows = [[(40, "FA-2025-7726608"), (160, "07/08/2025"), (300, "58,98 €")],
                [(40, "NUMERO DE FACTURE"), (160, "DATE D'EMISSION"), (300, "MONTANT TTC DE LA FACTURE")],
                *extra,
                [(40, "Total HT"), (400, "58,37 €")], [(40, "TVA à 5,5 % 10,28 €"), (400, "0,57 €")],
                [(40, "TVA à 20 % 48,09 €"), (400, "9,62 €")], [(40, "Total TVA"), (400, "10,19 €")]]
        return extract_invoice([words_page(rows, source="ocr", conf=0.85)], strict=False)["total_ttc_eur"]

    assert ttc([(40, "Montant à payer"), (400, "58,98 €")]) == 58.98
    assert ttc() is None


def test_a_vat_amount_read_without_its_comma_is_in_cents_when_the_rate_of_the_base_says_so():
    """`TVA à 5,5 % (base 12,10 €)   067€` and `TVA 20 % sur 207,42 €   4148 €`:
    0,67 € is 5,5 % of 12,10 €, 41,48 € 20 % of 207,42 €; `9999 €` is nothing's."""
    page = ocr_page((100, [(40, "TVA à 5,5 % (base 12,10 €)"), (420, "067€")]),
                    (114, [(40, "TVA 20 % sur 207,42 €"), (420, "4148 €")]))
    rows = read_vat_rows(build_document([page]))
    assert [(r.rate, r.base, r.vat, r.checked) for r in rows] == [(5.5, 12.1, 0.67, True), (20.0, 207.42, 41.48, True)]
    page = ocr_page((100, [(40, "TVA 20 % sur 207,42 €"), (420, "9999 €")]))
    assert [r.checked for r in read_vat_rows(build_document([page]))] == [False]


def test_a_mark_glued_before_a_vat_amount_and_read_as_a_one_is_no_digit_of_it():
    """`TVA à 20 % (base 286,65 €)   “157,33`: the mark before 57,33 € read
    with a 1; without a mark, or when the rate of the base makes no such
    amount, the read stands unchecked."""
    def vat(amount):
        page = ocr_page((100, [(40, "TVA à 20 % (base 286,65 €)"), (420, amount)]))
        return [(r.vat, r.checked) for r in read_vat_rows(build_document([page]))]

    assert vat("“157,33") == [(57.33, True)]
    assert vat("157,33") == [(157.33, False)]
    assert vat("“158,33") == [(158.33, False)]


def test_specks_in_a_vat_row_are_passed_over():
    """`TVA à 20 % (base 3 308,88 €) ‖ Re ‖ 661,78 €`: `Re`, barely believed,
    is a speck; read with confidence, two letters end the row's values."""
    def vat_row(conf):
        page = ocr_page((100, [(40, "TVA à 20 % (base 3 308,88 €)"), (330, "Re"), (420, "661,78 €")]))
        page = replace(page, words=[replace(w, conf=conf) if w.text == "Re" else w for w in page.words])
        return [(r.base, r.vat, r.checked) for r in read_vat_rows(build_document([page]))]

    assert vat_row(0.04) == [(3308.88, 661.78, True)]
    assert vat_row(0.95) == [(3308.88, None, False)]
    # A speck glued between « à » and the rate.
    page = ocr_page((100, [(40, "TVA à°5,5 % (base 36,41€)"), (420, "2,00 €")]))
    assert [(r.rate, r.base, r.vat) for r in read_vat_rows(build_document([page]))] == [(5.5, 36.41, 2.0)]


def test_tempo_rows_that_all_say_real_outvote_one_unsure_row_and_a_base_register_in_kwh_is_electricitys():
    """Six Tempo rows « (réel) », one of them read unsure: the rows vouch
    for each other. A `Base` row counted in kWh under a heading OCR lost is
    electricity's (gas counts m³)."""
    colours = [("Bleu HC", 2570, 2788), ("Bleu HP", 14886, 15255), ("Blanc HC", 34981, 35037),
               ("Blanc HP", 10692, 10789), ("Rouge HC", 22689, 22715), ("Rouge HP", 34039, 34085)]
    rows = [[(40, "Point de livraison (PDL)"), (250, "12909919091415")], [(40, "Électricité")]] + \
        [[(40, f"Index Tempo {c} 01/01/2026 : {a} 31/01/2026 : {b} (réel)")] for c, a, b in colours]
    page = words_page(rows, source="ocr", conf=0.9)
    page = replace(page, words=[replace(w, conf=0.3) if w.text == "34981" else w for w in page.words])
    assert extract_invoice([page], strict=False)["electricity"]["reading"] == "reel"

    page = ocr_page((100, [(40, "Compteur"), (120, "Cadran"), (180, "Date ancien index"), (260, "Ancien index"),
                           (330, "Date nouvel index"), (410, "Nouvel index"), (470, "Type"), (500, "Conso.")]),
                    (114, [(40, "35502813372568"), (120, "Base"), (180, "01/02/2024"), (260, "37 696"),
                           (330, "31/03/2024"), (410, "38092"), (470, "R"), (500, "396 kWh")]))
    doc = build_document([page])
    assert [(r.register, r.energy) for r in read_readings(doc, Sections(doc))] == [("base", "electricite")]
    # Under the gas heading (the electricity's lost): still electricity's, and the gas row gas's.
    page = ocr_page((80, [(40, "Gaz naturel")]),
                    (94, [(40, "Base"), (120, "01/01/2026"), (200, "57 411"), (260, "31/01/2026"), (330, "58 164"),
                          (400, "Relevé Enedis"), (470, "753 kWh")]),
                    (108, [(40, "Gaz"), (120, "01/01/2026"), (200, "6287"), (260, "31/01/2026"), (330, "6 321"),
                           (400, "Relevé GRDF"), (470, "34 m³")]))
    doc = build_document([page])
    assert [(r.register, r.energy) for r in read_readings(doc, Sections(doc))] == \
        [("base", "electricite"), ("gaz", "gaz")]


def test_an_ht_total_one_digit_off_the_sum_of_lines_that_all_multiply_out_is_that_sum():
    """« Sous-total HT 142,08 € » over lines that each multiply out to 142,98 €
    in all: a 9 read as a 0. Lines that do not all multiply out prove nothing."""
    def ht(price: str) -> float | None:
        rows = [[(40, "Abonnement électricité"), (220, "1 mois"), (300, "13,46 €/mois"), (420, "13,46 €")],
                [(40, "Électricité consommée"), (220, "521 kWh"), (300, price), (420, "90,34 €")],
                [(40, "Gaz consommé"), (220, "785 kWh"), (300, "0,0497 €/kWh"), (420, "39,18 €")],
                [(40, "Sous-total HT"), (420, "142,08 €")]]
        return extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["total_ht_eur"]

    assert ht("0,1734 €/kWh") == 142.98
    assert ht("0,1834 €/kWh") != 142.98


def test_an_ht_total_that_lost_its_comma_is_the_sum_of_its_lines():
    """« Sous-total HT 14298 € », the lines 142,98 € in all and the TTC
    171,58 €: the comma lost. Where the lines make another sum, no comma is placed."""
    def ht(total: str) -> float | None:
        rows = [[(40, "Abonnement électricité"), (220, "1 mois"), (300, "13,46 €/mois"), (420, "13,46 €")],
                [(40, "Électricité consommée"), (220, "521 kWh"), (300, "0,1734 €/kWh"), (420, "90,34 €")],
                [(40, "Gaz consommé"), (220, "785 kWh"), (300, "0,0497 €/kWh"), (420, "39,18 €")],
                [(40, "Sous-total HT"), (420, total)], [(40, "Total TTC"), (420, "171,58 €")]]
        return extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["total_ht_eur"]

    assert ht("14298 €") == 142.98
    assert ht("14398 €") not in (142.98, 143.98)  # the lines make another: no comma placed on a guess


def test_detail_lines_whose_vat_five_ocr_read_as_an_s_and_readings_whose_l_it_read_as_i_or_t():
    """`TVA S,5`, `TVAS.5 %` are 5,5 %; `(réei, …)`, `(réet, …)` are real readings."""
    page = ocr_page((100, [(60, "Abonnement gaz (T2)"), (420, "16,51 € HT")]),
                    (110, [(62, "du 01/09/2023 au 30/09/2023 1 mois x 16.51 £/mois HT TVA S,5 au x")]),
                    (124, [(60, "Contribution tarifaire d'acheminement"), (420, "3,41 € HT")]),
                    (134, [(62, "du 01/09/2023 au 30/09/2023 20,8 % x 16.40€ TVAS.5 %")]))
    assert [i.vat_rate for i in read_items(build_document([page]))] == [5.5, 5.5]
    page = ocr_page((100, [(40, "Compteur Base 521 kWh")]),
                    (112, [(40, "Index de début 23960 (réet, 01/09/2023) Index de fin 24 481 (réei, 30/09/2023)")]))
    doc = build_document([page])
    assert [(r.start_nature, r.end_nature) for r in read_readings(doc, Sections(doc))] == [("reel", "reel")]


def test_an_unread_ttc_total_is_not_made_up_from_ht_and_vat_when_the_amount_to_pay_says_otherwise():
    """HT 83,37 € and VAT 14,80 € make 98,17 €, but the bill asks 56,61 €
    and nothing says an instalment was paid: its printed TTC total, unread,
    may be either. Asking 98,17 €, it is that."""
    def ttc(due: str) -> float | None:
        rows = [[(40, "Abonnement"), (220, "1 mois"), (300, "12,91 €/mois"), (420, "12,91 €"), (480, "5,5 %")],
                [(40, "Consommation"), (220, "500 kWh"), (300, "0,1409 €/kWh"), (420, "70,46 €"), (480, "20 %")],
                [(40, "Total HT"), (420, "83,37 €")], [(40, "TVA 5,5 % sur 12,91 €"), (420, "0,71 €")],
                [(40, "TVA 20 % sur 70,46 €"), (420, "14,09 €")], [(40, "Total TVA"), (420, "14,80 €")],
                [(40, "Montant à payer"), (420, due)]]
        return extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["total_ttc_eur"]

    assert ttc("56,61 €") is None
    assert ttc("98,17 €") == 98.17


def test_a_row_whose_unit_and_amount_comma_ocr_lost_is_read_by_its_product():
    """`Terme fixe électricité   29)   0,3153   914€`: 29 days at 0,3153 €
    make 9,14 €, the amount's comma lost."""
    page = ocr_page((100, [(40, "Terme fixe électricité"), (160, "30/11/24-28/12/24"), (260, "29)"), (330, "0,3153"),
                           (420, "914€"), (470, "A")]))
    [item] = read_items(build_document([page]))
    assert (item.kind, item.quantity, item.unit_price, item.amount, item.checked) == \
        ("subscription", 29.0, 0.3153, 9.14, True)


def test_a_detail_line_whose_du_ocr_misread_still_details_its_row():
    """`Gu 01/08/2024 au 31/08/2024 20.8 % x 17,77 € TVA 5,5 %` under the CTA
    row: two letters before a « … au … » range are its « du »; so is one
    after a mark (`&u`, the mark dropped as a speck)."""
    for du in ("Gu", "&u"):
        page = words_page([[(40, "Gaz")], [(40, "Contribution tarifaire d'acheminement"), (430, "3,70 € HT")],
                           [(40, f"{du} 01/08/2024 au 31/08/2024 20.8 % x 17,77 € TVA 5,5 %")]],
                          source="ocr", conf=0.9)
        doc = build_document([page])
        [cta] = read_items(doc, Sections(doc))
        assert (cta.kind, cta.amount, cta.vat_rate, str(cta.period_start)) == ("cta", 3.7, 5.5, "2024-08-01")


def test_the_indexes_dates_are_the_period_when_a_billed_line_prints_the_same():
    """The consumption line's dates unread, the readings' 01/08–31/08 alone are
    unsure; the subscription line billing the same dates bears them out. A
    subscription billed for the month ahead does not."""
    def period(subscription_dates):
        rows = [[(40, "Gaz")], [(40, "Compteur - Gaz"), (430, "21 m³")],
                [(40, "index de début"), (130, "11 998 (réel, 01/08/2024) index de fin 12 019 (réel, 31/08/2024)")],
                [(40, "Abonnement gaz (T2)"), (430, "17,14 € HT")],
                [(40, f"du {subscription_dates} 1 mois x 17,14 €/mois HT TVA 5,5 %")],
                [(40, "Biogaz et gaz vert"), (430, "14,11 € HT")], [(40, "225 kWh x 0,0627 €/kWh HT TVA 20 %")]]
        found = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["period"]
        return found["start"], found["end"]

    assert period("01/08/2024 au 31/08/2024") == ("2024-08-01", "2024-08-31")
    assert period("01/09/2024 au 30/09/2024") == (None, None)


def test_a_vat_rate_followed_by_a_speck_point():
    """`TVA 20.% appliquée à 63,28 €`: a speck between the rate and its `%`."""
    page = ocr_page((100, [(40, "TVA 20.% appliquée à 63,28 €"), (420, "12,66 €")]))
    assert [(r.rate, r.base, r.vat, r.checked) for r in read_vat_rows(build_document([page]))] == \
        [(20.0, 63.28, 12.66, True)]


def test_a_sentence_holding_a_whole_reading_cut_by_a_gap_takes_nothing_from_the_line_under():
    """`Gaz – index gaz du 04/03/25 : 37 615, index du 22/04/25 ‖ 37 647
    (réel)…`: OCR cut the sentence by a gap; the next sentence under it
    (`coefficient de conversion 11,12…`) is no wrapped cell of it, whose
    numbers would take the second date (the volume's unit misread, `32 ms`,
    does not tell the indexes)."""
    page = ocr_page(
        (100, [(40, "Gaz – index gaz du 04/03/25 : 37 615, index du 22/04/25"),
               (320, "37 647 (réel). Volume consommé 32 ms,")]),
        (109, [(40, "coefficient de conversion 11,12, soit 356 kWh.")]),
    )
    doc = build_document([page])
    readings = [(r.register, r.start_index, r.end_index, r.end_nature, r.energy)
                for r in read_readings(doc, Sections(doc))]
    assert readings == [("gaz", 37615, 37647, "reel", "gaz")]


def test_a_price_that_moves_with_the_regulated_tariff_is_indexed_on_it():
    """« Offre à prix indené : le prix du kWh HT évolue avec le TRVE »
    (`indexé` misread): the offer's price follows the regulated tariff, it
    is not that tariff. A regulated tariff's own price moving by decision
    is still regulated."""
    from tasks.extract.fields import pricing_candidates

    def kinds(text):
        page = words_page([[(40, text)]], source="ocr", conf=0.9)
        return {c.value for c in pricing_candidates(build_document([page]), None)[0]}

    assert kinds("Offre à prix indené : le prix du kWh HT évolue avec le TRVE.") == {"indexe"}
    assert kinds("Les prix du Tarif Bleu évoluent selon les décisions des pouvoirs publics.") == {"reglemente"}


def test_a_total_caption_whose_words_a_speck_point_joined_read_unsure():
    """`Total. HT` read at confidence 0 on a photo: the point is a speck."""
    from tasks.extract.fields import extract_totals

    page = ocr_page((100, [(300, "Total. HT"), (420, "108,68 €")]))
    page = replace(page, words=[replace(w, conf=0.0) if w.text in ("Total.", "HT") else w for w in page.words])
    assert [c.value for c in extract_totals(build_document([page]))["total_ht"]] == [108.68]


def test_a_coefficient_whose_unit_lost_its_three_and_a_volume_printed_without_caption():
    """`coefficient 11,15 KWh/m`: the unit's 3 lost (`kWh/mois` is no
    coefficient's). `Compteur - Gaz ‖ 70 m³` is the volume billed when the
    indexes (one misread: 670 m³) do not make the kWh with the coefficient
    and it does; with no coefficient read, a volume whose kWh per m³ no gas
    gives is unknown."""
    from tasks.extract.energy import gas_conversion

    def coefs(text):
        return [c.value for c in gas_conversion(build_document([ocr_page((100, [(40, text)]))]))["coef"]]

    assert coefs("Volume 1 684 m³ - coefficient 11,15 KWh/m - 18 777 kWh") == [11.15]
    assert coefs("Consommation moyenne 12,50 kWh/mois") == []
    # The unit garbled past reading (`kKWh/mÿ`): the word before the figure says it.
    assert coefs("Volume 159 m3 - coefficient 11,03 kKWh/mÿ - 1 754 kWh.") == [11.03]
    assert coefs("coefficient 1,25 appliqué") == []
    # Its comma read as a point before the caption in brackets, the m³ garbled: no eleven thousand.
    assert coefs("Conversion : 26 :w x 11.021 (coefficient de conversion) = 287 kWh") == [11.021, 11.021]

    def gas(coefficient):
        return extract_invoice([ocr_page(
            (60, [(40, "Votre facture de gaz - PCE 21462584317895")]),
            (100, [(40, "Compteur - Gaz"), (300, "70 m³")]),
            (110, [(40, "index de début 6296 (réel, 10/03/2024) index de fin 6966 (estimé, 09/04/2024)")]),
            (120, [(40, f"Coefficient de conversion : {coefficient} kWh/m³ - énergie consommée : 768 kWh")]),
            (140, [(40, "Consommation gaz du 10/03/2024 au 09/04/2024"), (300, "768 kWh"), (360, "0,0524"),
                   (420, "40,24 €"), (480, "20 %")]),
        )], strict=False)["gas"]

    found = gas("10,973")
    assert (found["consumption_m3"], found["consumption_kwh"], found["conversion_coefficient"]) == (70, 768, 10.973)
    found = gas("16,973")
    assert (found["consumption_m3"], found["conversion_coefficient"]) == (None, None)


def test_a_vat_row_whose_t_ocr_read_as_a_one_and_an_ht_total_one_digit_off_over_the_ttc():
    """`1VA 20 % sur …`: the row's T read as a 1. `Sous-total HT 312,02 €`
    over lines that make 112,02 € and a TTC total of 131,24 €: the HT read
    is one digit off their sum and more than the TTC, though one line's
    detail was not read. The same HT under a TTC total it fits stays."""
    page = ocr_page((100, [(40, "1VA 20 % sur 90,06 €"), (420, "18,01 €")]))
    assert [(r.rate, r.base, r.vat) for r in read_vat_rows(build_document([page]))] == [(20.0, 90.06, 18.01)]

    def total_ht(ttc):
        return extract_invoice([ocr_page(
            (60, [(40, "Facture d'électricité - PDL 21462584317895")]),
            (100, [(40, "Abonnement électricité"), (420, "12,02 € HT")]),
            (110, [(40, "du 02/09/2024 au 29/09/2024 28 jours x 0,4293 €/jour HT TVA 5,5 %")]),
            (125, [(40, "Consommation électricité"), (420, "100,00 € HT")]),
            (135, [(40, "du 02/09/2024 au 29/09/2024 500 kWh TVA 20 %")]),
            (150, [(40, "Sous-total HT"), (420, "312,02 €")]),
            (160, [(40, "Total TTC"), (420, ttc)]),
        )], strict=False)["total_ht_eur"]

    assert total_ht("131,24 €") == 112.02
    assert total_ht("374,42 €") == 312.02


def test_a_total_caption_that_lost_its_first_letters_and_an_offer_name_cut_after_a_figure():
    """`tal hors TVA ‖ 118,90 €`: « To » of the caption lost on a scan.
    `Contrat ‖ Plenifix 1 ‖ Gaz`: the duration's unit lost, the name is cut
    short; neither `Plenifix 1` nor the catalogue's shorter `Plenifix` is it."""
    from tasks.extract.fields import extract_offer, extract_totals

    page = ocr_page((100, [(300, "tal hors TVA"), (420, "118,90 €")]))
    assert [c.value for c in extract_totals(build_document([page]))["total_ht"]] == [118.9]
    page = ocr_page((100, [(40, "Contrat"), (120, "Plenifix 1"), (200, "Gaz"), (260, "Tarif d'acheminement : T2")]))
    assert extract_offer(build_document([page]), ["Plenifix", "Plenifix 1 an", "Plenifix 1 an Gaz"]) is None
    page = ocr_page((100, [(40, "Contrat"), (120, "Plenifix 1 an Gaz")]))
    assert extract_offer(build_document([page]), ["Plenifix", "Plenifix 1 an", "Plenifix 1 an Gaz"]).value == \
        "Plenifix 1 an Gaz"


def test_a_row_whose_amount_cell_ocr_could_not_read_counts_as_unknown_not_as_missing():
    """`Abonnement gaz ‖ 1 mois ‖ 7,48 €/mois ‖ JASR` over the same row
    with `7,48 €`: the first row's amount is unread, not absent. Its letters
    open no row of their own; the subscription is not the second row alone
    (7,48 € for 14,96 €): the row's computed amount is too unsure to stand
    unless the totals bear it out."""
    page = ocr_page(
        (60, [(40, "Votre facture de gaz - PCE 21462584317895")]),
        (90, [(40, "Gaz naturel")]),
        (100, [(40, "Abonnement gaz"), (200, "01/07/2025 31/07/2025"), (330, "1 mois"), (380, "7,48 €/mois"),
               (460, "JASR")]),
        (110, [(40, "Abonnement gaz"), (200, "01/08/2025 31/08/2025"), (330, "1 mois"), (380, "7,48 €/mois"),
               (460, "7,48 €"), (500, "20 %")]),
    )
    page = replace(page, words=[replace(w, conf=0.0) if w.text == "JASR" else w for w in page.words])
    doc = build_document([page])
    items = read_items(column_flow(doc), Sections(doc))
    assert [(i.amount, i.checked) for i in items] == [(7.48, False), (7.48, True)]
    assert extract_invoice([page], strict=False)["gas"]["subscription_eur"] is None

    def amounts(cell: str):
        garbled = replace(page, words=[replace(w, text=cell) if w.text == "JASR" else w for w in page.words])
        doc = build_document([garbled])
        return [(i.amount, i.checked) for i in read_items(column_flow(doc), Sections(doc))]

    # A lone digit among the letters (`Nig2re`) reads no more of the amount;
    # two digits together (`J4,8R`) may be a reading of it: not unread, no row.
    assert amounts("Nig2re") == [(7.48, False), (7.48, True)]
    assert amounts("J4,8R") == [(7.48, True)]


def test_a_client_number_that_is_the_delivery_points_number_is_dropped():
    """The client reference's tile garbled (`Ca885368`), the PDL printed
    in the tile under it taken for the client number: it is the PDL's. A
    client number of its own stays."""
    from tasks.extract.checks import check_references
    from tasks.extract.store import Candidate, Draft

    def client_number(value):
        d = Draft()
        d.set("electricity.pdl", Candidate("38238822122408", 0.9, 1, "ocr"))
        d.set("customer.client_number", Candidate(value, 0.8, 1, "ocr"))
        check_references(d)
        return d.conf("customer.client_number")

    assert client_number("38238822122408") == 0.0
    assert client_number("C4885368") == 0.8


def test_a_one_read_as_a_y_with_a_diaeresis_before_an_offers_year():
    """`Gaz Fixe Ÿ an`: a speck over the 1 of « 1 an »."""
    from tasks.extract.fields import _offer_reader

    assert _offer_reader("Gaz Fixe Ÿ an", ocr=True)[0] == "Gaz Fixe 1 an"


def test_a_price_read_with_a_digit_too_many_makes_the_amount_without_it():
    """`585 kWn ‖ 0.084230 ‖ 49,26 €`: 585 × 0,08423 is 49,27 €; without its
    extra `3`, 0,0842 makes 49,26 € to the cent."""
    page = ocr_page((100, [(40, "Part variable gaz"), (200, "585 kWh"), (300, "0.084230"), (380, "49,26 €"),
                           (440, "20 %")]))
    doc = build_document([page])
    assert [(i.unit_price, i.amount) for i in read_items(doc, Sections(doc))] == [(0.0842, 49.26)]


def test_a_price_one_digit_off_that_its_rounding_cannot_bring_to_the_amount():
    """`351 kWh ‖ 0.1479 ‖ 51,88 €`: 351 × 0,1479 is 51,91 €, which no
    rounding of a four-decimal price explains; 0,1478 makes 51,88 €. A
    price whose rounding explains the cent it is off stays as read."""
    def price(read, amount):
        page = ocr_page((100, [(40, "Biogaz et gaz vert"), (200, "351 kWh"), (300, read), (380, amount),
                               (440, "20 %")]))
        doc = build_document([page])
        return [i.unit_price for i in read_items(doc, Sections(doc))]

    assert price("0.1479", "51,88 €") == [0.1478]
    assert price("0.1478", "51,89 €") == [0.1478]


def test_a_price_fixed_for_a_time_is_the_offers_though_ocr_misread_prix():
    """« Paix fixe pendant 3 ans (jusqu'au 31/03/2027) »: Prix misread."""
    from tasks.extract.fields import pricing_candidates

    page = words_page([[(40, "Paix fixe pendant 3 ans (jusqu'au 31/03/2027), hors évolution des taxes")]],
                      source="ocr", conf=0.9)
    assert {c.value for c in pricing_candidates(build_document([page]), None)[0]} == {"fixe"}


def test_a_brands_energie_colon_captions_no_consumption_under_it_and_a_billed_line_is_no_second_reading():
    """`IBAN Mint Énergie : FR76 …` over `… électricité 1 644 kWh`: « Énergie
    : » captions a value on its own line only. Under a readings table, a
    billed line with the same dates (`Part variable Base ‖ 2 ‖ 07/05/2024
    au 21/06/2024 ‖ 354 kWh`, a speck for a first index) is no second
    reading of the register: the table's, which says its nature, stands."""
    from tasks.extract.energy import labelled_consumption

    page = ocr_page(
        (85, [(40, "Électricité")]),
        (100, [(40, "À régler par virement. IBAN Mint Énergie : FR76 3000 4936 7289 0544 5645 235")]),
        (110, [(40, "Consommation de référence annuelle : électricité 1 644 kWh.")]),
    )
    doc = build_document([page])
    assert labelled_consumption(doc, Sections(doc))["kwh_electricite"] == []
    page = ocr_page(
        (100, [(40, "Compteur"), (110, "Cadran"), (160, "Date ancien index"), (240, "Ancien index"),
               (300, "Date nouvel index"), (380, "Nouvel index Type"), (470, "Conso.")]),
        (110, [(40, "48765691396325"), (110, "Base"), (160, "07/05/2024"), (240, "11143 21/06/2024"),
               (380, "11497 R"), (470, "354 kWh")]),
        (125, [(40, "Part variable Base"), (130, "2"), (160, "07/05/2024 au 21/06/2024"), (280, "354 kWh"),
               (340, "0,17040"), (400, "60,32 €"), (460, "20%")]),
    )
    doc = build_document([page])
    assert [(r.start_index, r.end_index, r.end_nature) for r in read_readings(doc, Sections(doc))] == \
        [(11143, 11497, "reel")]


def test_a_consumption_rows_register_a_gap_apart_from_its_label_names_it():
    """`Électricité consommée ‖ Heurés Pleines ‖ … 285 kWh ‖ 0,1886 €/kWh ‖
    53,75 €`: OCR cut the label before its register; the row is the peak
    hours'. A cell of words that names no more (`Consommation ‖ Relevé`) is
    not taken into the label."""
    page = ocr_page(
        (100, [(40, "Électricité consommée"), (140, "Heurés Pleines"), (210, "01/10/25"), (250, "30/11/25"),
               (300, "285 kWh"), (350, "0,1886 €/kWh"), (420, "53,75 €")]),
        (115, [(40, "Électricité consommée - Heures Creuses"), (210, "01/10/25"), (250, "30/11/25"),
               (300, "215 kWh"), (350, "0,1398 €/kWh"), (420, "30,06 €")]),
        (130, [(40, "Consommation"), (140, "Relevé"), (210, "01/10/25"), (250, "30/11/25"),
               (300, "500 kWh"), (350, "0,1678 €/kWh"), (420, "83,90 €")]),
    )
    doc = build_document([page])
    assert [(i.kind, i.label) for i in read_items(doc, Sections(doc))] == [
        ("consumption_hp", "Électricité consommée Heurés Pleines"),
        ("consumption_hc", "Électricité consommée - Heures Creuses"), ("consumption", "Consommation")]


def test_a_conversion_line_whose_kwh_unit_ocr_garbled_is_read_by_its_product():
    """`Conversion : 350 nv x 11,245 (coefficuent de conversion) = 3 936 kWa`:
    both units garbled; 350 × 11,245 = 3 936 bears the line out. Figures
    that do not multiply out with garbled units read nothing."""
    from tasks.extract.energy import gas_conversion

    def read(text):
        found = gas_conversion(build_document([ocr_page((100, [(40, text)]))]))
        return [c.value for c in found["m3"]], [c.value for c in found["kwh"]]

    assert read("Conversion : 350 nv x 11,245 (coefficuent de conversion) = 3 936 kWa") == ([350], [3936])
    assert read("Conversion : 350 nv x 11,245 (coefficuent de conversion) = 3 836 kWa") == ([], [])


def test_a_heading_with_a_speck_after_it_opens_its_section():
    """`Gaz.`: a speck after the heading. The CTA under it, named by no
    energy of its own, is the gas's."""
    page = ocr_page((80, [(40, "Électricité")]),
                    (95, [(40, "Contribution tarifaire d'acheminement"), (400, "2,01 € HT")]),
                    (107, [(40, "du 01/05/2025 au 31/05/2025 21,93 % x 9,16 € TVA 5,5 %")]),
                    (125, [(40, "Gaz.")]),
                    (140, [(40, "Contribution tarifaire d'acheminement"), (400, "3,70 € HT")]),
                    (152, [(40, "du 01/05/2025 au 31/05/2025 20,8 % x 17,77 € TVA 5,5 %")]))
    doc = build_document([page])
    assert heading_energy("Gaz.") == "gaz" and heading_energy("Électricité :") == "electricite"
    assert [(i.amount, i.energy) for i in read_items(doc, Sections(doc))] == [(2.01, "electricite"), (3.70, "gaz")]


def test_a_dates_month_read_as_a_percent_is_not_the_lines_vat_rate():
    """`… au 30/0%/2024 1080 kWh x 0.01637 €/kWh HT TVA 20%` under the
    excise's row: its rate is 20 %, not the 0 % OCR made of the month."""
    page = ocr_page((100, [(40, "Accise sur le gaz naturel"), (400, "17,68 € HT")]),
                    (112, [(40, "du 01/08/2024 au 30/0%/2024 1080 kWh x 0.01637 €/kWh HT TVA 20%")]))
    doc = build_document([page])
    assert [(i.amount, i.vat_rate) for i in read_items(doc, Sections(doc))] == [(17.68, 20.0)]


def test_a_conversion_line_whose_cubic_metre_ocr_read_as_a_sign_is_read_by_its_product():
    """`Conversion : 30 m® x 11,26 (coefficient de conversion) = 338 kWh`."""
    from tasks.extract.energy import gas_conversion

    found = gas_conversion(build_document([ocr_page(
        (100, [(40, "Conversion : 30 m® x 11,26 (coefficient de conversion) = 338 kWh :")]))]))
    assert ([c.value for c in found["m3"]], [c.value for c in found["kwh"]]) == ([30], [338])


def test_captions_ocr_garbled_a_coefficient_a_subtotal_and_a_fixed_price():
    """`Cosffiaent de conversion : 11.27 kWh/mn°`, `Sous-total H1`, `Prix
    &xe pendant 2 ans`: the words around the garbled one say what it was."""
    from tasks.extract.energy import gas_conversion
    from tasks.extract.fields import extract_totals, pricing_candidates

    doc = build_document([ocr_page((100, [(40, "Cosffiaent de conversion : 11.27 kWh/mn° - énergie consommée : "
                                                "15 677 kWh")]))])
    assert [c.value for c in gas_conversion(doc)["coef"]] == [11.27]
    doc = build_document([ocr_page((100, [(250, "Sous-total H1"), (420, "448,60 €")]))])
    assert [c.value for c in extract_totals(doc)["total_ht"]] == [448.6]
    doc = build_document([ocr_page((100, [(40, "Prix &xe pendant 2 ans (jusqu'au 20/11/2026), hors évolution des "
                                                "taxes.")]))])
    assert {c.value for c in pricing_candidates(doc, None)[0]} == {"fixe"}
    doc = build_document([ocr_page((100, [(40, "Prix remisé pendant 1 an")]))])
    assert pricing_candidates(doc, None)[0] == []
    doc = build_document([ocr_page((100, [(297, "Ofire à prix"),
                                          (360, "ke : le prixdu kWh HT evoiue avec le TRVE.")]))])
    assert {c.value for c in pricing_candidates(doc, None)[0]} == {"indexe"}


def test_an_offer_name_ocr_mostly_guessed_is_unknown():
    """`Offre ‖ Gus Mio l'an` (« Gaz Fixe 1 an »), every word read unsure:
    no check can confirm a name, so a guess is no reading. One unsure word
    of two (`Gaz Équilibre`) is still a reading."""
    def offer(confs):
        words = ("Gus", "Mio", "l'an") if len(confs) == 3 else ("Gaz", "Équilibre")
        page = ocr_words_page([[("Offre", 0.95)]], x=40)
        page.words.extend(ocr_words_page([list(zip(words, confs))], x=200).words)
        found = extract_offer(build_document([page]), [])
        return found.value if found else None

    assert offer((0.29, 0.57, 0.53)) is None
    assert offer((0.9, 0.55)) == "Gaz Équilibre"


def test_an_offer_quoted_after_contrat_with_a_speck_between():
    """`votre contrat'« Flexi Watt - Heures Creuses »`: a speck read as a
    quote between the word and the quotation mark; the name is the quote's."""
    page = ocr_page((100, [(40, "Votre sociétariat et votre contrat'« Flexi Watt - Heures Creuses » : référence "
                                "client EC205387")]))
    assert extract_offer(build_document([page]), ["Flexi Watt"]).value == "Flexi Watt - Heures Creuses"


def test_a_coefficient_whose_comma_ocr_read_as_a_point_a_total_that_lost_a_letter_and_a_speck_after_a_word():
    """`coefficient de conversion 11.054 = 16 039 kWh`: 11,054, no eleven
    thousand. `Ttal hors TVA` is the HT total. `référence. client EC399461`:
    a speck after a whole word; `Courbevoie, le 25 novembre 2024` keeps its comma."""
    from tasks.extract.energy import gas_conversion
    from tasks.extract.fields import extract_invoice_date, extract_totals

    doc = build_document([ocr_page((100, [(40, "Volume 1451 m? » coefficient de conversion 11.054 = 16 039 kWh")]))])
    assert [c.value for c in gas_conversion(doc)["coef"]] == [11.054]
    doc = build_document([ocr_page((100, [(250, "Ttal hors TVA"), (420, "57,61 €")]))])
    assert [c.value for c in extract_totals(doc)["total_ht"]] == [57.61]
    doc = build_document([ocr_page((100, [(40, "votre contrat « Flexi Watt » : référence. client EC399461, "
                                                "point de")]))])
    assert extract_client_number(doc).value == "EC399461"
    doc = build_document([ocr_page((100, [(390, "Courbevoie, le 25 novembre 2024")]))])
    assert str(extract_invoice_date(doc).value) == "2024-11-25"


def test_an_offer_name_with_a_guessed_word_and_one_cut_by_a_wide_space():
    """`Électricité et Lee verts - Prix fixe`, `Lee` read at 0,30: a word
    guessed makes the name unknown. `Électricité ‖ verte fixe`, a wide
    space apart, is one name; a caption beside it (`Montant`) is not its end."""
    page = ocr_words_page([[("Offre", 0.95)]], x=40)
    page.words.extend(ocr_words_page([[("Électricité", 0.95), ("et", 0.95), ("Lee", 0.30), ("verts", 0.9),
                                       ("-", 0.9), ("Prix", 0.95), ("fixe", 0.95)]], x=200).words)
    assert extract_offer(build_document([page]), []) is None
    page = ocr_page((100, [(50, "OFFRE")]), (110, [(50, "Électricité"), (112, "verte fixe")]))
    assert extract_offer(build_document([page]), []).value == "Électricité verte fixe"
    page = ocr_page((100, [(50, "OFFRE")]), (110, [(50, "Électricité"), (112, "Montant")]))
    assert extract_offer(build_document([page]), []).value == "Électricité"


def test_an_offer_whose_first_word_was_taken_for_its_caption_is_the_catalogues_name():
    """`Offre Fixe lan`: « Offre » read as the caption, `Fixe 1 an` as the
    value; the catalogue's « Offre Fixe 1 an » starts with that word. A
    value that ends no catalogue name stays as read."""
    page = ocr_page((100, [(70, "C3618776"), (150, "12/02/2025"), (250, "Offre Fixe lan"), (420, "31,21 €")]))
    catalogue = ["Offre Classique", "Offre Fixe 1 an", "Offre Fixe 2 ans"]
    assert extract_offer(build_document([page]), catalogue).value == "Offre Fixe 1 an"
    page = ocr_page((100, [(70, "C3618776"), (150, "12/02/2025"), (250, "Offre Duo Vert"), (420, "31,21 €")]))
    assert extract_offer(build_document([page]), catalogue).value == "Duo Vert"


def test_three_letters_ocr_barely_believed_between_a_caption_and_its_value_are_a_speck():
    """`Total hors taxes ‖ CRE ‖ 244,66 €`, `CRE` read at 0,37: a speck, not
    another value that ends the caption's row. Read surely, it stays a word."""
    from tasks.extract.fields import extract_totals

    def total_ht(conf):
        words = [Word("Total", 251, 234, 272, 242, 0.95), Word("hors", 275, 234, 293, 242, 0.95),
                 Word("taxes", 296, 234, 318, 242, 0.95), Word("CRE", 360, 234, 375, 242, conf),
                 Word("244,66", 450, 234, 478, 242, 0.95), Word("€", 481, 234, 486, 242, 0.95)]
        doc = build_document([Page(number=1, width=595, height=842, words=words, source="ocr")])
        return [c.value for c in extract_totals(doc)["total_ht"]]

    assert total_ht(0.37) == [244.66]
    assert total_ht(0.9) == []


def test_an_offer_name_whose_space_after_et_ocr_lost():
    """`Électricité etbiogaz locaux - Prix fixe`: « et biogaz »; `être` and
    `éthique` start so, after an r or an h."""
    page = ocr_page((100, [(40, "Offre :"), (100, "Électricité etbiogaz locaux - Prix fixe")]))
    assert extract_offer(build_document([page]), []).value == "Électricité et biogaz locaux - Prix fixe"
    page = ocr_page((100, [(40, "Offre :"), (100, "Gaz ethique")]))
    assert extract_offer(build_document([page]), []).value == "Gaz ethique"


def test_an_offer_name_whose_last_letter_ocr_lost_at_the_lines_end():
    """`Électricité verte fix`: no French word is « fix »."""
    page = ocr_page((100, [(40, "Offre :"), (100, "Électricité verte fix")]))
    assert extract_offer(build_document([page]), []).value == "Électricité verte fixe"


def test_an_offer_whose_closing_quotation_mark_ocr_lost_and_a_brand_read_with_an_accent():
    """`votre contrat « Basic Watt ‖ référence client …`: the name without
    its opening mark. `Plenitudé Variable Électricité`: Plenitude never
    carries an accent."""
    page = ocr_page((100, [(57, "Votre sociétariat et votre contrat « Basic Watt"),
                           (330, "référence client EC613909")]))
    assert extract_offer(build_document([page]), []).value == "Basic Watt"
    page = ocr_page((100, [(49, "Contrat : Plenitudé Variable Électricité")]))
    assert extract_offer(build_document([page]), []).value == "Plenitude Variable Électricité"


def test_cells_wrapped_round_a_row_whose_label_a_speck_stretched_are_its_own():
    """A narrow table on a scan: the quantity `6 179` wrapped as `6` over
    `179`, the price `1,637 c€/` over `kWh`, around the row of `TICGN`,
    whose box a speck stretched a line down (its middle no longer the
    row's), and `c€/` read `c€!` in the row above."""
    boxes = [("Libellé", 44.6, 79.7, 69.4, 84.7), ("Du", 265.4, 79.9, 274.8, 85.0), ("Au", 316.1, 80.2, 325.2, 85.0),
             ("Qté", 373.7, 79.9, 386.4, 85.7), ("Unité", 394.6, 79.9, 414.2, 85.0), ("PU", 449.3, 80.2, 458.4, 85.0),
             ("HT", 462.7, 79.9, 472.1, 85.0), ("Montant", 492.0, 79.9, 524.4, 85.0), ("TVA", 537.8, 80.2, 552.0, 85.0),
             ("Gaz", 43.7, 98.2, 59.0, 104.2), ("naturel", 62.6, 98.2, 93.1, 104.2),
             ("6", 382.8, 139.7, 386.6, 145.7), ("6,840", 436.8, 139.7, 458.2, 145.9),
             ("c€!", 461.3, 139.7, 473.0, 146.2),
             ("Energie", 43.9, 143.8, 72.5, 151.2), ("gaz", 75.4, 145.4, 88.3, 151.2),
             ("01/12/2024", 264.5, 144.0, 308.4, 150.2), ("31/01/2025", 315.8, 144.0, 358.8, 150.2),
             ("kWh", 393.8, 144.2, 410.2, 150.0), ("422,64€", 491.0, 144.2, 524.2, 150.5),
             ("20%", 533.5, 144.2, 552.2, 150.2), ("179", 373.9, 148.3, 386.6, 154.3),
             ("kWh", 456.2, 148.6, 472.1, 154.3),
             ("6", 382.6, 164.4, 386.6, 170.2), ("1,637", 437.5, 164.2, 457.9, 170.6),
             ("c€/", 461.5, 163.9, 473.0, 170.4),
             ("TICGN", 43.7, 167.8, 66.7, 180.7), ("01/12/2024", 264.7, 169.0, 308.4, 175.9),
             ("31/01/2025", 315.8, 168.7, 358.8, 175.2), ("179", 373.9, 173.3, 386.6, 179.3),
             ("kWh", 393.8, 169.2, 410.2, 174.7), ("kWh", 456.2, 173.5, 472.1, 179.3),
             ("101,15€", 491.8, 169.2, 523.9, 176.2), ("20%", 533.5, 169.0, 552.5, 175.0)]
    words = [Word(text, x0, y0, x1, y1, 0.93) for text, x0, y0, x1, y1 in boxes]
    doc = build_document([Page(number=2, width=595.0, height=842.0, words=words, source="ocr")])
    assert [(i.kind, i.quantity, i.unit_price, i.amount) for i in read_items(doc, Sections(doc))] == \
        [("consumption", 6179, 0.0684, 422.64), ("accise", 6179, 0.01637, 101.15)]


def test_a_percent_sign_read_as_two_letters_under_its_rate_is_the_rates():
    """A narrow VAT cell wrapped `5,5` over `%`, the sign read `Yo` on the
    line of the CTA's wrapped base (`… 21,93 % x` / `13,59 €`): that line is
    the row's remainder, so the CTA has its base and its rate."""
    label = [("Contribution", 47.8, 94.6), ("Tarifaire", 97.7, 127.9), ("d'Acheminement", 130.8, 195.4),
             ("-", 198.5, 201.4), ("21,93", 205.0, 225.8), ("%", 229.0, 235.7), ("x", 239.5, 243.8)]
    words = [Word(t, x0, 229.9, x1, 236.2, 0.92) for t, x0, x1 in label]
    words += [Word("16/06/2025", 271.0, 234.7, 313.4, 241.2, 0.96),
              Word("31/07/2025", 320.9, 234.7, 363.8, 241.0, 0.91),
              Word("2.98", 502.6, 234.7, 518.6, 241.2, 0.84), Word("€", 521.8, 234.7, 525.8, 240.7, 0.96),
              Word("5,5", 542.4, 229.9, 553.4, 242.2, 0.95),
              Word("13,59", 48.5, 238.8, 68.9, 245.5, 0.96), Word("€", 72.0, 238.8, 76.1, 244.8, 0.96)]
    sign = Word("Yo", 548.6, 239.3, 553.7, 244.8, 0.53)
    read = [(i.kind, i.amount, i.vat_rate, i.checked)
            for i in read_items(build_document([Page(1, 595.0, 842.0, words + [sign], source="ocr")]))]
    assert read == [("cta", 2.98, 5.5, True)]
    assert read_items(build_document([Page(1, 595.0, 842.0, words + [replace(sign, text="Ye")], source="ocr")])) == []


def test_letters_a_speck_made_before_a_vat_rows_sign_hide_no_row_on_a_scan():
    """`TVA à 20 Le%` on a photo is the 20 % row; a text layer's words are as printed."""
    rows = [(120, [(47, "TVA à 5,5 %"), (180, "20,84 €"), (296, "1,15 €")]),
            (134, [(47, "TVA à 20 Le%"), (176, "156,56 €"), (291, "31,31 €")])]
    got = [(r.rate, r.base, r.vat) for r in read_vat_rows(build_document([ocr_page(*rows)]))]
    assert got == [(5.5, 20.84, 1.15), (20.0, 156.56, 31.31)]
    text = words_page([[(47, "TVA à 20 Le%"), (176, "156,56 €"), (291, "31,31 €")]])
    assert read_vat_rows(build_document([text])) == []


def test_a_scans_kwh_row_with_its_price_and_a_rate_that_lost_its_sign_is_a_row():
    """`+. kWh ‖ 5,930 c€/kWh ‖ 219,59 € ‖ 20`: the kWh unread, the VAT
    cell's `%` lost; a price a kWh can cost makes it a row of the detail.
    A footer's figures (a SIRET, a capital) make no row."""
    page = ocr_page((282, [(47, "Énergie gaz"), (260, "01/10/2025 30/11/2025"), (366, "+. kWh"),
                           (415, "5,930 c€/kWh"), (483, "219,59 €"), (532, "20")]),
                    (306, [(46, "TICGN"), (260, "01/10/2025 30/11/2025"), (366, "kWh"), (415, "1,543 c€/kWh"),
                           (488, "57,14 €"), (532, "20")]),
                    (331, [(46, "Abonnement gaz"), (260, "01/10/2025 30/11/2025"), (488, "40,14 €"), (532, "20")]),
                    (813, [(127, "OHM Énergie SAS - SIRET 91235124400756 - Capital 2 162 09 € - 22")]))
    got = [(i.kind, i.unit_price, i.amount, i.vat_rate) for i in read_items(build_document([page]))]
    assert got == [("consumption", 0.0593, 219.59, None), ("accise", 0.01543, 57.14, None)]


def test_a_narrow_cells_quantity_that_lost_its_thousands_and_a_rate_with_its_sign_apart():
    """`017 kWh ‖ 11,900 ‖ 240,02 € ‖ 20 ‖ %`: a quantity opening with a
    zero lost its thousands (2 017 kWh), the price its `c€/kWh`: the one
    placement that makes the amount is the reading; the rate's sign stacked
    in a cell of its own is still the rate's."""
    def row(quantity: str, sign: str) -> tuple:
        cells = [(44, "Énergie Heures Pleines"), (262, "28/03/2024 27/03/2025"), (370, f"{quantity} kWh"),
                 (433, "11,900"), (491, "240,02 €"), (533, "20"), (547, sign)]
        item = read_items(build_document([words_page([cells], source="ocr", conf=0.92)]))[0]
        return item.quantity, item.unit_price, item.amount, item.vat_rate, item.checked

    assert row("017", "%") == (2017, 0.119, 240.02, 20.0, True)
    assert row("17", "%")[0] == 17 and not row("17", "%")[4]  # no sign of a lost group
    assert row("017", "Ye")[3] is None


def test_a_scans_gas_column_whose_amounts_lost_their_commas():
    """Vattenfall's gas column on a scan: `Consommation de gaz ‖ 2106€ 20%`
    (an energy's name and an amount without comma: a row, not a heading),
    `Accise ‖ gaz naturel ‖ 553€` over a wrapped date (a date is no value
    ending a first row), `CTA ‖ 358€` over `20.8RE % x 17.20` (the rate, its
    sign misread, times the base makes the amount in cents)."""
    page = words_page([
        [(306, "Consommation de gaz"), (478, "2106€ 20%")],
        [(306, "01/06/2025 - 30/06/2025 322 kWh x")],
        [(306, "0,06540 €/kWh")],
        [(306, "Accise"), (337, "gaz naturel"), (483, "553€"), (514, "20%")],
        [(306, "01/06/2025 - 30/06/2025 322 kWh x")],
        [(307, "17.16 €/MWh")],
        [(306, "CTA"), (483, "358€ 5,5%")],
        [(306, "01/06/2025 - 30/06/2025"), (407, "20.8RE % x 17.20")],
    ], source="ocr", conf=0.92, line_gap=11.0)
    got = [(i.kind, i.amount, i.quantity, i.unit_price, i.checked) for i in read_items(build_document([page]))]
    assert got == [("consumption", 21.06, 322, 0.0654, True), ("accise", 5.53, 322, 0.01716, True),
                   ("cta", 3.58, None, 17.2, True)]


def test_a_date_is_no_value_that_ends_a_first_row_on_a_line():
    """`Accise 01/06/2025- ‖ gaz naturel ‖ 553€` (a wrapped date merged into
    the label's cell): one row; `Abonnement ‖ 17,36 € ‖ Consommation …`
    after an amount: two."""
    from tasks.extract.lines import split_subrows

    def rows(*cells: tuple[float, str]) -> int:
        return len(split_subrows(build_document([words_page([list(cells)], source="ocr", conf=0.9)]).lines[0]))

    assert rows((306, "Accise 01/06/2025-"), (405, "gaz naturel"), (483, "553€"), (514, "20%")) == 1
    assert rows((60, "Abonnement"), (235, "16,57 €"), (306, "Consommation de gaz"), (478, "21,06 €")) == 2


def test_a_price_whose_unit_ocr_garbled_makes_an_amount_that_lost_its_comma():
    """`Consommation de gaz ‖ 4606€ 20%` over `570 kWh x` and `0,08080
    G/kWwh`: 570 × 0,0808 is 46,06, the amount in cents: both settled."""
    page = words_page([[(306, "Consommation de gaz"), (478, "4606€ 20%")],
                       [(306, "05/05/2025 - 23/06/2025 : 570 kWh x")], [(306, "0,08080 G/kWwh")]],
                      source="ocr", conf=0.92, line_gap=10.0)
    got = [(i.amount, i.quantity, i.unit_price, i.checked) for i in read_items(build_document([page]))]
    assert got == [(46.06, 570, 0.0808, True)]


def test_a_cta_whose_amount_lost_its_comma_is_read_by_its_detail_line():
    """`CTA ‖ 119€ 5,5%` over `… 20,8 % x 5,71€`: 20,8 % of 5,71 € is 1,19 €."""
    page = words_page([[(306, "CTA"), (483, "119€ 5,5%")], [(306, "03/08/2023 - 08/09/2023 20,8 % x 5,71€")]],
                      source="ocr", conf=0.92, line_gap=11.0)
    assert [(i.kind, i.amount, i.checked) for i in read_items(build_document([page]))] == [("cta", 1.19, True)]


def test_a_row_labels_end_a_gap_apart_that_names_the_energy_is_the_labels():
    """`Consommation de ‖ gaz ‖ 65,70€ 20%` under no heading: the label's end,
    OCR cut off by a wide space, says the row bills gas."""
    page = words_page([[(306, "Consommation de"), (402, "gaz"), (478, "65,70€ 20%")],
                       [(306, "01/11/2023 - 30/11/2023 1 108 kWh x")], [(306, "0,05930 €/kWh")]],
                      source="ocr", conf=0.92, line_gap=10.0)
    got = [(i.kind, i.energy, i.amount, i.checked) for i in read_items(build_document([page]))]
    assert got == [("consumption", "gaz", 65.7, True)]


def test_peak_hours_indexes_without_off_peak_make_no_total():
    """An HP/HC bill whose off-peak indexes OCR could not read: the peak
    register's difference is its own consumption, not the bill's."""
    rows = [[(40, "Point de livraison (PDL)"), (200, "99186010621473")],
            [(40, "Option tarifaire : Heures Pleines / Heures Creuses")],
            [(44, "Heures Pleines"), (138, "27/07/2024"), (224, "30 245 26/07/2025"), (342, "31 615 Relevé Enedis"),
             (512, "1 370 kWh")],
            [(44, "Heures Creuses"), (138, "27/07/2024"), (224, "10671 26/07/2025"), (342, "12°067 Relevé Enedis")]]
    found = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["electricity"]
    assert (found["consumption_hp_kwh"], found["consumption_kwh"]) == (1370, None)


_HC_ONLY = [
    [(40, "Point de livraison (PDL)"), (200, "24250555708099")],
    [(40, "Abonnement 366 jours x 0,3909 €/jour"), (420, "143,07 €"), (500, "5,5 %")],
    [(40, "Consommation heures pleines"), (420, "550,210"), (500, "20 %")],
    [(40, "Consommation heures creuses 3 352 kWh x 0,13240 €/kWh"), (420, "443,80 €"), (500, "20 %")],
]
_EXCISE = [
    [(40, "Accise électricité 545 kWh x 1,00 €/MWh"), (420, "0,55 €"), (500, "20 %")],
    [(40, "Accise électricité 5 888 kWh x 21,00 €/MWh"), (420, "123,65 €"), (500, "20 %")],
]


def test_off_peak_lines_without_peak_ones_make_no_total():
    """The peak-hours line lost (its amount misread, its columns read
    interleaved with the next table's): the off-peak line's kWh are its
    register's, not the bill's consumption; the option is still HP/HC. The
    excise lines' kWh, read apart, still make the total."""
    found = extract_invoice([words_page(_HC_ONLY, source="ocr", conf=0.9)], strict=False)["electricity"]
    assert (found["consumption_kwh"], found["consumption_hc_kwh"], found["tariff_option"]) == (None, 3352, "hphc")
    found = extract_invoice([words_page(_HC_ONLY + _EXCISE, source="ocr", conf=0.9)], strict=False)["electricity"]
    assert (found["consumption_kwh"], found["consumption_hc_kwh"]) == (6433, 3352)


def test_a_labelled_total_of_no_known_energy_counts_when_the_excise_lines_bear_it_out():
    """`Consommation de la période : 6 433 kWh` under a heading OCR lost: the
    excise lines' kWh (545 + 5 888) make it the electricity's, against a
    consumption line misread `6 483 kWh`. Borne out by nothing, it is left
    unplaced: it could be either energy's, or a yearly estimate."""
    rows = [_HC_ONLY[0], [(40, "Consommation de la période : 6 433 kWh")], _HC_ONLY[1],
            [(40, "Consommation 6 483 kWh"), (420, "1 149,39 €"), (500, "20 %")]]
    found = extract_invoice([words_page(rows + _EXCISE, source="ocr", conf=0.9)], strict=False)["electricity"]
    assert found["consumption_kwh"] == 6433
    found = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["electricity"]
    assert found["consumption_kwh"] == 6483


def test_a_labels_end_wrapped_under_values_read_on_a_line_of_their_own_names_the_register():
    """A landscape scan's detail table: `Consommation électricité Heures`
    read a line above its values, `Creuses` (and `Pieines`, its l read as
    an i) under them. The label joined to its values, the line under the
    values still ends the label and names the register."""
    rows = [(160, [(454, "Libellé"), (599, "Du"), (645, "Au"), (691, "Quantité"), (735, "Prix unitaire HT"),
                   (800, "Montant HT")]),
            (176, [(454, "Consommation électricité Heures")]),
            (180, [(600, "22/10/2023 22/11/2023"), (698, "57 kWh"), (739, "28,93 c€/kWh"), (809, "16,49 €")]),
            (185, [(454, "Pieines")]),
            (198, [(454, "Consommation électricité Heures")]),
            (202, [(600, "22/10/2023 22/11/2023"), (698, "37 kWh"), (739, "21,46 c€/kWh"), (813, "7,94 €")]),
            (206, [(454, "Creuses")])]
    page = ocr_page(*rows, size=6.0)
    page.width, page.height = 842.0, 595.0
    got = [(i.kind, i.quantity, i.amount) for i in read_items(build_document([page]))]
    assert got == [("consumption_hp", 57, 16.49), ("consumption_hc", 37, 7.94)]


_BARE_HEADER = [(40, "Désignation"), (200, "Période"), (300, "Quantité (kWh)"), (370, "Prix unitaire HT (€)"),
                (470, "Montant HT (€) TVA (%)")]
_BARE_ROWS = [
    [(40, "Consommation HP"), (200, "01.03.2025 - 30.04.2025"), (320, "4 340"), (380, "0,1677"), (475, "727,82"),
     (540, "20")],
    [(40, "Contribution Tarifaire d'Acheminement"), (200, "01.03.2025 - 30.04.2025"), (480, "4,98"), (540, "5,5")],
]


def test_header_cells_printed_too_close_are_told_apart_by_their_units():
    """`Montant HT (€) TVA (%)`: two header cells too close for a gap to
    part them. The bare numbers under each are the amount and the VAT
    rate: a CTA row (no quantity, no price) takes its amount from the
    amount column, not its 5,5 % rate."""
    doc = build_document([words_page([_BARE_HEADER, *_BARE_ROWS])])
    items = [(i.kind, i.amount, i.vat_rate, i.period_start) for i in read_items(doc, Sections(doc))]
    assert items == [("consumption_hp", 727.82, 20.0, date(2025, 3, 1)), ("cta", 4.98, 5.5, date(2025, 3, 1))]


def test_a_section_row_inside_a_table_keeps_its_columns():
    """`Électricité` printed as a row right under the table's header: the
    rows under it are still read by the header's columns (a CTA row of
    bare numbers has its amount only from its column)."""
    header = [(40, "Désignation"), (200, "Période"), (300, "Quantité (kWh)"), (370, "Prix unitaire HT (€)"),
              (470, "Montant HT (€)"), (540, "TVA (%)")]
    doc = build_document([words_page([header, [(40, "Électricité")], *_BARE_ROWS])])
    items = [(i.kind, i.amount, i.vat_rate, i.energy) for i in read_items(doc, Sections(doc))]
    assert items == [("consumption_hp", 727.82, 20.0, "electricite"), ("cta", 4.98, 5.5, "electricite")]


def test_readings_rows_without_dates_take_the_dates_their_heading_gives():
    """`Heures Pleines ‖ 58 059 réel ‖ 58 257 estimé ‖ 198` under a heading
    that dates the readings (`relevés du 06.09.2023 et du 24.10.2023`): the
    indexes are the pair whose difference the row prints, each with its
    nature; a row whose numbers do not add up is no reading."""
    page = words_page([
        [(40, "Vos index électricité – relevés du 06.09.2023 et du 24.10.2023")],
        [(40, "Relevé"), (200, "Ancien index"), (300, "Nouvel index"), (400, "Consommation (kWh)")],
        [(40, "Heures Pleines"), (200, "58 059 réel"), (300, "58 257 estimé"), (420, "198")],
        [(40, "Heures Creuses"), (200, "31 002 réel"), (300, "31 100 réel"), (420, "98")],
        [(40, "Base"), (200, "1 000 réel"), (300, "1 200 réel"), (420, "150")],
    ])
    doc = build_document([page])
    readings = [(r.register, r.start_date, r.end_date, r.start_index, r.end_index, r.start_nature, r.end_nature,
                 r.energy) for r in read_readings(doc, Sections(doc))]
    assert readings == [
        ("hp", date(2023, 9, 6), date(2023, 10, 24), 58059, 58257, "reel", "estime", "electricite"),
        ("hc", date(2023, 9, 6), date(2023, 10, 24), 31002, 31100, "reel", "reel", "electricite"),
    ]


def test_readings_rows_without_dates_anywhere_have_unknown_dates():
    """No date by the rows nor in their heading: the reading is read, its
    dates unknown (never guessed); a gas table's heading without dates
    does not take the electricity table's."""
    page = words_page([
        [(40, "Vos index électricité – relevés du 06.09.2023 et du 24.10.2023")],
        [(40, "Relevé"), (200, "Ancien index"), (300, "Nouvel index"), (400, "Consommation (kWh)")],
        [(40, "Heures Pleines"), (200, "58 059 réel"), (300, "58 257 estimé"), (420, "198")],
        [(40, "Vos index gaz")],
        [(40, "Relevé"), (200, "Ancien index"), (300, "Nouvel index"), (400, "Consommation (m³)")],
        [(40, "Gaz"), (200, "16 480 réel"), (300, "16 542 estimé"), (420, "62")],
    ])
    doc = build_document([page])
    readings = [(r.register, r.start_date, r.end_date, r.start_index, r.end_nature, r.energy, r.unit)
                for r in read_readings(doc, Sections(doc))]
    assert readings == [("hp", date(2023, 9, 6), date(2023, 10, 24), 58059, "estime", "electricite", "kWh"),
                        ("gaz", None, None, 16480, "estime", "gaz", "m3")]


def test_a_rate_after_an_amount_under_the_amount_header_is_the_vat_rate():
    """The VAT column's header unread (a scan): `727,82 ‖ 20` and `4,98 ‖
    5,5` both fall under `Montant HT (€)`. An amount prints its cents, the
    rate after it none: the CTA's amount is 4,98, not its 5,5 % rate."""
    header = [(40, "Désignation"), (200, "Période"), (300, "Quantité (kWh)"), (370, "Prix unitaire HT (€)"),
              (470, "Montant HT (€)")]
    doc = build_document([words_page([header, *_BARE_ROWS])])
    items = [(i.kind, i.amount, i.vat_rate) for i in read_items(doc, Sections(doc))]
    assert items == [("consumption_hp", 727.82, 20.0), ("cta", 4.98, 5.5)]


def test_readings_under_a_dating_heading_whose_table_header_was_unread():
    """On a photo, OCR lost the table's header (white on colour): under the
    heading that dates the readings, a row whose indexes make the
    consumption it prints is still a reading; one whose first index lost a
    group of digits (`449` for 6 449) adds up to nothing and is no reading."""
    page = ocr_page(
        (100, [(40, "Vos index électricité - relevés du 01.10.2023 et du 31.10.2023")]),
        (115, [(40, "Heures Pleines"), (200, "449 réel"), (300, "6 540 réel"), (420, "91")]),
        (130, [(40, "Heures Creuses"), (200, "46 644 réel"), (300, "46 723 estimé"), (420, "79")]),
    )
    doc = build_document([page])
    readings = [(r.register, r.start_date, r.end_date, r.start_index, r.end_index, r.end_nature)
                for r in read_readings(doc, Sections(doc))]
    assert readings == [("hc", date(2023, 10, 1), date(2023, 10, 31), 46644, 46723, "estime")]


def test_a_date_ocr_broke_under_the_period_header_is_no_amount_and_the_table_goes_on():
    """A scan: the subscription's period wrapped and broke (`31.03 2024`,
    its last dot read as a space), its amount cell unread (`D`). The broken
    date under `Période` is no amount (31,03 € would be wrong); the row,
    unread, still holds the table open for the rows under it."""
    header = [(40, "Désignation"), (200, "Période"), (300, "Quantité (kWh)"), (370, "Prix unitaire HT (€)"),
              (470, "Montant HT (€)"), (540, "TVA (%)")]
    page = ocr_page(
        (100, header), (112, [(40, "Électricité")]),
        (124, [(40, "ce"), (200, "01.03.2024"), (250, "-")]),
        (136, [(40, "Abonnement électricité (par mois)"), (200, "31.03 2024"), (330, "1"), (420, "9,41"),
               (490, "D"), (540, "5,5")]),
        (148, [(200, "31.03 2024")]),
        (160, [(40, "Fe"), (200, "01.03.2024"), (250, "-")]),
        (172, [(40, "Contribution Tarifaire d'Acheminement"), (200, "01.03.2024 - 31.03.2024"), (480, "1,83"),
               (540, "5,5")]),
    )
    doc = build_document([page])
    items = [(i.kind, i.amount, i.vat_rate) for i in read_items(doc, Sections(doc))]
    assert items == [("cta", 1.83, 5.5)]


def test_details_under_rows_whose_units_ocr_misread_still_give_quantity_and_price():
    """A scan of rows printed over their detail (`Abonnement ‖ 21,41 €` over
    `10/12/2025 - 28/01/2026 - 50 jours x 0,4281 €/jour`): the dash after the
    period separates it from the quantity (no minus sign), and with the
    units misread (`iours`, `€four`, `E/MWh`, a speck in `1 097. kWh`) the
    numbers that make the row's amount are still its quantity and price."""
    page = ocr_page(
        (100, [(40, "Électricité")]),
        (112, [(40, "Abonnement"), (400, "21,41 €")]),
        (122, [(40, "10/12/2025 - 28/01P2026 - 50 iours x 0,4281 €four")]),
        (136, [(40, "Consommation heures pleines"), (400, "60,27 €")]),
        (146, [(40, "16/12/2025 - 28/01/2026 - 501 KW} x 0.12030 €/kWA")]),
        (160, [(40, "Accise électricité"), (400, "32,89 €")]),
        (170, [(40, "19/12/2025 - 28/01/2026 - 1 097. kWh x 29,98 E/MWh")]),
    )
    doc = build_document([page])
    items = [(i.kind, i.quantity, i.unit_price, i.amount, i.checked) for i in read_items(doc, Sections(doc))]
    assert items == [("subscription", 50, 0.4281, 21.41, True), ("consumption_hp", 501, 0.1203, 60.27, True),
                     ("accise", 1097, 0.02998, 32.89, True)]


def test_an_amount_that_lost_its_comma_and_a_digit_is_no_amount():
    """A scan: `27,23` read `2123` under `Montant (EUR)` beside `1 mois ‖
    27,23 EUR/mois`. No comma placed in it makes quantity × price: the
    product stands in for it, as unsure as an unread cell (the bill's
    totals must bear it out), never 2 123 €."""
    page = ocr_page(
        (100, [(40, "Désignation"), (200, "Quantité"), (270, "P.U. HT"), (370, "Montant (EUR)"), (450, "TVA")]),
        (112, [(40, "Abo. élec. 30 kVA"), (200, "1 mois"), (270, "27,23 EUR/mois"), (380, "2123"), (450, "5,5%")]),
        (124, [(40, "Conso. élec. Base"), (200, "129 kWh"), (270, "0,16350 EUR/kWh"), (380, "21,09"),
               (450, "20%")]),
    )
    doc = build_document([page])
    items = read_items(doc, Sections(doc))
    assert [(i.kind, i.amount, i.checked) for i in items] == [("subscription", 27.23, False),
                                                               ("consumption", 21.09, True)]
    assert items[0].conf <= 0.3


def test_an_amount_that_lost_a_digit_is_no_amount():
    """A scan: `11,75` read `1,75` beside `1 mois ‖ 11,75 €/mois`. The
    product stands in, as unsure as an unread cell, never 1,75 €; an
    amount that differs otherwise (a prorata) stays as printed."""
    def first(amount):
        page = ocr_page(
            (100, [(40, "Désignation"), (200, "Quantité"), (270, "Prix unitaire"), (370, "Montant HT"),
                   (450, "TVA")]),
            (112, [(40, "Abonnement 6 kVA"), (200, "1 mois"), (270, "11,75 €/mois"), (380, amount), (450, "5,5%")]),
        )
        doc = build_document([page])
        item = read_items(doc, Sections(doc))[0]
        return item.amount, item.checked, item.conf <= 0.3

    assert first("1,75") == (11.75, False, True)
    assert first("8,25") == (8.25, False, False)


def test_a_conversion_line_whose_cubic_metres_ocr_read_as_square_ones():
    """`370 m2 x 11,093 = 4 104 kWh`: the ³ read as a 2; the product says
    what the figures are. A product that does not make the kWh, no conversion."""
    from tasks.extract.energy import gas_conversion

    def values(text):
        found = gas_conversion(build_document([ocr_page((100, [(40, text)]))]))
        return [[c.value for c in found[k]] for k in ("m3", "coef", "kwh")]

    assert values("conversion : 370 m2 x 11,093 = 4 104 kWh") == [[370], [11.093], [4104]]
    assert values("conversion : 370 m2 x 11,093 = 4 904 kWh") == [[], [], []]


def test_a_conversion_line_cut_where_ocr_lost_its_equals_sign_is_read_whole():
    """`… volume x coefficient de conversion ‖ 171 m' x 10,779 ‖ 1 843 kWh`:
    the `=` lost, the line cut in cells there. Read whole, 171 × 10,779 makes
    the 1 843 kWh after it; figures that do not are no conversion."""
    from tasks.extract.energy import gas_conversion

    def read(kwh):
        found = gas_conversion(build_document([ocr_page((100, [
            (40, "Quantité d'énergie = volume x coefficient de conversion"), (300, "171 m' x 10,779"),
            (420, kwh)]))]))
        return [c.value for c in found["m3"]], [c.value for c in found["coef"]], [c.value for c in found["kwh"]]

    assert read("1 843 kWh") == ([171], [10.779], [1843])
    assert read("1 943 kWh") == ([], [], [])


def test_a_phone_numbers_pairs_are_no_meter_readings():
    """`Service Clients, 09 78 63 54 97` under the readings' legend: 63 − 9
    is 54, printed after them, yet a phone number holds no indexes."""
    page = ocr_page(
        (100, [(40, "Nature des index : Réel = relevé par le distributeur ; Estimé = calculé")]),
        (112, [(40, "Réclamations : Service Clients, 09 78 63 54 97. Si votre réclamation")]),
    )
    doc = build_document([page])
    assert read_readings(doc, Sections(doc)) == []


def test_a_volume_one_cubic_metre_off_the_printed_one_gives_way_to_it():
    """A photo: the end index `22 009` read `22 008`, so the indexes make
    198 m³ where the bill prints `199 m³`. 198 × 11,26 comes within 1,2 % of
    the 2 241 kWh billed, yet only 199 makes them within a m³'s rounding."""
    from tasks.extract.energy import makes_kwh

    assert makes_kwh(198, 11.26, 2241) and not makes_kwh(198, 11.26, 2241, exactly=True)
    assert makes_kwh(199, 11.26, 2241, exactly=True)
    page = ocr_page(
        (80, [(40, "Gaz naturel - PCE GI372488")]),
        (95, [(40, "Compteur - Gaz"), (300, "199 m³")]),
        (107, [(40, "Index de début 21 810 (réel, 01/12/2023) Index de fin 22 008 (réel, 31/12/2023)")]),
        (119, [(40, "Coefficient de conversion : 11,26 kWh/m³ - énergie consommée : 2 241 kWh")]),
    )
    assert extract_invoice([page])["gas"]["consumption_m3"] == 199


def test_rows_of_bare_numbers_whose_amounts_lost_their_commas_without_a_header():
    """A photo of a table that prints its units only in its header, the
    header unread: `39 ‖ 0,4162 ‖ 1623 ‖ 5,5`. The whole number that the
    two before it make in cents is the amount (16,23 €); a row whose
    numbers make no such product reads nothing."""
    page = ocr_page(
        (100, [(40, "Électricité")]),
        (112, [(40, "Abonnement électricité (par jour)"), (200, "31.07.2024 - 07.09.2024"), (330, "39"),
               (370, "0,4162"), (430, "1623"), (480, "5,5")]),
        (124, [(40, "Fourniture d'électricité HP"), (200, "31.07.2024 - 07.09.2024"), (330, "397"),
               (370, "0.1687"), (430, "6697"), (480, "20")]),
        (136, [(40, "Fourniture d'électricité HC"), (200, "31.07.2024 - 07.09.2024"), (330, "45"),
               (370, "0.1252"), (430, "5731"), (480, "20")]),
    )
    doc = build_document([page])
    assert [(i.kind, i.quantity, i.unit_price, i.amount) for i in read_items(doc, Sections(doc))] == [
        ("subscription", 39, 0.4162, 16.23), ("consumption_hp", 397, 0.1687, 66.97)]


def test_a_speck_by_an_index_thousands_space_does_not_cut_it():
    """A scan of readings in a sentence: `index base du 25/09/25 : 45. 407,
    index du 16/11/25 : 45 685 (réel)`. The point is a speck: the start
    index is 45 407, not 45 then 407."""
    page = ocr_page(
        (100, [(40, "Électricité – index base du 25/09/25 : 45. 407, index du 16/11/25 : 45 685 (réel).")]),
        (112, [(40, "Consommation : 278 kWh")]),
    )
    doc = build_document([page])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.end_nature) == (45407, 45685, "reel")


def test_a_sidebars_wrapped_word_beside_a_labelled_row_is_no_label_of_that_row():
    """A scan of a page whose left sidebar wraps « Consommation annuelle de
    référence : 19 873 » onto « kWh » just above the summary's « Montant à
    régler ‖ 186,44 € »: the row opens with its own label, so the fragment
    left of it is the sidebar's, not a billed line labelled « kWh »."""
    def word(text, x0, y0, x1, y1):
        return Word(text, x0, y0, x1, y1, 0.95)

    words = [word("Consommation", 49, 362, 100, 369), word("annuelle", 102, 362, 130, 369),
             word("de", 132, 362, 140, 369), word("référence", 142, 362, 175, 369), word(":", 177, 362, 179, 369),
             word("19", 181, 362, 189, 369), word("873", 191, 362, 203, 369),
             word("Total", 246, 362, 265, 369), word("TTC", 267, 362, 282, 369),
             word("186,44", 493, 362, 518, 369), word("€", 520, 362, 524, 369),
             word("kWh", 49, 373, 64, 379),
             word("Montant", 246, 377, 276, 386), word("à", 278, 377, 282, 386), word("régler", 284, 377, 307, 386),
             word("186,44", 488, 377, 516, 386), word("€", 518, 377, 523, 386)]
    doc = build_document([Page(number=1, width=595.0, height=842.0, words=words, source="ocr")])
    assert [item.label for item in read_items(doc) if item.label == "kWh"] == []
    # OCR put the sidebar's `kWh` on the row's own line: a unit alone labels nothing either.
    level = [replace(w, y0=377, y1=386) if w.text == "kWh" else w for w in words]
    doc = build_document([Page(number=1, width=595.0, height=842.0, words=level, source="ocr")])
    assert [item.label for item in read_items(doc) if item.label == "kWh"] == []


def test_a_header_whose_cells_ocr_made_one_is_cut_at_each_columns_name():
    """`Quantité Prix unitaire HT Montant HT (€)` read as one cell on a scan:
    each capitalised column name opens a cell again, so the bare amounts
    under `Montant HT` are amounts (not quantities under `Quantité`, which
    made a CTA's base its amount); `Montant TVA` and `Total TTC` stay one
    column each."""
    from tasks.extract.lines import _header_names

    rows = [
        [(40, "Désignation"), (200, "Quantité Prix unitaire HT Montant HT (€)"), (380, "TVA")],
        [(40, "Part abonnement 9 kVA"), (200, "2 mois"), (245, "12,42 €/mois"), (325, "24,84"), (380, "5,5 %")],
        [(40, "Contribution tarifaire d'acheminement (21,93 % x 21,12 €)"), (325, "4,63"), (380, "5,5 %")],
    ]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert _header_names(doc.lines[0]) == ["label", "quantity", "unit_price", "amount", "vat"]
    items = read_items(doc)
    assert [(i.kind, i.quantity, i.amount) for i in items] == [("subscription", 2, 24.84), ("cta", None, 4.63)]
    for text in ("Montant TVA", "Total TTC", "Prix unitaire"):
        assert len(_header_names(build_document([words_page([[(40, "Taux"), (200, text)]])]).lines[0])) == 2


def test_a_tax_row_whose_label_head_was_lost_is_no_second_consumption():
    """`Accise` wrapped onto a line of its own that OCR garbled: the row left
    reads `sur l'électricité ‖ 489 kWh ‖ 0,100 c€/kWh ‖ 0,49 €`, which its
    energy's name made a consumption (the bill's kWh then counted twice).
    No energy sells at 0,1 c€/kWh, and it taxes the very kWh billed above."""
    rows = [
        [(40, "Fourniture d'énergie Base"), (250, "489 kWh"), (330, "173,80 €/MWh"), (450, "84,99 €")],
        [(40, "sur l'électricité"), (250, "489 kWh"), (330, "0,100 c€/kWh"), (450, "0,49 €")],
    ]
    items = read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert [(i.kind, i.quantity) for i in items] == [("consumption", 489), ("accise", 489)]
    # A cheap energy line billing other kWh than the rest stays a consumption.
    rows[1] = [(40, "Énergie"), (250, "120 kWh"), (330, "0,0350 €/kWh"), (450, "4,20 €")]
    items = read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))
    assert [i.kind for i in items] == ["consumption", "consumption"]


def test_a_figure_with_another_unit_near_the_coefficients_caption_is_no_coefficient():
    """`277 m³ x 10,96 (coefficient de conversion) =` with `Puissance maximale
    atteinte : 12,5 kVA` on the line under it (a photo of a two-column page):
    12,5 kVA is in the coefficients' range but is a power, and competing with
    10,96 it left the coefficient out."""
    from tasks.extract.energy import gas_conversion

    rows = [[(40, "14/01/2024 : 277 m³ x 10,96 (coefficient de conversion) =")],
            [(40, "Puissance maximale atteinte sur la période : 12,5 kVA.")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [c.value for c in gas_conversion(doc)["coef"]] == [10.96]


def test_a_paragraph_of_prose_ending_on_a_figure_is_no_billed_row():
    """A photo wrapped a legal notice so that its line ends on `2,50`, its
    `€/mois` on the next line: « … indemnité forfaitaire pour frais de
    recouvrement de 40 € … : 2,50 » is no recovery fee of 2,50 €."""
    page = ocr_page(
        (94, [(40, "Désignation"), (300, "Quantité"), (380, "Prix unitaire"), (480, "Montant HT")]),
        (102, [(40, "Accise sur l'électricité"), (300, "318 kWh"), (380, "0,02100 €/kWh"), (480, "6,68 €")]),
        (110, [(38, "d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement de 40 € (clients "
                    "professionnels uniquement). Protégez votre budget avec l'option Mint Sérénité (assurance "
                    "facture) : 2,50")]),
        (117, [(38, "€/mois.")]),
        size=5.5)
    doc = build_document([page])
    assert [i.kind for i in read_items(doc, Sections(doc))] == ["accise"]


def test_a_subtotal_whose_l_ocr_read_as_an_i_is_no_billed_line():
    """« Sous-totai gaz naturel HT ‖ 205,80 € » (a scan's `l` read `i`) under
    the lines it adds up: a subtotal, not one more line."""
    rows = [[(40, "Désignation"), (300, "Quantité"), (400, "Prix unitaire HT"), (500, "Montant HT")],
            [(40, "Consommation gaz naturel"), (300, "2 306 kWh"), (400, "0,06304 €/kWh"), (500, "145,37 €")],
            [(40, "Accise sur le gaz naturel"), (300, "2 306 kWh"), (400, "0,01683 €/kWh"), (500, "38,81 €")],
            [(40, "Sous-totai gaz naturel HT"), (500, "184,18 €")],
            [(40, "Totai HT"), (500, "184,18 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [i.amount for i in read_items(doc)] == [145.37, 38.81]


def test_a_cta_rows_base_and_rate_in_cells_of_their_own_make_its_amount_whose_comma_ocr_lost():
    """« CTA ‖ 26-02-2024 ‖ 22-04-2024 ‖ 14,40 € ‖ 21,93 % ‖ 316€ ‖ 5,5 % »
    on a scan: the base (in the quantity's column) at the rate (in the
    price's) makes 3,16 €, the amount read without its comma. Not when
    they do not make it."""
    def amounts(amount):
        rows = [[(40, "Désignation"), (150, "Du"), (210, "Au"), (290, "Quantité"), (360, "Prix unitaire HT"),
                 (450, "Montant HT"), (520, "TVA")],
                [(40, "CTA"), (150, "26-02-2024"), (210, "22-04-2024"), (290, "14,40 €"), (370, "21,93 %"),
                 (460, amount), (520, "5,5 %")]]
        return [i.amount for i in read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))]

    assert amounts("316€") == [3.16]
    assert amounts("3,16 €") == [3.16]
    assert amounts("317€") == [317.0]


def test_prose_a_gap_cut_into_cells_is_no_billed_row():
    """A photo cut a legal notice where its `;` was (`… d'intérêt légal ‖ pour
    les professionnels, une indemnité forfaitaire de 40 €`): no cell holds
    twenty words, the line does, and it bills no recovery fee of 40 €."""
    page = ocr_page(
        (94, [(40, "Désignation"), (300, "Quantité"), (380, "Prix unitaire"), (480, "Montant HT")]),
        (102, [(40, "Accise sur l'électricité"), (300, "318 kWh"), (380, "0,02100 €/kWh"), (480, "6,68 €")]),
        (110, [(38, "Tout retard de paiement entraîne l'application de pénalités au taux de trois fois le "
                    "taux d'intérêt légal"),
               (330, "pour les professionnels, une indemnité forfaitaire de 40 €")]),
        (117, [(38, "pour frais de recouvrement.")]),
        size=5.5)
    doc = build_document([page])
    assert [[s.text for s in line.segments] for line in doc.lines][2][1].startswith("pour les professionnels")
    assert [i.kind for i in read_items(doc, Sections(doc))] == ["accise"]


def test_a_unit_price_vat_included_beside_the_ht_one_is_not_the_rows_price():
    """`PU HT ‖ PU TTC` (a Primeo-style detail): the price under `PU TTC` is
    the HT one plus VAT, no price of the row; with the header lost (a scan),
    of the two prices the row's is the one its quantity makes the amount with."""
    from tasks.extract.lines import _header_names

    header = [(40, "Désignation"), (200, "Quantité"), (260, "PU HT"), (330, "PU TTC"), (400, "Montant HT"),
              (470, "TVA")]
    row = [(40, "Consommation HP"), (200, "248 kWh"), (250, "18,77 c€/kWh"), (320, "22,52 c€/kWh"),
           (400, "46,55 €"), (470, "20 %")]
    doc = build_document([words_page([header, row])])
    assert _header_names(doc.lines[0]) == ["label", "quantity", "unit_price", "unit_price_ttc", "amount", "vat"]
    for rows in ([header, row], [row]):
        items = read_items(build_document([words_page(rows, source="ocr", conf=0.9)]))
        assert [(i.kind, i.quantity, i.unit_price, i.amount) for i in items] == [("consumption_hp", 248, 0.1877, 46.55)]


def test_the_end_of_a_label_wrapped_under_its_row_names_the_register():
    """`Fourniture d'électricité Heures` over the row's values over `pleines`:
    the label's last word, wrapped under the row at the label's left, makes it
    the HP row (its price the HP price), not a Base consumption."""
    rows = [
        [(40, "Désignation"), (180, "Période"), (290, "Quantité"), (350, "PU HT"), (450, "Montant HT")],
        [(40, "Fourniture d'électricité Heures")],
        [(180, "13/10/2023 – 26/11/2023"), (290, "875 kWh"), (350, "0,1753 €/kWh"), (450, "153,39 €")],
        [(40, "pleines")],
        [(40, "Fourniture d'électricité Heures")],
        [(180, "13/10/2023 – 26/11/2023"), (290, "147 kWh"), (350, "0,1300 €/kWh"), (450, "19,11 €")],
        [(40, "creuses")],
    ]
    items = read_items(build_document([words_page(rows, line_gap=10)]))
    assert [(i.kind, i.quantity, i.unit_price) for i in items] == [("consumption_hp", 875, 0.1753),
                                                                    ("consumption_hc", 147, 0.13)]
    # `Contribution Tarifaire` over its values over `d'Acheminement (21,93 % × 15,60 €)`: the
    # formula's base, wrapped with the label's end, is no row billing 15,60 €.
    rows[4:] = [[(40, "Contribution Tarifaire")],
                [(180, "13/10/2023 – 26/11/2023"), (450, "3,42 €")],
                [(40, "d'Acheminement (21,93 % × 15,60 €)")]]
    items = read_items(build_document([words_page(rows, line_gap=10)]))
    assert [(i.kind, i.amount) for i in items] == [("consumption_hp", 153.39), ("cta", 3.42)]
    assert items[1].label == "Contribution Tarifaire d'Acheminement (21,93 % × 15,60 €)"


def test_an_index_marked_with_an_asterisk_takes_its_nature_from_the_legend():
    """`20 089*` in a readings table whose legend says `Les index suivis d'un
    astérisque (*) sont estimés ; les autres sont des index réels`: the marked
    index is estimated, the unmarked ones real. Without such a legend an
    asterisk says nothing and an unmarked index has no nature."""
    rows = [
        [(40, "Relevés")],
        [(40, "Cadran"), (150, "Date de début"), (230, "Index de début"), (300, "Date de fin"), (370, "Index de fin"),
         (450, "Consommation")],
        [(40, "Heures Pleines"), (150, "18/07/2024"), (240, "45 978"), (300, "05/09/2024"), (380, "46 304*"),
         (460, "326 kWh")],
        [(40, "Heures Creuses"), (150, "18/07/2024"), (240, "31 645"), (300, "05/09/2024"), (380, "31 886"),
         (460, "241 kWh")],
        [(40, "Les index suivis d'un astérisque (*) sont estimés ; les autres sont des index réels.")],
    ]
    doc = build_document([words_page(rows)])
    assert [(r.register, r.end_index, r.start_nature, r.end_nature) for r in read_readings(doc, Sections(doc))] == [
        ("hp", 46304, "reel", "estime"), ("hc", 31886, "reel", "reel")]
    doc = build_document([words_page(rows[:-1])])
    assert [(r.end_index, r.end_nature) for r in read_readings(doc, Sections(doc))] == [(46304, None), (31886, None)]
    # A scan read the legend's « réels » as `réets`.
    rows[-1] = [(40, "Les index suivis d'un astérisque (*} sont estimés; les autres sont des index réets.")]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [r.end_nature for r in read_readings(doc, Sections(doc))] == ["estime", "reel"]


def test_a_glued_header_cell_and_a_quantity_of_one_glued_to_its_unit_keep_the_row():
    """A photo read `PU HT. MontantHT` (the amount's column name glued to its
    « HT ») and `lmois` (« 1 mois », its 1 read as an l, glued to its unit):
    the amount's column is still its own, and `lmois` opens no row of its
    own, so the subscription keeps its label and its amount."""
    from tasks.extract.lines import _header_names

    rows = [
        [(40, "Désignation"), (260, "Période"), (330, "Quantité"), (380, "PU HT. MontantHT"), (500, "TVA")],
        [(40, "Abonnement gaz naturel"), (260, "01/06-30/06"), (330, "lmois"), (375, "15,80€/mois"),
         (445, "15,80€"), (510, "5,5%")],
    ]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert _header_names(doc.lines[0]) == ["label", "period", "quantity", "unit_price", "amount", "vat"]
    items = read_items(doc)
    assert [(i.label, i.kind, i.amount, i.vat_rate) for i in items] == [
        ("Abonnement gaz naturel", "subscription", 15.8, 5.5)]


def test_a_vat_exemption_in_its_column_opens_no_row_of_its_own():
    """`Majoration pour retard de paiement ‖ 14,84 € ‖ 14,84 € ‖ Non soumis`
    (a scan that lost the quantity): « Non soumis » is the VAT column's, not
    a second row cut from the first, so the fee stays a row of the table."""
    page = ocr_page(
        (94, [(40, "Désignation"), (200, "Période"), (300, "Quantité"), (370, "PU HT"), (430, "Montant HT"),
              (510, "TVA")]),
        (104, [(40, "Majoration pour retard de paiement"), (370, "14,84 €"), (440, "14,84 €"), (505, "Non soumis")]))
    doc = build_document([page])
    assert [(i.kind, i.amount, i.vat_exempt) for i in read_items(doc, Sections(doc))] == [("fee", 14.84, True)]


def test_a_priced_row_worded_votre_consommation_is_a_billed_line():
    """`Votre consommation Base ‖ 412 kWh ‖ 0,12070 €/kWh ‖ 49,73 €`: the
    possessive that opens captions (`Votre contrat`) opens a billed line here."""
    rows = [[(40, "Libellé"), (200, "Quantité"), (280, "Prix unitaire HT"), (380, "Montant HT")],
            [(40, "Votre consommation Base"), (200, "412 kWh"), (280, "0,12070 €/kWh"), (380, "49,73 €")],
            [(40, "Votre consommation HP"), (200, "1.085 kWh"), (280, "0,1142 €/kWh"), (380, "123,91 €")],
            [(40, "Votre contrat"), (200, "12 mois"), (380, "24,00 €")]]
    doc = build_document([words_page(rows)])
    items = read_items(doc, Sections(doc))
    assert [(i.kind, i.amount) for i in items] == [("consumption", 49.73), ("consumption_hp", 123.91)]


def test_a_ttc_column_header_read_tic_on_a_scan_is_no_line_amount():
    """`Montant TIC`: OCR read TTC's second T as an I. The column is still the
    TTC one, and a line's amount is the HT cell before it."""
    rows = [[(40, "Libellé"), (150, "Quantité"), (220, "Prix unitaire HT"), (310, "Montant HT"), (380, "TVA"),
             (430, "Montant TIC")],
            [(40, "Abonnement 6 kVA"), (150, "2 mois"), (220, "10,03 €/mois"), (310, "20,06 €"), (380, "20 %"),
             (430, "24,07 €")],
            [(40, "CTA"), (310, "3,76 €"), (380, "20 %"), (430, "4,51 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [(i.kind, i.amount) for i in read_items(doc, Sections(doc))] == [("subscription", 20.06), ("cta", 3.76)]


def test_an_offer_name_wrapped_in_its_cell_is_read_whole_and_the_next_rows_value_is_not_its_end():
    """`Offre` halfway down a narrow right-aligned cell that wraps
    `Plüm Duo Coopératif` / `Fixe`: the piece flush under the value ends the
    name. The next row's value, its caption beside it, does not."""
    cells = [("Titulaire", 301, 320), ("M. Yannick Gérard", 470, 330), ("Plüm Duo Coopératif", 461, 343),
             ("Offre", 301, 348), ("Total HT", 43, 353), ("1.935,25 €", 246, 353), ("Fixe", 524, 354),
             ("Option tarifaire", 301, 370), ("Base", 530, 370)]
    words = []
    for text, x, y in cells:
        for token in text.split():
            words.append(Word(token, x, y, x + len(token) * 4.5, y + 9, 1.0))
            x += len(token) * 4.5 + 2.2
    page = Page(number=1, width=595.0, height=842.0, words=words, source="text")
    assert extract_offer(build_document([page]), []).value == "Plüm Duo Coopératif Fixe"
    # The caption level with the first piece, the other column's line between the two pieces.
    cells = [("offre", 301, 320), ("Plüm Coopérative", 474, 320), ("Total HT", 43, 325), ("62,04 €", 260, 324),
             ("Indexée", 518, 330)]
    words = []
    for text, x, y in cells:
        for token in text.split():
            words.append(Word(token, x, y, x + len(token) * 4.5, y + 8, 0.95))
            x += len(token) * 4.5 + 2.2
    page = Page(number=1, width=595.0, height=842.0, words=words, source="text")
    assert extract_offer(build_document([page]), []).value == "Plüm Coopérative Indexée"
    rows = [[(300, "Offre"), (461, "Plüm Coopérative")], [(300, "Option tarifaire"), (530, "Base")]]
    assert extract_offer(build_document([words_page(rows)]), []).value == "Plüm Coopérative"


def test_a_header_cell_whose_space_ocr_lost_still_names_its_column():
    """`MontantHT` (and `MontantTTC`): OCR lost the space in the header cell;
    it still names the HT column, and a line's amount is not its TTC cell."""
    for ht, ttc in (("MontantHT", "Montant TTC"), ("Montant HT", "MontantTTC")):
        rows = [[(40, "Libellé"), (150, "Quantité"), (220, "Prix unitaire HT"), (310, ht), (380, "TVA"),
                 (430, ttc)],
                [(40, "Part fixe (abonnement) 6 kW"), (150, "12 mois"), (220, "9,56 €/mois"), (310, "114,72€"),
                 (380, "5,5%"), (430, "121,03 €")]]
        doc = build_document([words_page(rows, source="ocr", conf=0.9)])
        assert [(i.kind, i.amount) for i in read_items(doc, Sections(doc))] == [("subscription", 114.72)], ht


def _cells_page(cells, conf=1.0):
    words = []
    for text, x, y in cells:
        for token in text.split():
            words.append(Word(token, x, y, x + len(token) * 4.5, y + 9, conf))
            x += len(token) * 4.5 + 2.2
    return Page(number=1, width=595.0, height=842.0, words=words, source="text")


def test_an_offer_caption_glued_after_the_other_columns_amount_and_its_wrapped_value():
    """Two columns a narrow gutter apart: the left one's amount and the right
    one's caption come as one cell (`38,33 € Offre`); the offer beside it,
    wrapped, ends under it (`Fixe 2` / `ans`)."""
    cells = [("Total hors taxes", 43, 323), ("38,33 € Offre", 260, 323), ("Plüm Biogaz Fixe", 477, 320)]
    assert extract_offer(build_document([_cells_page(cells)]), []).value == "Plüm Biogaz Fixe"
    cells = [("Total HT", 43, 323), ("104,16 € Offre", 255, 323), ("Plüm Coopérative Fixe 2", 445, 320),
             ("ans", 535.3, 330), ("TVA", 43, 341), ("17,86 €", 264, 341)]
    assert extract_offer(build_document([_cells_page(cells)]), []).value == "Plüm Coopérative Fixe 2 ans"
    # `Fixe` / `ans`: the years went with a speck, the name is unknown.
    cells = [("Offre", 301, 323), ("Plüm Coopérative Fixe", 445, 320), ("ans", 521.4, 330)]
    assert extract_offer(build_document([_cells_page(cells)]), []) is None


def test_a_rows_ttc_cell_after_its_amount_under_a_header_whose_ttc_cell_ocr_garbled():
    """`Montantnc`: the TTC header cell garbled, the row's last amount is its
    TTC. The amount before it that quantity × price makes is the line's."""
    rows = [[(40, "Libellé"), (150, "Quantité"), (220, "Prix unitaire HT"), (310, "Montant HT"), (380, "TVA"),
             (430, "Montantnc")],
            [(40, "Abonnement 15 kW"), (150, "12 mois"), (220, "16,50 €/mois"), (310, "198,00€"),
             (380, "5,5%"), (430, "208,89 €")],
            [(40, "Énergie consommée Base"), (150, "2.095 kWh"), (220, "0,16580 €/kWh"), (310, "347,35€"),
             (380, "20%"), (430, "416,82 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    items = read_items(doc, Sections(doc))
    assert [(i.kind, i.amount, i.checked) for i in items] == [("subscription", 198.0, True),
                                                             ("consumption", 347.35, True)]
    # On a scan the TTC cell drifted out of its column and the quantity lost
    # its unit (`35 ‖ 0,5576 €/jour`): the bare number before the amounts.
    W = Word
    words = [W("Libellé", 43, 73, 65, 78, 0.96), W("Période", 198, 73, 223, 78, 0.96),
             W("Quantité", 321, 73, 350, 79, 0.96), W("Prix", 367, 73, 378, 78, 0.97),
             W("unitaire", 382, 73, 407, 78, 0.96), W("HT", 410, 73, 419, 78, 0.86),
             W("Montant", 430, 73, 457, 78, 0.96),
             W("HT", 460, 73, 469, 78, 0.97), W("TVA", 486, 73, 499, 78, 0.81), W("Montant", 510, 73, 537, 78, 0.96),
             W("TTC", 540, 73, 552, 78, 0.85), W("Gaz", 43, 90, 57, 96, 0.96), W("naturel", 60, 90, 88, 96, 0.96),
             W("Part", 43, 106, 57, 112, 0.97), W("fixe", 60, 106, 73, 112, 0.96),
             W("(abonnement)", 76, 106, 129, 112, 0.96), W("gaz", 132, 107, 145, 113, 0.96),
             W("T2", 147, 106, 156, 112, 0.97), W("09/04/2025", 198, 106, 240, 112, 0.93),
             W("-", 243, 109, 245, 110, 0.93),
             W("13/05/2025", 249, 106, 291, 112, 0.97), W("35", 337, 106, 350, 113, 0.75),
             W("0,5576", 369, 106, 393, 112, 0.93), W("€/jour", 397, 106, 419, 115, 0.76),
             W("19,52€", 441, 106, 469, 112, 0.89), W("5,5%", 478, 106, 498, 112, 0.81),
             W("20,59", 524, 106, 545, 112, 0.94), W("€", 548, 106, 552, 111, 0.94)]
    doc = build_document([Page(number=3, width=595.44, height=841.58, words=words, source="ocr")])
    [item] = read_items(doc, Sections(doc))
    assert (item.quantity, item.amount, item.checked) == (35, 19.52, True)


def test_a_band_naming_the_energy_then_its_contract_is_a_heading():
    # `Électricité · Contrat 1234567-01 · PDL …` opens the electricity's detail…
    assert heading_energy("Électricité · Contrat 4577382-01 · PDL 58582557540268") == "electricite"
    assert heading_energy("Gaz naturel · Contrat 4577382-02 · PCE 23317345174881") == "gaz"
    assert heading_energy("Gaz naturel | Contrat 4577382-02") == "gaz"
    # … a tagline listing the energies sold opens no section.
    assert heading_energy("Électricité · Gaz naturel · Gaz en citerne") is False


def test_a_sous_total_ht_closing_each_group_of_lines_is_not_the_bills_total():
    """A detail grouped by VAT rate closes each group with « Sous-total HT »:
    two of them with different amounts are the groups', the bill's total HT
    is the summary's « Montant hors taxes »; one alone still is the bill's."""
    from tasks.extract.fields import extract_totals

    rows = [
        [(40, "Montant hors taxes"), (300, "43,86 €")],
        [(40, "Montant TVA"), (300, "6,53 €")],
        [(40, "Soumis à TVA 5,5 %")],
        [(40, "Abonnement gaz T1"), (200, "2 mois"), (300, "15,46 €")],
        [(40, "Sous-total HT"), (300, "15,46 €")],
        [(40, "Soumis à TVA 20 %")],
        [(40, "Consommation gaz naturel"), (200, "280 kWh"), (300, "25,47 €")],
        [(40, "Accise gaz"), (200, "280 kWh"), (300, "2,93 €")],
        [(40, "Sous-total HT"), (300, "28,40 €")],
    ]
    page = words_page(rows)
    assert [c.value for c in extract_totals(build_document([page]))["total_ht"]] == [43.86]
    page = words_page([[(40, "Consommation Base"), (300, "43,86 €")], [(40, "Sous-total HT"), (300, "43,86 €")]])
    assert [c.value for c in extract_totals(build_document([page]))["total_ht"]] == [43.86]


def test_a_cta_label_wrapped_in_a_narrow_column_keeps_the_energy_it_names():
    """A dual bill's detail grouped by VAT rate in a narrow half page: the
    CTA's label wraps, its energy and formula under its values
    (`Contribution Tarifaire d'Acheminement ‖ … ‖ 3,53 €` / `gaz (20,8 % ×` /
    `16,95 €)`): the line is the gas's, the other the electricity's."""
    from tasks.extract.invoice import _energy_by_elimination
    from tasks.extract.lines import read_items

    rows = [
        [(40, "Soumis à TVA 5,5 %")],
        [(40, "Libellé"), (170, "Du"), (215, "Au"), (260, "Quantité"), (330, "Montant HT")],
        [(40, "Abonnement électricité 3 kVA"), (170, "01/04/2025"), (215, "30/04/2025"), (260, "1 mois"),
         (330, "7,14 €")],
        [(40, "Contribution Tarifaire"), (170, "01/04/2025"), (215, "30/04/2025"), (330, "1,20 €")],
        [(40, "d'Acheminement électricité")],
        [(40, "(21,93 % × 5,46 €)")],
        [(40, "Abonnement gaz T2"), (170, "01/04/2025"), (215, "30/04/2025"), (260, "1 mois"), (330, "16,18 €")],
        [(40, "Contribution Tarifaire d'Acheminement"), (170, "01/04/2025"), (215, "30/04/2025"), (330, "3,53 €")],
        [(40, "gaz (20,8 % ×")],
        [(40, "16,95 €)")],
    ]
    doc = build_document([words_page(rows, line_gap=11)])
    items = read_items(doc, Sections(doc))
    ctas = [(i.amount, i.energy) for i in items if i.kind == "cta"]
    assert ctas == [(1.2, "electricite"), (3.53, "gaz")]
    # One CTA whose energy went unread beside the other energy's: the remaining energy's.
    for i in items:
        if i.amount == 3.53:
            i.energy = None
    _energy_by_elimination(items, ["electricite", "gaz"])
    assert [(i.amount, i.energy) for i in items if i.kind == "cta"] == [(1.2, "electricite"), (3.53, "gaz")]


# --- a meter changed during the period --------------------------------------------------

def _change_rows(readings):
    return [(r.register, r.start_date, r.end_date, r.start_index, r.removal_index, r.install_index, r.end_index,
             r.change_date, r.end_nature, r.delta) for r in readings]


def test_a_meter_change_row_reads_both_meters_and_its_consumption_spans_them():
    """`Index début ‖ Index dépose ‖ Index pose ‖ Index fin` dated under the
    header, one row per register (its caption wrapped around it: `Heures` over
    the indexes over `Pleines`): the old meter's start and removal indexes,
    the new meter's installation and end indexes, the nature of the end
    index; what the indexes say was used is what both meters counted, the
    row's printed consumption (end - start would be negative)."""
    page = words_page([
        [(35, "Électricité – Point de livraison (PDL) 47832788541427")],
        [(35, "Changement de compteur le 03/11/2023 : dépose du compteur n° 68859926328149, pose du compteur n° "
              "54366128320102.")],
        [(72, "Index début"), (145, "Index dépose"), (221, "Index pose"), (292, "Index fin")],
        [(38, "Cadran"), (361, "Consommation")],
        [(72, "(01/10/2023)"), (145, "(03/11/2023)"), (221, "(03/11/2023)"), (292, "(30/09/2024)")],
        [(39, "Heures")],
        [(115, "36 089"), (190, "36 471"), (265, "29"), (310, "1 033 (Estimé)"), (382, "1 386 kWh")],
        [(39, "Pleines")],
        [(39, "Heures")],
        [(115, "16 145"), (190, "16 917"), (265, "0"), (310, "413 (Estimé)"), (382, "1 185 kWh")],
        [(39, "Creuses")],
        [(35, "Consommation : 2 571 kWh dont Heures Pleines 1 386 kWh et Heures Creuses 1 185 kWh.")],
    ])
    doc = build_document([page])
    readings = read_readings(doc, Sections(doc))
    change = (date(2023, 10, 1), date(2024, 9, 30))
    assert _change_rows(readings) == [
        ("hp", *change, 36089, 36471, 29, 1033, date(2023, 11, 3), "estime", 1386),
        ("hc", *change, 16145, 16917, 0, 413, date(2023, 11, 3), "estime", 1185),
    ]
    assert {r.energy for r in readings} == {"electricite"}
    assert readings[0].as_dict() == {
        "register": "hp", "start_date": "2023-10-01", "end_date": "2024-09-30", "start_index": 36089,
        "end_index": 1033, "start_nature": None, "end_nature": "estime",
        "removal_index": 36471, "install_index": 29, "change_date": "2023-11-03"}


def test_a_meter_change_row_with_its_own_dates_and_no_consumption_printed():
    """Dates on the row itself and no consumption column: four indexes alone
    on a register's row under a header naming the removal and the
    installation are still the change's. Four bare numbers under the table
    (a chart's bars) are no reading, and a reading without a change keeps
    its usual keys."""
    page = words_page([
        [(40, "Relevés de votre compteur")],
        [(40, "Cadran"), (100, "Date début"), (160, "Index début"), (220, "Index de dépose"), (300, "Index de pose"),
         (370, "Date fin"), (430, "Index fin")],
        [(40, "Base"), (100, "01/02/2024"), (160, "12 345"), (220, "12 400"), (300, "0"), (370, "29/02/2024"),
         (430, "120 réel")],
        [(100, "120"), (160, "150"), (220, "130"), (300, "170")],
    ])
    doc = build_document([page])
    readings = read_readings(doc, Sections(doc))
    assert _change_rows(readings) == [
        ("base", date(2024, 2, 1), date(2024, 2, 29), 12345, 12400, 0, 120, None, "reel", 175)]
    plain = replace(readings[0], removal_index=None, install_index=None)
    assert "removal_index" not in plain.as_dict() and plain.delta == 120 - 12345


def test_a_scanned_meter_change_row_mends_a_thousands_group_and_a_lost_caption():
    """A scan of the table: OCR put the start index's thousands group on the
    line under (`30` … over `391`, for 30 391) and garbled the row's caption
    (`Heures` … `Bras`): the group goes back to its number since the printed
    consumption then bears the four indexes out, and the row beside the
    off-peak hours' is the peak hours'."""
    page = ocr_page(
        (100, [(33, "Changement de compteur le 07/11/2023 : dépose du compteur n° 65643920887082, pose du compteur")]),
        (120, [(79, "Index début"), (150, "Index dépose"), (223, "Index pose"), (292, "Index fin")]),
        (131, [(37, "Cadran"), (359, "Consommation")]),
        (142, [(79, "(02/10/2023)"), (150, "(07/11/2023)"), (223, "(07/11/2023)"), (292, "(10/11/2023)")]),
        (160, [(37, "Heures")]),
        (170, [(120, "30"), (193, "31 161"), (282, "0"), (318, "275 (Réel)"), (380, "1 045 kWh")]),
        (180, [(37, "Bras"), (129, "391")]),
        (194, [(37, "Heures"), (120, "12 980"), (193, "13 033"), (282, "0"), (322, "66 (Réel)"), (387, "119 kWh")]),
        (204, [(37, "Creuses")]),
    )
    doc = build_document([page])
    readings = read_readings(doc, Sections(doc))
    period = (date(2023, 10, 2), date(2023, 11, 10))
    assert _change_rows(readings) == [
        ("hp", *period, 30391, 31161, 0, 275, date(2023, 11, 7), "reel", 1045),
        ("hc", *period, 12980, 13033, 0, 66, date(2023, 11, 7), "reel", 119),
    ]
    assert min(r.conf for r in readings) >= 0.9  # each row's consumption bears its indexes out


def test_a_real_index_with_a_letter_ocr_put_in_its_word_is_still_real():
    """`57 (RPéel)`: a scan read « Réel » with a letter more; still the real index's nature."""
    page = ocr_page(
        (100, [(40, "Cadran"), (100, "Date"), (160, "Ancien index"), (230, "Date"), (290, "Nouvel index"),
               (360, "Type"), (410, "Consommation")]),
        (112, [(40, "Base"), (100, "01/09/2023"), (160, "35 067"), (230, "30/09/2023"), (290, "35 233"),
               (360, "RPéel"), (410, "166 kWh")]),
    )
    doc = build_document([page])
    assert [(r.end_index, r.end_nature) for r in read_readings(doc, Sections(doc))] == [(35233, "reel")]


def test_a_reading_said_relevé_with_its_l_read_as_an_i_is_real():
    """`relevés du 01/03/25 (téléreievé) au 31/03/25 (reievé)` over a
    grid of indexes: OCR read the l of « relevé » as an i."""
    rows = [[(41, "Électricité - reievés du 01/03/2025 (téléreievé) au 31/03/2025 (reievé)")],
            [(47, "Cadran"), (163, "Ancien index"), (277, "Nouvel index"), (391, "Conso (kWh)")],
            [(47, "Base"), (197, "2.322"), (312, "3.368"), (424, "1.046")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    [reading] = read_readings(doc, Sections(doc))
    assert (reading.start_index, reading.end_index, reading.start_nature, reading.end_nature) == \
        (2322, 3368, "reel", "reel")


def test_a_vat_row_beside_the_totals_run_into_their_caption_leaves_the_ht_total_its_amount():
    """Under a detail table with `Montant HT ‖ TVA ‖ Montant TTC` columns,
    the VAT rows beside the totals: OCR ran a VAT amount into the next
    column's caption (`8,98 € Total hors taxes ‖ 1 412,62 €`). That amount
    is the VAT row's, not a second amount of the total's row."""
    from tasks.extract.fields import extract_totals

    rows = [[(43, "Libellé"), (198, "Période"), (320, "Quantité"), (361, "Prix unitaire HT"), (429, "Montant HT"),
             (484, "TVA"), (509, "Montant TTC")],
            [(43, "Abonnement 9 kVA"), (198, "01/02/2024 - 31/01/2025"), (320, "12 mois"), (361, "13,61 €/mois"),
             (429, "163,27 €"), (484, "5,5 %"), (509, "172,25 €")],
            [(43, "Total électricité"), (424, "1 412,62 €"), (508, "1 671,47 €")],
            [(43, "TVA 5,5 % sur 163,27 €"), (269, "8,98 € Total hors taxes"), (508, "1 412,62 €")],
            [(43, "TVA 20 % sur 1 249,35 €"), (258, "249,87 € Total TVA"), (516, "258,85 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [c.value for c in extract_totals(doc)["total_ht"]] == [1412.62]


def test_cards_captioned_montant_ttc_and_montant_a_regler_head_no_table_of_totals():
    """`Période facturée ‖ Montant TTC ‖ Montant à régler` over three cards:
    « Montant à régler » is the amount due, no column of HT amounts, so the
    summary under the cards is no row of a `HT ‖ TTC` table (its `Total HT`
    amount would stand in the TTC column)."""
    from tasks.extract.fields import extract_totals
    from tasks.extract.lines import rows_under_ttc_header

    rows = [[(49, "Période facturée"), (219, "Montant TTC"), (389, "Montant à régler")],
            [(49, "01 janv. 24 - 29 févr. 24"), (219, "314,25 €"), (389, "402,78 €")],
            [(43, "Électricité"), (252, "124,13 € HT")],
            [(43, "Total HT"), (252, "301,67 €")],
            [(43, "TVA"), (252, "45,50 €")],
            [(43, "Montant TTC"), (252, "314,25 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert rows_under_ttc_header(doc) == []
    assert {c.value for c in extract_totals(doc)["total_ttc"]} == {314.25}


def test_a_vat_row_after_a_speck_on_a_scan_is_read():
    """`.TVA 20 % sur 56,38 € ‖ 11,28 €`: a speck read before the row on a
    scan. Both VAT rows read, HT + VAT bear out a TTC total OCR read unsure."""
    rows = [[(248, "Sous-total HT"), (517, "95,21 €")],
            [(247, "TVA 5,5 % sur 38,83 €"), (523, "2,14 €")],
            [(244, ".TVA 20 % sur 56,38 €"), (517, "11,28 €")],
            [(247, "Total TTC"), (449, "108,63 €")]]
    page = words_page(rows, source="ocr", conf=0.9)
    page.words[-2:] = [replace(w, conf=0.45) for w in page.words[-2:]]
    doc = build_document([page])
    assert [(r.rate, r.base, r.vat) for r in read_vat_rows(doc)] == [(5.5, 38.83, 2.14), (20.0, 56.38, 11.28)]


def test_a_readings_row_whose_m3_ocr_read_as_m_degree_is_no_billed_line():
    """`Gaz ‖ 01/02/2025 ‖ 6151 31/01/2026 ‖ 7813 Réel ‖ 1662 m°` under a
    readings header, after a table of billed lines: the volume's `m³` read
    `m°` is still a unit, so 1 662 is no amount billed."""
    rows = [[(47, "Désignation"), (173, "Période"), (324, "Quantité"), (382, "Prix unitaire HT"), (466, "Montant HT")],
            [(46, "CTA (21,93 % x 50,65 €)"), (173, "01/02/2025 - 31/07/2025"), (481, "11,11€"), (528, "5,5%")],
            [(43, "Gaz naturel")],
            [(47, "Relevé"), (98, "Date début"), (205, "Index début"), (261, "Date fin"), (359, "Index fin"),
             (402, "Nature"), (488, "Consommation")],
            [(46, "Gaz"), (98, "01/02/2025"), (233, "6151 31/01/2026"), (373, "7813 Réel"), (515, "1662 m°")],
            [(47, "Désignation"), (173, "Période"), (324, "Quantité"), (382, "Prix unitaire HT"), (466, "Montant HT")],
            [(46, "Abonnement gaz T2"), (173, "01/02/2025 - 31/07/2025"), (334, "6 mois"), (397, "16,85 €/mois"),
             (481, "101,10€"), (528, "5,5%")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    flow = column_flow(doc)
    assert [i.amount for i in read_items(flow, Sections(flow))] == [11.11, 101.10]


def test_an_amount_whose_group_space_ocr_put_a_digit_off_is_read_whole():
    """A pale scan's `14 02,37 € HT` (1 402,37 €: the thin space of the
    thousands read a digit late, the boxes 0,5 px apart) over `5 021 kWh x
    0,2793 €/kWh HT TVA 20 %`, and `2 16,96 € HT` over `12 mois x 18,08 €/mois
    HT TVA 5,5` (its `%` lost): one amount each, the rate still named. The
    same cell with a word's space between its numbers is two numbers."""
    def row(y: float, label: str, cell: list[tuple[str, float, float]], detail: str) -> list[Word]:
        words = [Word(label, 46, y, 200, y + 8, 0.95)]
        words += [Word(text, x0, y, x1, y + 8, 0.95) for text, x0, x1 in cell]
        return words + [Word(w, 50 + 40 * i, y + 12, 50 + 40 * i + 35, y + 20, 0.95)
                        for i, w in enumerate(detail.split())]

    def items(gap: float) -> list:
        words = row(100, "Électricité verte heures pleines",
                    [("14", 484, 496.6), ("02,37", 496.6 + gap, 524), ("€", 527, 533), ("HT", 537, 550)],
                    "du 01/06/2024 au 31/05/2025 5 021 kWh x 0,2793 €/kWh HT TVA 20 %")
        words += row(130, "Abonnement électricité (12 kVA)",
                     [("2", 490, 496), ("16,96", 496 + gap, 524), ("€", 527, 533), ("HT", 537, 550)],
                     "du 01/06/2024 au 31/05/2025 12 mois x 18,08 €/mois HT TVA 5,5")
        page = Page(number=1, width=595.0, height=842.0, words=words, source="ocr")
        return [(i.amount, i.vat_rate, i.checked) for i in read_items(build_document([page]))]

    assert items(0.5) == [(1402.37, 20.0, True), (216.96, 5.5, True)]
    assert all(amount not in (1402.37, 216.96) for amount, _, _ in items(3.5))


def test_a_legal_footer_cut_into_cells_by_ocr_is_no_billed_line():
    """A photo's footer `Octopus Energy ance SAS : SAS au ‖ capital de 4 SNA
    AN0 € 6 ‖ boulevard …`, its boxes as OCR gave them: its garbled capital
    read as a figure made a line of no energy, and with it no energy's share
    of the bill."""
    boxes = [("Octopus", 17, 814.8, 41, 818.2), ("Energy", 44, 812.6, 63, 820.8), ("ance", 66, 813.8, 75, 818.6),
             ("SAS", 83, 813.6, 100, 819.1), (":", 101, 812.6, 104, 820.8), ("SAS", 107, 812.6, 116, 820.8),
             ("au", 119, 812.6, 125, 820.8), ("capital", 134, 815.0, 146, 818.6), ("de", 150, 813.8, 158, 819.4),
             ("4", 162, 814.6, 163, 818.2), ("SNA", 167, 812.6, 176, 820.8), ("AN0", 180, 812.6, 188, 820.8),
             ("€", 193, 815.3, 194, 817.7), ("6", 202, 813.8, 205, 819.4), ("boulevard", 217, 816.5, 231, 818.6),
             ("Maussmann,", 236, 814.1, 272, 818.6), ("75028", 279, 812.6, 296, 820.8),
             ("Paris", 299, 812.6, 313, 820.8),
             ("RCS", 320, 812.6, 330, 820.8), ("Paris", 333, 812.6, 348, 820.8), ("5506724600", 349, 813.8, 384, 819.1),
             (".", 385, 812.6, 387, 820.8), ("SIRET", 390, 812.6, 405, 820.8),
             ("#€0€7€68900828", 408, 815.0, 461, 818.9),
             ("-", 463, 812.6, 466, 820.8), ("TVA", 468, 812.6, 478, 820.8), ("FR95559676689", 481, 814.8, 530, 818.9),
             (":", 531, 812.6, 534, 820.8), ("page", 537, 814.6, 556, 819.8), ("1", 552, 812.6, 556, 820.8)]
    confs = [0.9, 0.66, 0.57, 0.93, 0.75, 0.96, 0.92, 0.85, 0.96, 0.95, 0.5, 0.24, 0.86, 0.96, 0.91, 0.79, 0.8, 0.7,
             0.83, 0.67, 0.72, 0.9, 0.93, 0.23, 0.69, 0.93, 0.88, 0.76, 0.96, 0.96]
    page = boxes_page([(*box, conf) for box, conf in zip(boxes, confs)])
    assert read_items(build_document([page])) == []


def test_vat_table_rows_captioned_taux_and_a_scans_tux_are_vat_rows_not_lines():
    """`TVA ‖ Base HT ‖ Montant` over `Taux 5,5 % ‖ 19,74 € ‖ 1,09 €` and
    `Tux 20 % ‖ 61,89 € ‖ 12,38 €` (its `a` lost on a scan): two VAT rows,
    no billed line."""
    rows = [[(40, "Désignation"), (300, "Montant HT"), (400, "TVA")],
            [(40, "Part fixe gaz (T2)"), (300, "16,21 €"), (400, "5,5 %")],
            [(40, "TVA"), (150, "Base HT"), (250, "Montant")],
            [(40, "Taux 5,5 %"), (150, "19,74 €"), (250, "1,09 €")],
            [(40, "Tux 20 %"), (150, "61,89 €"), (250, "12,38 €")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [(r.rate, r.base, r.vat) for r in read_vat_rows(doc)] == [(5.5, 19.74, 1.09), (20.0, 61.89, 12.38)]
    assert [i.label for i in read_items(doc)] == ["Part fixe gaz (T2)"]


def test_a_readings_heading_gives_the_reading_type_its_misread_rows_do_not():
    """`Électricité - relevés du 01/05/24 (relevé) au 30/06/24 (relevé)` over
    rows whose indexes OCR garbled (`HP ‖ 41.230 ‖ 41.377` and their
    consumption on the line under): no reading, but the heading's word for
    its end date is the reading type. A heading without a word right after
    its end date, or announcing the next reading, says nothing."""
    from tasks.extract.energy import heading_natures
    from tasks.extract.invoice import _reading_nature

    rows = [[(41, "Électricité - relevés du 01/05/24 {reievé) au 30/06/24 (relevé)")],
            [(47, "Cadran"), (163, "Ancien index"), (277, "Nouvel index"), (391, "Conso (kWh)")],
            [(47, "HP"), (197, "41.230"), (312, "41.377")], [(424, "147")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    headed = heading_natures(doc, Sections(doc))
    assert [(e, n) for e, n, _, _ in headed] == [("electricite", "reel")]
    assert _reading_nature(read_readings(doc, Sections(doc)), headed).value == "reel"
    for heading in ("Électricité - relevés du 01/05/24 au 30/06/24",
                    "Prochain relevé du 01/05/24 au 30/06/24 (estimé)"):
        doc = build_document([words_page([[(41, heading)]] + rows[1:], source="ocr", conf=0.9)])
        assert heading_natures(doc, Sections(doc)) == []


def test_a_reading_type_whose_parenthesis_ocr_read_as_an_i_is_read():
    """`index de fin 23318 Iréei, 29/02/2024)`: the `(` of `(réel,` read as
    an I. A lone code letter after such a letter (`Ie`, `la`) is no type."""
    from tasks.extract.energy import _nature

    page = ocr_page((100, [(40, "Compteur - Gaz 80 m³")]),
                    (112, [(40, "index de début 23 238 (réei. 01/02/2024) index de fin 23318 Iréei, 29/02/2024)")]))
    doc = build_document([page])
    assert [(r.start_nature, r.end_nature) for r in read_readings(doc, Sections(doc))] == [("reel", "reel")]
    assert [_nature(w) for w in ("lestimé", "Ie", "la", "Iautres")] == ["estime", None, None, None]


def test_an_index_whose_thousands_space_ocr_read_as_a_comma_is_read_whole_when_the_difference_holds():
    """`Base ‖ 21.155 ‖ 21,375 ‖ 220` under a heading that dates and types
    the readings: 21 375 - 21 155 is the 220 the row prints; a row whose
    numbers add up to nothing that way is no reading."""
    rows = [[(41, "Électricité - relevés du 01/11/23 (réel) au 30/11/23 (réel)")],
            [(47, "Cadran"), (163, "Ancien index"), (277, "Nouvel index"), (391, "Conso (kWh)")],
            [(47, "Base"), (197, "21.155"), (312, "21,375"), (424, "220")]]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    readings = [(r.start_index, r.end_index, r.start_nature, r.end_nature, r.start_date, r.end_date)
                for r in read_readings(doc, Sections(doc))]
    assert readings == [(21155, 21375, "reel", "reel", date(2023, 11, 1), date(2023, 11, 30))]
    rows[2] = [(47, "Base"), (197, "21.155"), (312, "21,375"), (424, "230")]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert read_readings(doc, Sections(doc)) == []


def test_a_readings_row_cut_in_cells_is_in_context_when_one_of_its_cells_names_the_index():
    """`moex de début 22 496 (réel. 01/08/2023) ‖ index de ñn ‖ 28643 Iréei.
    31/07/2024)`: the first cell's « index » misread, the second names it;
    and `(retevé)`, the l of « relevé » read as a t, is a real reading."""
    page = ocr_page((100, [(40, "Compteur - Base 6147 kWh")]),
                    (112, [(40, "moex de début 22 496 (réel. 01/08/2023)"), (260, "index de ñn"),
                           (330, "28643 Iréei. 31/07/2024)")]))
    doc = build_document([page])
    assert [(r.start_index, r.end_index, r.end_nature) for r in read_readings(doc, Sections(doc))] == \
        [(22496, 28643, "reel")]
    from tasks.extract.energy import _nature
    assert _nature("(retevé)") == "reel"


def test_a_scans_subscribed_power_printed_once_against_another_printed_once_is_unknown():
    """`Puissance souscrite ‖ 3 kVA` on page 1 (its 9 read as a 3) against
    the subscription line's `Abonnement 9 kVA`: one read each, the power is
    unknown; with a second `9 kVA` (or the caption read right) it is 9."""
    from tasks.extract.energy import extract_kva

    def kva(caption_value: str, *more: str):
        rows = [[(40, "Puissance souscrite"), (300, caption_value)], [],
                [(40, "Abonnement 9 kVA"), (200, "21/06/2025 - 26/07/2025"), (420, "17,47 €")]]
        rows += [[(40, text)] for text in more]
        found = extract_kva(build_document([words_page(rows, source="ocr", conf=0.9)]))
        return found and found.value

    assert kva("3 kVA") is None
    assert kva("9 kVA") == 9
    assert kva("3 kVA", "Votre puissance : 9 kVA") == 9


def test_a_subscription_line_its_own_quantity_and_price_contradict_gives_no_subscription():
    """`8 mois ‖ 9,29 EUR/mois ‖ 1,32` on a photo (74,32 read short): the
    subscription is unknown rather than 38,48 €; read right, 111,48 €."""
    def subscription(first_amount: str):
        rows = [[(40, "Point de livraison (PDL)"), (250, "12345678901234")],
                [(40, "Désignation"), (200, "Du"), (250, "Au"), (300, "Quantité"), (360, "Prix unitaire"),
                 (450, "Montant"), (510, "TVA")],
                [(40, "Abonnement élec. 6 kVA"), (200, "01/12/24"), (250, "31/07/25"), (300, "8 mois"),
                 (360, "9,29 EUR/mois"), (450, first_amount), (510, "5,5%")],
                [(40, "Abonnement élec. 6 kVA"), (200, "01/08/25"), (250, "30/11/25"), (300, "4 mois"),
                 (360, "9,29 EUR/mois"), (450, "37,16"), (510, "20%")],
                [(40, "Conso. électricité Base"), (200, "01/12/24"), (250, "30/11/25"), (300, "1 000 kWh"),
                 (360, "0,2000 EUR/kWh"), (450, "200,00"), (510, "20%")]]
        return extract_invoice([words_page(rows, source="ocr", conf=0.9)])["electricity"]["subscription_eur"]

    assert subscription("74,32") == 111.48
    assert subscription("1,32") is None


def test_the_kwh_a_dual_bills_gas_volume_and_coefficient_make_is_no_electricity_total():
    """`Énergie consommée ‖ 6 433 kWh` under the gas's `578 m³` and
    `Coefficient de conversion ‖ 11,130` (578 × 11,13 = 6 433), read in the
    electricity's section (the gas heading lost): the electricity used the
    423 kWh between its indexes, not 6 433."""
    rows = [[(40, "PDL : 94238684207046")], [(40, "PCE : 82927288450012")], [(40, "Électricité")],
            [(40, "Compteur / cadran"), (200, "Date de début"), (270, "Index de début"), (340, "Date de fin"),
             (410, "Index de fin"), (480, "Consommation")],
            [(40, "Linky - Base"), (200, "01/12/2023"), (270, "9 088"), (340, "31/01/2024"), (410, "9 511"),
             (480, "423 kWh")],
            [(40, "Gazpar - Gaz naturel"), (200, "01/12/2023"), (270, "36 362"), (340, "31/01/2024"), (410, "36 940"),
             (480, "578 m³")],
            [(40, "Coefficient de conversion"), (250, "11,130")],
            [(40, "Énergie consommée"), (250, "6 433 kWh")]]
    found = extract_invoice([words_page(rows, source="ocr", conf=0.9)])
    assert found["energy"] == "dual"
    assert found["electricity"]["consumption_kwh"] != 6433
