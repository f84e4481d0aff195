"""Layouts the dyneff generator family showed the reader tripping on, each
reduced to the general case: a readings table on its side, a PCE under a
« Point de livraison » caption, « N° de compte client », an HT subtotal of
« Prestations et frais », a reference number at the end of a sentence under
a detail table's amount column."""
from tasks.extract.energy import read_readings
from tasks.extract.fields import extract_totals
from tasks.extract.identifiers import collect_exclusions, extract_client_number, extract_pce, extract_pdl
from tasks.extract.invoice import extract_invoice
from tasks.extract.layout import build_document
from tasks.extract.lines import read_items
from tasks.extract.sections import Sections
from tasks.extract.store import vote
from tests.extract_support import words_page
from tests.generator import build


def _readings(rows: list) -> list[tuple]:
    doc = build_document([words_page(rows, line_gap=11)])
    return sorted((r.energy, r.register, r.start_date.isoformat() if r.start_date else None,
                   r.start_index, r.end_index, r.end_nature) for r in read_readings(doc, Sections(doc)))


def test_a_readings_table_on_its_side_gives_one_reading_per_column():
    """`Relevés ‖ HP ‖ HC` over rows `Ancien index ‖ 56 500 ‖ 39 587`,
    `Nouvel index ‖ …`, `Type de relevé ‖ Réel ‖ Estimé`: one reading per
    register column, dated by the date rows, its nature from the type row."""
    rows = [
        [(60, "Électricité – PDL 12345678901234")],
        [(60, "Relevés"), (200, "HP"), (280, "HC")],
        [(60, "Date ancien relevé"), (200, "01/04/2025"), (280, "01/04/2025")],
        [(60, "Ancien index"), (200, "56 500"), (280, "39 587")],
        [(60, "Date nouveau relevé"), (200, "30/04/2025"), (280, "30/04/2025")],
        [(60, "Nouvel index"), (200, "56 986"), (280, "40 029")],
        [(60, "Type de relevé"), (200, "Réel"), (280, "Estimé")],
        [(60, "Consommation (kWh)"), (200, "486"), (280, "442")],
    ]
    assert _readings(rows) == [("electricite", "hc", "2025-04-01", 39587, 40029, "estime"),
                               ("electricite", "hp", "2025-04-01", 56500, 56986, "reel")]


def test_a_gas_column_on_its_side_and_a_row_read_short_gives_nothing_misplaced():
    """One `Gaz naturel` column is the gas register; a row with a cell lost
    (two headers, one start index) pairs nothing rather than the wrong cells."""
    gas = [
        [(60, "Relevés"), (200, "Gaz naturel")],
        [(60, "Ancien index"), (200, "2 385")],
        [(60, "Nouvel index"), (200, "2 429")],
        [(60, "Type de relevé"), (200, "Estimé")],
    ]
    assert _readings(gas) == [("gaz", "gaz", None, 2385, 2429, "estime")]
    short = [
        [(60, "Relevés"), (200, "HP"), (280, "HC")],
        [(60, "Ancien index"), (200, "56 500")],
        [(60, "Nouvel index"), (200, "56 986"), (280, "40 029")],
    ]
    assert all(r[1] not in ("hp", "hc") for r in _readings(short))


def test_a_pce_under_a_point_de_livraison_caption_is_no_pdl():
    """A gas bill's contract table (`Énergie ‖ Point de livraison` over
    `Gaz naturel ‖ 29282318243483`) and its `PCE 29282318243483`: one
    number, the gas point; reading it as a PDL too made the bill dual."""
    truth, files = build(5, "dyneff", "digital", energy="gaz")
    from tasks.rasterise import load_pages
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bill.pdf"
        path.write_bytes(files[0][1])
        pages = load_pages([path], "pdf")
    analysis = extract_invoice(pages, requested_type="auto", confidence_min=0.5, strict=False)
    assert analysis["energy"] == "gaz"
    assert analysis["electricity"] is None
    assert analysis["gas"]["pce"] == truth["gas"]["pce"]


def test_the_point_in_a_gas_row_of_a_contract_table_is_the_pce_without_any_pce_caption():
    """A scan whose `PCE` caption OCR garbled (`PCÈÉ`): the contract table's
    `Gaz naturel ‖ 55832420846270` row under `Point de livraison` still says
    the number is the gas point; an `Électricité` row's stays the PDL."""
    def identifiers(rows):
        doc = build_document([words_page(rows)])
        excl = collect_exclusions(doc)
        pdl, pce = extract_pdl(doc, excl), extract_pce(doc, excl)
        return pdl and pdl.value, pce and pce.value

    head = [(60, "Énergie"), (200, "Point de livraison"), (380, "Offre")]
    gas = [(60, "Gaz naturel"), (200, "55832420846270"), (380, "Gaz Fixe 1 an")]
    elec = [(60, "Électricité"), (200, "12345678901234"), (380, "Élec Fixe 1 an")]
    assert identifiers([head, gas]) == (None, "55832420846270")
    assert identifiers([head, elec, gas])[0] == "12345678901234"


def test_numero_de_compte_client_is_the_client_number_caption():
    """`N° de compte client ‖ 0087784080`: the caption is the whole phrase,
    not `N° de compte` followed by the word `client`."""
    page = words_page([[(330, "FACTURE")], [(330, "N° de compte client"), (480, "0087784080")]])
    cand = extract_client_number(build_document([page]))
    assert cand is not None and cand.value == "0087784080"


def test_an_ht_subtotal_of_services_and_fees_is_not_the_ht_total():
    """`Prestations et frais – montant HT 40,00 €` above `Montant HT 433,98 €`."""
    page = words_page([
        [(60, "Gaz naturel – montant HT"), (400, "393,98 €")],
        [(60, "Prestations et frais – montant HT"), (400, "40,00 €")],
        [(60, "Montant HT"), (400, "433,98 €")],
        [(60, "TVA"), (400, "74,35 €")],
        [(60, "Total TTC"), (400, "508,33 €")],
    ])
    totals = extract_totals(build_document([page]))
    assert vote(totals["total_ht"]).value == 433.98


def test_a_reference_ending_a_sentence_under_the_amount_column_is_no_billed_line():
    """The last line of a legal paragraph (`… gratuitement (www.energie-mediateur.fr).
    Réf. édition 887807-28-G.`) reaches under the detail table's amount
    column: its number is a word of the sentence, not an amount."""
    page = words_page([
        [(40, "Désignation"), (250, "Quantité"), (330, "P.U. HT"), (420, "Montant HT"), (500, "TVA")],
        [(40, "Consommation Base"), (250, "439 kWh"), (330, "0,1179 €/kWh"), (420, "51,76 €"), (500, "20 %")],
        [(40, "de l'énergie peut être saisi gratuitement (www.energie-mediateur.fr). Réf. édition 887807-28-G.")],
    ])
    doc = build_document([page])
    items = read_items(doc, Sections(doc))
    assert [(i.kind, i.amount) for i in items] == [("consumption", 51.76)]


def test_a_name_all_in_capitals_with_the_given_name_last_is_turned_round():
    """`MENARD HELENE`, `LE GOFF GRÉGOIRE`: capitals do not say which word is
    the surname, a known given name last does. Two given names (`RICHARD
    THOMAS`) and the usual order (`JEAN DUPONT`) stay as printed."""
    from tasks.extract.customer import format_name

    assert format_name("MÉNARD HÉLÈNE") == "Hélène Ménard"
    assert format_name("M. LE GOFF GRÉGOIRE") == "Grégoire Le Goff"
    assert format_name("JEAN DUPONT") == "Jean Dupont"
    assert format_name("RICHARD THOMAS") == "Richard Thomas"
    assert format_name("DUPONT Jean") == "Jean Dupont"


def test_two_given_names_in_capitals_put_a_frequent_surname_last():
    """`LAURENT MARIE-CLAIRE`, `CLÉMENT YASMINE`: both words are given names,
    but only the first is also a frequent surname, so it is the surname.
    `YANNICK MARTIN` is in order already; `RICHARD THOMAS` (both frequent
    surnames) stays as printed."""
    from tasks.extract.customer import format_name

    assert format_name("MME LAURENT MARIE-CLAIRE") == "Marie-Claire Laurent"
    assert format_name("CLÉMENT YASMINE") == "Yasmine Clément"
    assert format_name("YANNICK MARTIN") == "Yannick Martin"
    assert format_name("RICHARD THOMAS") == "Richard Thomas"


def test_hours_abbreviated_hres_name_the_hp_and_hc_registers():
    """`Fourniture Hres Pleines` / `Fourniture Hres Creuses`: the abbreviation
    of « heures » names the registers as the full word does."""
    from tasks.extract.lines import line_kind

    assert line_kind("Fourniture Hres Pleines") == "consumption_hp"
    assert line_kind("Fourniture Hres Creuses") == "consumption_hc"


def test_a_wide_table_with_a_wrapped_label_is_not_taken_for_two_columns():
    """A text layer's detail table whose CTA labels wrap over two lines
    (`Contribution Tarifaire d'Acheminement (21,93 % ×` / `121,25 €)`), the
    row's dates and amount on a line of their own between them, under a
    six-column readings table on its side and over a one-column one: the
    lines that hold one side only take no turns, the page is no two columns
    and every billed line keeps its cells."""
    import tempfile
    from pathlib import Path

    from tasks.extract.layout import column_flow
    from tasks.rasterise import load_pages

    truth, files = build(22, "dyneff", "digital")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bill.pdf"
        path.write_bytes(files[0][1])
        pages = load_pages([path], "pdf")
    flow = column_flow(build_document(pages))
    amounts = sorted(i.amount for i in read_items(flow, Sections(flow)))
    assert amounts == sorted(line["amount_ht_eur"] for line in truth["_meta"]["lines"])


def test_a_client_number_read_without_its_leading_zeros_is_the_zero_padded_one():
    """`N° de compte client ‖ 00 8031 9992` on page 1 and, OCR having lost the
    group of zeros, `N° de compte client : ‖ 8031 9992` on page 2: one number,
    the padded one, not two readings that cancel each other."""
    page = words_page([
        [(330, "FACTURE")],
        [(330, "N° de compte client"), (480, "00 8031 9992")],
        [(60, "Détail de la facture")],
        [(60, "N° de compte client :"), (160, "8031 9992 - Titulaire : Mme MICHEL Noémie")],
    ])
    cand = extract_client_number(build_document([page]))
    assert cand is not None and cand.value == "0080319992"
