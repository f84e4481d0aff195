"""An energy's share of the bill (`amount_ttc_eur`) on OCR reads: from its
lines when the bill's totals prove them, from a total printed apart, or the
whole bill when it bills nothing else."""
from dataclasses import replace

from tasks.extract.checks import below_its_lines, repair_misread_amount
from tasks.extract.energy import printed_energy_ttc
from tasks.extract.invoice import extract_invoice
from tasks.extract.layout import build_document
from tasks.extract.lines import Item, VatRow
from tasks.extract.store import Candidate
from tests.extract_support import words_page

HEADER = [(40, "Ce que vous payez"), (250, "Qté"), (330, ".Prix HT"), (430, "Total HT")]
SINGLE = [
    [(40, "Point de livraison (PDL)"), (200, "22628031799214")],
    [(40, "Électricité")],
    HEADER,
    [(40, "Abonnement électricité"), (250, "2 mois"), (330, "28,23 €/mois"), (430, "56,46 €")],
    [(40, "Électricité consommée"), (250, "229 kWh"), (330, "0,1605 €/kWh"), (430, "36,75 €")],
    [(40, "Accise sur l'électricité"), (250, "229 kWh"), (330, "0,02100 €/kWh"), (430, "4,81 €")],
    [(40, "Contribution tarifaire (CTA)"), (250, "21,93 % x 47,34 €"), (430, "10,38 €")],
    [(300, "Total HT"), (430, "108,40 €")],
    [(300, "TVA à 5,5 % (base 66,84 €)"), (430, "3,68 €")],
    [(300, "TVA à 20 % (base 41,56 €)"), (430, "8,31 €")],
    [(300, "Total TTC"), (430, "120,39 €")],
]


def _ocr(rows, **kw):
    return words_page(rows, source="ocr", conf=0.9, **kw)


def test_a_table_header_read_with_a_speck_still_heads_its_table():
    """`.Prix HT`: a speck before a header cell. The header still sets the
    columns, so the CTA row, printed with no quantity × price nor VAT rate,
    counts as a billed line of the detail table."""
    lines = extract_invoice([_ocr(SINGLE)])["lines"]
    assert [(line["kind"], line["amount_ht_eur"]) for line in lines if line["kind"] == "cta"] == [("cta", 10.38)]


def test_an_amount_that_lost_its_comma_is_repaired_only_when_the_ht_total_proves_it():
    def item(kind, amount, *, ocr=True, checked=False):
        return Item(label=kind, kind=kind, energy="electricite", amount=amount, ocr=ocr, checked=checked)

    items = [item("subscription", 14.88, checked=True), item("consumption", 135.19, checked=True),
             item("cta", 295.0)]
    repair_misread_amount(items, 153.02, [])
    assert items[2].amount == 2.95
    # Two amounts could each be the one: neither is changed.
    items = [item("cta", 295.0), item("fee", 295.0), item("consumption", 135.19)]
    repair_misread_amount(items, 140.09, [])
    assert [i.amount for i in items] == [295.0, 295.0, 135.19]
    # Off by a cent: no proof.
    items = [item("cta", 295.0), item("consumption", 135.19)]
    repair_misread_amount(items, 138.15, [])
    assert items[0].amount == 295.0
    # A text-layer amount is as printed.
    items = [item("cta", 295.0, ocr=False), item("consumption", 135.19)]
    repair_misread_amount(items, 138.14, [])
    assert items[0].amount == 295.0
    # A speck read as a minus sign before a CTA: the VAT table's bases prove it.
    items = [item("subscription", 112.46, checked=True), item("cta", -18.61), item("cta", 1.78)]
    repair_misread_amount(items, None, [VatRow(rate=5.5, base=132.85, vat=7.31, page=2, conf=0.9, checked=True)])
    assert [i.amount for i in items] == [112.46, 18.61, 1.78]
    # The same CTA borne out by its rate × base (checked): its size is proven, its sign is not.
    items = [item("subscription", 112.46, checked=True), item("cta", -18.61, checked=True), item("cta", 1.78)]
    repair_misread_amount(items, None, [VatRow(rate=5.5, base=132.85, vat=7.31, page=2, conf=0.9, checked=True)])
    assert [i.amount for i in items] == [112.46, 18.61, 1.78]
    # A digit misread where the row's quantity × price gives the amount.
    items = [Item(label="Abonnement", kind="subscription", energy="electricite", quantity=2, unit_price=12.14,
                  amount=24.98, ocr=True), item("cta", 4.63), item("consumption", 158.85, checked=True)]
    repair_misread_amount(items, 187.76, [])
    assert [i.amount for i in items] == [24.28, 4.63, 158.85]
    # A credit the totals bear out stays one.
    items = [item("subscription", 112.46, checked=True), item("discount", -18.61)]
    repair_misread_amount(items, 93.85, [])
    assert items[1].amount == -18.61



def test_two_amounts_that_lost_their_commas_are_repaired_only_when_together_they_make_the_ht_total():
    """A faint scan lost the commas of both CTA amounts (`3,61 €` read
    `361€`, `6,93 €` read `693€`): no single repair makes the HT total, the
    pair does, and only that pair."""
    def item(kind, amount, *, checked=False):
        return Item(label=kind, kind=kind, energy="electricite", amount=amount, ocr=True, checked=checked)

    items = [item("subscription", 20.12, checked=True), item("cta", 361.0), item("subscription", 31.74, checked=True),
             item("cta", 693.0), item("consumption", 120.32, checked=True)]
    repair_misread_amount(items, 182.72, [])
    assert [i.amount for i in items] == [20.12, 3.61, 31.74, 6.93, 120.32]
    # Three such amounts, two pairs of which would do: neither is changed.
    items = [item("cta", 361.0), item("cta", 693.0), item("fee", 361.0), item("consumption", 120.32, checked=True)]
    repair_misread_amount(items, 491.86, [])
    assert [i.amount for i in items] == [361.0, 693.0, 361.0, 120.32]

DUAL = [
    [(40, "Point de livraison (PDL)"), (200, "22628031799214")],
    [(40, "PCE : GI123456")],
    [(40, "Électricité")],
    [(40, "Abonnement électricité 2 mois x 10,79 €/mois"), (420, "21,58 €"), (500, "20 %")],
    [(40, "Consommation 716 kWh x 0,1180 €/kWh"), (420, "84,49 €"), (500, "20 %")],
    [(40, "Contribution tarifaire d'acheminement"), (420, "3,95 €"), (500, "20 %")],
    [(40, "Gaz naturel")],
    [(40, "Abonnement gaz 2 mois x 18,31 €/mois"), (420, "36,62 €"), (500, "20 %")],
    [(40, "Consommation 4 720 kWh x 0,0636 €/kWh"), (420, "300,19 €"), (500, "20 %")],
    [(300, "Total HT"), (420, "446,83 €")],
    [(300, "TVA 20 %"), (420, "89,37 €")],
    [(300, "Total TTC"), (420, "536,20 €")],
]


def _unsure(page, word: str):
    """The page with `word` read at a low OCR confidence."""
    return replace(page, words=[replace(w, conf=0.45) if w.text == word else w for w in page.words])


def test_an_unsure_line_counts_in_an_energys_share_when_the_totals_bear_it_out():
    """The CTA amount was read with a confidence of 0,45. The lines make the
    HT total and, with their VAT, the TTC total to the cent: each is as
    printed, and electricity's share (109,61 € HT) stands."""
    analysis = extract_invoice([_unsure(_ocr(DUAL), "3,95")])
    assert analysis["electricity"]["amount_ttc_eur"] == 132.02
    assert analysis["gas"]["amount_ttc_eur"] == 404.17
    # The VAT printed disagrees with the lines' rates: the unsure line is not borne out.
    rows = [*DUAL[:-2], [(300, "TVA 20 %"), (420, "89,73 €")], [(300, "Total TTC"), (420, "536,56 €")]]
    assert extract_invoice([_unsure(_ocr(rows), "3,95")])["electricity"]["amount_ttc_eur"] is None


def test_an_energy_total_slipped_onto_the_next_line_of_a_photo_is_read_when_unambiguous():
    doc = build_document([_ocr([[(40, "Total électricité TTC")], [(420, "37,60 €")]], line_gap=9)])
    assert [c.value for c in printed_energy_ttc(doc)["electricite"]] == [37.6]
    # An amount just above as well: either may be its own row's drifted value.
    doc = build_document([_ocr([[(420, "0,36 €")], [(40, "Total électricité TTC")], [(420, "37,60 €")]],
                               line_gap=9)])
    assert printed_energy_ttc(doc)["electricite"] == []
    # An amount above as well, but three times as far: the nearer one is the total's.
    doc = build_document([_ocr([[(420, "131,62 €")], [(40, "Gaz naturel (TTC)")], [(420, "91,54 €")]],
                               line_gap=11)])
    doc.lines[2].y0 -= 7.5
    doc.lines[2].y1 -= 7.5
    assert [c.value for c in printed_energy_ttc(doc)["gaz"]] == [91.54]
    # A next line holding a label of its own is another row.
    doc = build_document([_ocr([[(40, "Total électricité TTC")], [(40, "Total gaz"), (420, "37,60 €")]],
                               line_gap=9)])
    assert printed_energy_ttc(doc)["electricite"] == []


def test_a_single_energy_bill_billing_nothing_else_is_its_energys_share():
    """A line lost on the scan (the excise's amount): the lines no longer
    make the HT total, but nothing but electricity is billed, so the bill's
    TTC total is electricity's share. Not when a service row is printed,
    even one not read as a line."""
    rows = [row if row[0][1] != "Accise sur l'électricité" else [(40, "Accise sur l'électricité")] for row in SINGLE]
    assert extract_invoice([_ocr(rows)])["electricity"]["amount_ttc_eur"] == 120.39
    services = [[]] * 6 + [[(40, "Vos services")], [(40, "Option Sérénité dépannage"), (430, "2,49 €")]]
    analysis = extract_invoice([_ocr(rows + services)])
    assert not [line for line in analysis["lines"] if line["kind"] == "service"]
    assert analysis["electricity"]["amount_ttc_eur"] is None


def test_a_service_advertised_at_a_monthly_price_is_not_billed_but_a_total_off_its_sum_is_no_share():
    """An advert « une assurance … à 2,90 € par mois » bills nothing: the
    single-energy rule still applies. But a TTC total that is not its VAT
    table's bases plus their VAT (the bill's own error) is not the energy's
    share: that is its lines' sum, unknown here."""
    rows = [row if row[0][1] != "Accise sur l'électricité" else [(40, "Accise sur l'électricité")] for row in SINGLE]
    advert = [[(40, "Partenaire : une assurance « coup dur » pour vos factures, à 2,90 € par mois.")]]
    assert extract_invoice([_ocr(rows + advert)])["electricity"]["amount_ttc_eur"] == 120.39
    off = [row if row[0][1] != "Total TTC" else [(300, "Total TTC"), (430, "130,37 €")] for row in rows]
    off = [row for row in off if row[0][1] != "Total HT"]
    assert extract_invoice([_ocr(off)])["electricity"]["amount_ttc_eur"] is None


def test_a_dual_bills_line_of_no_known_energy_leaves_the_energies_shares_to_their_printed_totals():
    """A subscription read above the first energy heading, its label naming
    no energy: whose it is is unknown. The electricity lines that are known
    add up to less than electricity's share; the share the bill prints is
    the one to keep, and without it, none."""
    rows = [*DUAL[:2], [(40, "Abonnement 2 mois x 10,79 €/mois"), (420, "21,58 €"), (500, "20 %")], DUAL[2], *DUAL[4:]]
    analysis = extract_invoice([_ocr(rows)])
    assert analysis["energy"] == "dual"
    assert [line["energy"] for line in analysis["lines"]][0] is None
    assert analysis["electricity"]["amount_ttc_eur"] is None
    printed = [[(40, "Électricité (TTC)"), (420, "132,03 €")], [(40, "Gaz naturel (TTC)"), (420, "404,17 €")]]
    analysis = extract_invoice([_ocr(rows + printed)])
    assert (analysis["electricity"]["amount_ttc_eur"], analysis["gas"]["amount_ttc_eur"]) == (132.03, 404.17)


def test_an_energys_printed_share_is_evidence_that_the_bill_charges_it():
    """A photo of a dual bill whose PDL label was unread: the subscribed power
    and « Électricité (TTC) 131,62 € » still say that electricity is billed."""
    from tasks.extract.energy import detect_energy, energy_scores

    seen = dict(pdl=False, pce=True, items=[], readings=[], kva=True, gas_volume=False, gas_band=False, labelled_kwh={})
    assert detect_energy(energy_scores(**seen, printed_ttc={}))[0] == "gaz"
    printed = {"electricite": [Candidate(131.62, 0.86, 1, "ocr", "energy-ttc")]}
    assert detect_energy(energy_scores(**seen, printed_ttc=printed))[0] == "dual"


def test_a_line_printed_outside_vat_adds_its_amount_alone_to_the_lines_ttc():
    from tasks.extract.invoice import _lines_ttc

    items = [Item(label="Part variable gaz", kind="consumption", energy="gaz", amount=100.0, vat_rate=20.0),
             Item(label="Majoration pour retard", kind="fee", energy=None, amount=14.59, vat_exempt=True)]
    assert round(_lines_ttc(items), 2) == 134.59
    items[1].vat_exempt = False  # no rate and not said to be outside VAT: unknown
    assert _lines_ttc(items) is None


def test_a_gas_distribution_band_is_evidence_that_the_bill_charges_gas():
    """A 150 dpi scan: the PCE's label unread, no line's product checked.
    Its gas lines and « T2, zone 2 » still say that gas is billed."""
    from tasks.extract.energy import detect_energy, energy_scores

    lines = [Item(label="Abonnement gaz", kind="subscription", energy="gaz", amount=27.92),
             Item(label="Consommation gaz", kind="consumption", energy="gaz", amount=255.95)]
    seen = dict(pdl=False, pce=False, items=lines, readings=[], kva=False, gas_volume=False, printed_ttc={},
                labelled_kwh={"kwh_gaz": [Candidate(4510, 0.8, 1, "ocr", "kwh-label")]})
    assert detect_energy(energy_scores(**seen, gas_band=False))[0] is None
    assert detect_energy(energy_scores(**seen, gas_band=True))[0] == "gaz"


def test_a_printed_energy_total_far_below_its_own_lines_is_another_rows_amount():
    """A tilted photo's table put the CTA row's amount beside « Total gaz TTC »
    (7,03 € for lines of 336,81 € HT): VAT only adds to the lines, so this
    is no total; gas's share then comes from its lines. A total above its
    lines stands."""
    from tasks.extract.checks import below_its_lines

    gas = [Item(label="Abonnement gaz", kind="subscription", energy="gaz", amount=36.62),
           Item(label="Consommation", kind="consumption", energy="gaz", amount=300.19),
           Item(label="Remise fidélité", kind="discount", energy="gaz", amount=-20.0),
           Item(label="CTA", kind="cta", energy="gaz", amount=None)]
    assert below_its_lines(7.03, gas)
    assert not below_its_lines(380.17, gas)
    assert not below_its_lines(7.03, [])

    analysis = extract_invoice([_ocr(DUAL + [[(300, "Total gaz TTC"), (420, "7,03 €")]])])
    assert analysis["gas"]["amount_ttc_eur"] == 404.17


def test_a_cta_line_whose_first_word_ocr_lost_is_still_the_cta():
    """« [Contribution] tarifaire d'acheminement … (TVA 5,5 %) »: with its
    first word lost on a scan, the CTA was an unknown line at 5,5 %, which
    the VAT rule took for a wrong rate. « Formule tarifaire d'acheminement »
    (the network tariff's name, no line of the bill) is not the CTA."""
    from tasks.extract.lines import line_kind

    assert line_kind("tarifaire d'acheminement 18/09/24 – 27/10/24 : 21,93 % x 19,96 € (TVA 5,5 %)") == "cta"
    assert line_kind("Contribution tarifaire d'acheminement") == "cta"
    assert line_kind("Formule tarifaire d'acheminement : BTINFCUST") != "cta"


def test_an_energys_printed_share_behind_a_bullet_or_speck_is_read():
    """« * Électricité (TTC)   263,65 € » (a bullet, or a speck read as
    one, on a scan: gen-0066 of seed 16180, whose electricity then went
    undetected)."""
    for label in ("* Électricité (TTC)", "• Électricité (TTC)", "- Gaz naturel (TTC)"):
        doc = build_document([words_page([[(40, label), (420, "263,65 €")]], source="ocr", conf=0.9)])
        shares = printed_energy_ttc(doc)
        assert [c.value for c in shares["gaz" if "Gaz" in label else "electricite"]] == [263.65], label
    # Specks read between the caption and its amount (`:`, `Ë`; seed 24680's gen-0063, then read as gas only).
    page = words_page([[(40, "Électricité (TTC)"), (150, ":"), (200, "Ë"), (420, "245,56 €")]], source="ocr", conf=0.9)
    page.words[:] = [replace(w, conf=0.39) if w.text == "Ë" else w for w in page.words]
    assert [c.value for c in printed_energy_ttc(build_document([page]))["electricite"]] == [245.56]


def test_an_unsure_printed_share_stands_when_it_and_the_other_energys_make_the_total():
    """Electricity's CTA row printed beside gas's, so read under the gas
    heading: electricity's lines now say 127,28 €. Its printed share was read
    unsure (no `€`, conf 0,41), but with gas's printed share it makes the TTC
    total: it stands. Without gas's share to make the total, the lines win."""
    gas_cta = [(40, "Contribution tarifaire d'acheminement"), (420, "3,95 €"), (500, "20 %")]
    rows = [*DUAL[:5], *DUAL[6:9], gas_cta, *DUAL[9:]]
    printed = [[(40, "Électricité (TTC)"), (420, "132,02")], [(40, "Gaz naturel (TTC)"), (420, "404,18 €")]]
    analysis = extract_invoice([_unsure(_ocr(rows + printed), "132,02")])
    assert analysis["electricity"]["amount_ttc_eur"] == 132.02
    printed[1] = [(40, "Gaz naturel (TTC)"), (420, "414,18 €")]
    analysis = extract_invoice([_unsure(_ocr(rows + printed), "132,02")])
    assert analysis["electricity"]["amount_ttc_eur"] != 132.02


def test_a_reading_with_no_energy_heading_on_a_dual_bill_is_the_energy_billing_its_difference():
    """« Index Base … (réel) » above both energies' headings: the 716 kWh
    between its indexes are what the electricity consumption line bills, so
    the reading is electricity's. An index difference no line bills says
    nothing of whose it is."""
    reading = [(40, "Index Base 01/05/2024 : 47 701 30/06/2024 : 48 417 (réel)")]
    analysis = extract_invoice([_ocr([DUAL[0], DUAL[1], reading, *DUAL[2:]])])
    assert analysis["electricity"]["reading"] == "reel"
    reading = [(40, "Index Base 01/05/2024 : 47 701 30/06/2024 : 48 400 (réel)")]
    analysis = extract_invoice([_ocr([DUAL[0], DUAL[1], reading, *DUAL[2:]])])
    assert analysis["electricity"]["reading"] is None



def test_a_subscription_read_unsure_stands_when_the_lines_make_the_printed_totals():
    """`117€` read at a confidence of 0 where 37 days × 0,30180 € make
    11,17 €: the lines, each with its VAT, make the TTC total to the cent, so
    the amount is as repaired. With a TTC total they do not make, it stays
    unsure and unknown."""
    period = "17/12/2023 au 22/01/2024"

    def subscription(ttc):
        rows = [[(36, "PDL"), (120, "22628031799214")],
                [(36, "Libellé"), (183, "Période"), (331, "Quantité Unité"), (421, "PU HT"), (465, "Montant HT"),
                 (526, "Taux TVA")],
                [(37, "Part fixe (abonnement) 6 kVA"), (184, period), (353, "37 jour"), (414, "0,30180"),
                 (476, "117€"), (539, "5,5%")],
                [(37, "Part variable HP"), (184, period), (349, "186 kWh"), (414, "0,17550"), (481, "32,64 €"),
                 (541, "20%")],
                [(37, "Part variable HC"), (184, period), (349, "224 kWh"), (414, "0,13020"), (481, "29,16 €"),
                 (541, "20%")],
                [(37, "Accise sur l'électricité (TICFE)"), (184, period), (349, "410 kWh"), (414, "0,00100"),
                 (485, "0,41€"), (541, "20 %")],
                [(37, "CTA (21,93 % x 9,96 €)"), (184, period), (485, "2,18 €"), (539, "5,5 %")],
                [(37, "Total électricité TTC"), (478, ttc)], [(327, "Montant HT"), (533, "75,56 €")],
                [(327, "TVA 5,5 %"), (537, "0,73 €")], [(327, "TVA 20 %"), (533, "12,44 €")],
                [(327, "Montant TTC"), (523, ttc)]]
        page = words_page(rows, source="ocr", conf=0.9, size=7)
        page = replace(page, words=[replace(w, conf=0.0) if w.text == "117€" else w for w in page.words])
        return extract_invoice([page], strict=False)["electricity"]["subscription_eur"]

    assert subscription("88,73 €") == 11.17
    assert subscription("89,73 €") is None


def test_a_total_off_its_sum_is_no_share_even_when_every_line_was_read():
    """Every line read (they make the HT total) but not every line's VAT
    rate (the table's 20 % row unread): a printed TTC total 10,00 € over HT
    plus VAT is no energy's share. A VAT table with a row unread (its bases
    short of the HT total) does not say the total is off: it stands."""
    no_20 = [row for row in SINGLE if not row[0][1].startswith("TVA à 20")]
    off = [row if row[0][1] != "Total TTC" else [(300, "Total TTC"), (430, "130,39 €")] for row in no_20]
    off.insert(-1, [(300, "Total TVA"), (430, "11,99 €")])
    assert extract_invoice([_ocr(off)])["electricity"]["amount_ttc_eur"] is None
    no_55 = [row for row in SINGLE if not row[0][1].startswith("TVA à 5,5")]
    assert extract_invoice([_ocr(no_55)])["electricity"]["amount_ttc_eur"] == 120.39


def test_billed_lines_over_the_consumptions_dates_bear_out_the_period():
    """No period printed with a caption (OCR garbled the header's): the
    consumption line's dates alone are too weak a reading, but the
    subscription and the CTA billed over the same dates bear them out."""
    heading = [[(40, "Électricité")]]
    subscription = [[(40, "Abonnement"), (200, "01/08/2024 - 30/09/2024"), (330, "2 mois"), (400, "12,30 €/mois"),
                     (480, "24,60 €")]]
    consumption = [[(40, "Consommation Base"), (200, "01/08/2024 - 30/09/2024"), (330, "258 kWh"),
                    (400, "0,1556 €/kWh"), (480, "40,14 €")]]
    cta = [[(40, "Contribution tarifaire (CTA)"), (200, "01/08/2024 - 30/09/2024"), (330, "21,93 % x 10,00 €"),
            (480, "2,19 €")]]
    assert extract_invoice([_ocr(heading + consumption)], strict=False)["period"]["start"] is None
    period = extract_invoice([_ocr(heading + subscription + consumption + cta)], strict=False)["period"]
    assert (period["start"], period["end"]) == ("2024-08-01", "2024-09-30")


def test_capitals_glued_to_the_word_before_are_a_word_of_a_rows_label():
    """`Part variableHP`: « HP » OCR glued to « variable » still says peak
    hours."""
    from tasks.extract.lines import line_kind

    assert line_kind("Part variableHP") == "consumption_hp"
    assert line_kind("Part variableHC") == "consumption_hc"
    assert line_kind("Part variable HP") == "consumption_hp"
    assert line_kind("Électricité verteHT") == "consumption"


def test_a_quantity_whose_rows_price_no_kwh_costs_gives_way_to_the_indexes():
    """`Énergie Heures Pleines ‖ 692 kWh ‖ 12,49 ‖ 211,33 €`: the 1 of
    1 692 lost to a wrapped cell and the price's cents unit with it; the row
    does not multiply out and no kWh costs 12,49 €. The indexes' difference,
    1 692 kWh, which the readings row prints itself, is the consumption."""
    rows = [[(40, "Électricité - PDL 22628031799214")], [(40, "Relevés")],
            [(40, "Index"), (130, "Ancien relevé"), (250, "Ancien index"), (330, "Nouveau relevé"),
             (420, "Nouvel index"), (500, "Différence")],
            [(40, "Heures Pleines"), (130, "31/05/2024"), (250, "15 130"), (330, "30/05/2025"), (420, "16 822"),
             (500, "1 692 kWh")],
            [(40, "Heures Creuses"), (130, "31/05/2024"), (250, "31 390"), (330, "30/05/2025"), (420, "32 763"),
             (500, "1 373 kWh")],
            [(40, "Désignation"), (200, "Quantité"), (300, "Prix unitaire HT"), (400, "Montant HT")],
            [(40, "Énergie Heures Pleines"), (200, "692 kWh"), (300, "12,49"), (400, "211,33 €")],
            [(40, "Énergie Heures Creuses"), (200, "1 373 kWh"), (300, "0,0927"), (400, "127,28 €")]]
    found = extract_invoice([words_page(rows, source="ocr", conf=0.9)], strict=False)["electricity"]
    assert (found["consumption_hp_kwh"], found["consumption_hc_kwh"]) == (1692, 1373)


def test_a_printed_share_a_cent_off_its_lines_sum_by_the_bills_rounding_stands():
    """« Électricité (TTC) 131,45 € »: the bill rounds its VAT per rate, the
    lines each with their VAT make 131,46 €; a cent apart across a tenth,
    the two readings agree, and the printed one is the bill's."""
    rows = [[(40, "Électricité - PDL 22628031799214")],
            [(40, "Électricité (TTC)"), (300, "131,45 €")],
            [(40, "Désignation"), (200, "Quantité"), (300, "Prix unitaire HT"), (400, "Montant HT"), (480, "TVA")],
            [(40, "Abonnement"), (200, "41 jours"), (300, "0,4073 €/jour"), (400, "16,70 €"), (480, "5,5 %")],
            [(40, "Consommation"), (200, "1 000 kWh"), (300, "0,09222 €/kWh"), (400, "92,22 €"), (480, "20 %")],
            [(40, "CTA"), (400, "3,01 €"), (480, "5,5 %")],
            [(40, "Total hors taxes"), (400, "111,93 €")],
            [(40, "TVA 5,5 % sur 19,71 €"), (400, "1,08 €")], [(40, "TVA 20 % sur 92,22 €"), (400, "18,44 €")],
            [(40, "Total TTC"), (400, "131,45 €")]]
    assert extract_invoice([words_page(rows)], strict=False)["electricity"]["amount_ttc_eur"] == 131.45


def test_a_penalty_outside_vat_keeps_the_vat_bases_proving_the_energy_lines():
    """No HT total read, a misread TTC total, a late-payment penalty printed
    without a rate: the rated lines make the VAT table's bases to the cent,
    so they are all the energy's lines, and its share is theirs with VAT.
    A missing energy line (the bases unmade) leaves the share unknown."""
    rows = [r for r in SINGLE if r[0][1] not in ("Total HT", "Total TTC")]
    rows.insert(-2, [(40, "Pénalités de retard de paiement"), (430, "14,93 €")])
    rows.append([(300, "Total TTC"), (430, "625,00 €")])
    assert extract_invoice([_ocr(rows)], strict=False)["electricity"]["amount_ttc_eur"] == 120.39
    del rows[5]
    assert extract_invoice([_ocr(rows)], strict=False)["electricity"]["amount_ttc_eur"] is None


def test_the_lines_vat_is_rounded_per_rate_as_bills_round_it():
    """9,69 + 1,72 € at 5,5 % and 34,71 + 4,77 € at 20 %: VAT on each rate's
    base (0,63 and 7,90 €) makes 59,42 €; rounded line by line it would be
    59,41 €, a cent off the bill's own arithmetic."""
    from tasks.extract.invoice import _lines_ttc

    items = [Item(label=label, kind="other", energy="electricite", amount=amount, vat_rate=rate)
             for label, amount, rate in (("Abonnement", 9.69, 5.5), ("Consommation", 34.71, 20.0),
                                         ("Accise", 4.77, 20.0), ("CTA", 1.72, 5.5))]
    assert round(_lines_ttc(items), 2) == 59.42


def test_energy_rows_without_ttc_are_the_shares_only_when_they_make_the_total_ttc():
    """A summary of a dual bill, `Électricité ‖ 165,71 €` over `Gaz naturel ‖
    114,18 €` over `Total TTC ‖ 279,89 €`, the detail's lines not all read:
    the two rows make the total, so each is its energy's share. Rows that do
    not make it (an amount misread) are no share."""
    def shares(gas_amount):
        rows = [[(40, "Point de livraison (PDL)"), (200, "22628031799214")],
                [(40, "Point de comptage et d'estimation (PCE)"), (250, "65399324997603")],
                [(300, "Électricité"), (420, "165,71 €")], [(300, "Gaz naturel"), (420, gas_amount)],
                [(300, "Total TTC"), (420, "279,89 €")]]
        analysis = extract_invoice([_ocr(rows)])
        return analysis["electricity"]["amount_ttc_eur"], analysis["gas"]["amount_ttc_eur"]

    assert shares("114,18 €") == (165.71, 114.18)
    assert shares("141,18 €") == (None, None)


SHARES = [
    [(40, "Point de livraison (PDL)"), (200, "22628031799214")],
    [(40, "Point de comptage (PCE)"), (200, "20461899924791")],
    [(40, "Synthèse de votre facture")],
    [(300, "Hors TVA"), (400, "TVA"), (490, "TTC")],
    [(40, "Électricité"), (300, "73,60 €"), (400, "11,49 €"), (480, "85,09 €")],
    [(40, "Gaz naturel"), (300, "54,10 €"), (400, "10,31 €"), (480, "64,41 €")],
    [(40, "Services et frais divers"), (300, "49,80 €"), (400, "9,96 €"), (480, "59,76 €")],
    [(40, "Total de votre facture"), (300, "177,50 €"), (400, "31,76 €"), (480, "209,26 €")],
]


def test_a_table_summing_the_bill_up_by_energy_gives_each_share_and_bills_no_line():
    """`‖ Hors TVA ‖ TVA ‖ TTC` over one row per energy (and one for the
    services): each energy's row gives its share in the TTC column, and no
    row is a billed line (the services' row read as a fee of 59,76 € made
    the lines exceed the bill's total, so no share could be worked out)."""
    from tasks.extract.lines import read_items

    for source in ("text", "ocr"):
        doc = build_document([words_page(SHARES, source=source, conf=0.9 if source == "ocr" else 1.0)])
        shares = printed_energy_ttc(doc)
        assert [c.value for c in shares["electricite"]] == [85.09], source
        assert [c.value for c in shares["gaz"]] == [64.41], source
        assert read_items(doc) == [], source


def test_the_ttc_column_of_a_detail_table_is_not_its_lines_amount():
    """A detail table with both amounts (`Montant HT ‖ TVA ‖ Montant TTC`):
    a line's amount is its HT one."""
    from tasks.extract.lines import read_items

    rows = [
        [(40, "Désignation"), (200, "Quantité"), (270, "Prix unitaire"), (350, "Montant HT"), (420, "TVA"),
         (480, "Montant TTC")],
        [(40, "Abonnement"), (200, "1 mois"), (270, "12,50 €/mois"), (350, "12,50 €"), (420, "5,5 %"),
         (480, "13,19 €")],
        [(40, "Consommation Base"), (200, "250 kWh"), (270, "0,1800 €/kWh"), (350, "45,00 €"), (420, "20 %"),
         (480, "54,00 €")],
    ]
    items = read_items(build_document([words_page(rows)]))
    assert [(i.kind, i.amount, i.vat_rate) for i in items] == [("subscription", 12.5, 5.5), ("consumption", 45.0, 20.0)]


def test_a_total_row_of_a_hors_tva_tva_ttc_table_gives_each_total_from_its_column():
    """`Total de votre facture ‖ 177,50 € ‖ 31,76 € ‖ 209,26 €` under `Hors
    TVA ‖ TVA ‖ TTC`: the TTC total is the TTC column's cell, not the first
    amount right of the caption (the HT one, then taken for the TTC total
    when the detail page's `Total TTC` was misread), and its HT and VAT
    cells are the HT and VAT totals (the detail page's `Total hors TVA`
    unread on a scan left the HT total out)."""
    from tasks.extract.fields import extract_totals

    for source in ("text", "ocr"):
        doc = build_document([words_page(SHARES, source=source, conf=0.9 if source == "ocr" else 1.0)])
        totals = extract_totals(doc)
        assert {c.value for c in totals["total_ttc"]} == {209.26}, source
        # Its HT and VAT cells are the bill's HT and VAT totals (no `Total HT` caption needed).
        assert {c.value for c in totals["total_ht"]} == {177.5}, source
        assert {c.value for c in totals["total_vat"]} == {31.76}, source


def test_a_cta_amount_ocr_garbled_is_its_printed_rate_of_its_base_when_the_ht_total_proves_it():
    """`CTA (21,93 % x 11,98 €) ‖ 2:03::55%` on a photo, read 3,00 €: the rate
    of the base its label prints makes 2,63 €, and with it the lines make the
    HT total to the cent (the extra 0,37 € had hidden a misprinted TTC total)."""
    def items(cta):
        return [Item(label="Abonnement", kind="subscription", energy="electricite", quantity=31, unit_price=0.5905,
                     amount=18.31, ocr=True, checked=True),
                Item(label="Fourniture d'énergie Base", kind="consumption", energy="electricite", quantity=147,
                     unit_price=0.2809, amount=41.29, ocr=True, checked=True),
                Item(label="CTA (21,93 % x 11,98 €)", kind="cta", energy="electricite", amount=cta, ocr=True)]

    lines = items(3.0)
    repair_misread_amount(lines, 62.23, [])
    assert lines[2].amount == 2.63
    lines = items(3.0)
    repair_misread_amount(lines, 62.50, [])  # the total proves nothing
    assert lines[2].amount == 3.0


def test_a_cta_whose_formulas_base_lost_its_comma_too_is_repaired_when_the_totals_prove_it():
    """`Contribution tarifaire d'acheminement (20,8% x 895€) ‖ L86€` on a
    scan, `895€` taken for the amount: 20,8 % of 8,95 € makes 1,86 €, which
    the HT total bears out. A `5,5 %` in the label is a VAT rate, no CTA's."""
    def items(label):
        return [Item(label="Abonnement", kind="subscription", energy="gaz", quantity=58, unit_price=0.2328,
                     amount=13.5, ocr=True, checked=True),
                Item(label=label, kind="cta", energy="gaz", amount=895.0, ocr=True)]

    lines = items("Contribution tarifaire d'acheminement (20,8% x 895€)")
    repair_misread_amount(lines, 15.36, [])
    assert lines[1].amount == 1.86
    lines = items("Contribution tarifaire d'acheminement (TVA 5,5 % x 895€)")
    repair_misread_amount(lines, 15.36, [])
    assert lines[1].amount == 895.0


def test_two_amounts_that_lost_their_commas_are_repaired_only_when_every_vat_base_proves_them():
    """Both CTAs of a dual bill read `197` and `164` on a photo: with 1,97 €
    and 1,64 € the lines make the 5,5 % base and the 20 % base to the cent.
    A VAT table whose bases the pair does not make disproves it."""
    def lines():
        def item(kind, energy, amount, rate, checked=True):
            return Item(label=kind, kind=kind, energy=energy, amount=amount, vat_rate=rate, ocr=True, checked=checked)
        return [item("subscription", "electricite", 12.79, 5.5), item("consumption", "electricite", 38.65, 20.0),
                item("cta", "electricite", 197.0, 5.5, checked=False), item("subscription", "gaz", 11.67, 5.5),
                item("consumption", "gaz", 45.42, 20.0), item("cta", "gaz", 164.0, 5.5, checked=False)]

    rows = [VatRow(rate=5.5, base=28.07, vat=1.54, page=2, conf=0.9, checked=True),
            VatRow(rate=20.0, base=84.07, vat=16.81, page=2, conf=0.9, checked=True)]
    items = lines()
    repair_misread_amount(items, 112.14, rows)
    assert [i.amount for i in items if i.kind == "cta"] == [1.97, 1.64]
    items = lines()
    repair_misread_amount(items, 112.14, [replace(rows[0], base=29.07), replace(rows[1], base=83.07)])
    assert [i.amount for i in items if i.kind == "cta"] == [197.0, 164.0]


def test_a_speck_read_as_a_dash_before_a_header_cell_still_names_its_column():
    """`-Hors TVA (€) ‖ TVA (€) ‖ TTC (€)` on a scan: the dash is a speck;
    the table still gives each energy's share."""
    rows = [list(r) for r in SHARES]
    rows[3] = [(300, "-Hors TVA (€)"), (400, "TVA (€)"), (490, "TTC (€)")]
    doc = build_document([words_page(rows, source="ocr", conf=0.9)])
    assert [c.value for c in printed_energy_ttc(doc)["gaz"]] == [64.41]


def test_each_energys_share_of_a_total_introduced_by_dont():
    """« Total TTC de la facture : 3 045,08 € » over « dont électricité TTC :
    1 489,81 € » and « dont gaz naturel TTC : 1 543,26 € »: each energy's share."""
    doc = build_document([_ocr([[(40, "Total TTC de la facture :"), (420, "3 045,08 €")],
                                [(50, "dont électricité TTC :"), (420, "1 489,81 €")],
                                [(50, "dont gaz naturel TTC :"), (420, "1 543,26 €")]])])
    shares = printed_energy_ttc(doc)
    assert [c.value for c in shares["electricite"]] == [1489.81]
    assert [c.value for c in shares["gaz"]] == [1543.26]


def test_an_energys_row_whose_amounts_carry_their_own_ht_and_ttc_marks_gives_its_ttc_share():
    """`Électricité ‖ 191,28 € HT ‖ 225,70 € TTC`: the mark after each amount
    says which is the share; an amount marked HT never is."""
    doc = build_document([_ocr([[(40, "Électricité"), (330, "191,28 € HT"), (470, "225,70 € TTC")],
                                [(40, "Total gaz naturel : 98,96 € HT"), (470, "113,33 € TTC")]])])
    shares = printed_energy_ttc(doc)
    assert [c.value for c in shares["electricite"]] == [225.7]
    assert [c.value for c in shares["gaz"]] == [113.33]
    doc = build_document([_ocr([[(40, "Électricité"), (330, "191,28 € HT")]])])
    assert printed_energy_ttc(doc)["electricite"] == []


def test_a_line_amount_above_the_whole_bills_ht_total_does_not_disprove_a_printed_share():
    """`395` read for a CTA of « 3,95 € » (its comma lost, a gas line
    unread: no repair adds up): the bill's HT total is 254,58 €, so that
    line is a misread, and « Électricité … 91,32 € TTC » still stands."""
    items = [Item(label=k, kind=k, energy="electricite", amount=a, ocr=True)
             for k, a in (("subscription", 21.04), ("consumption_hp", 27.0), ("consumption_hc", 13.89),
                          ("accise", 13.24), ("cta", 395.0))]
    assert not below_its_lines(91.32, items, 254.58)
    assert below_its_lines(91.32, items)
    assert below_its_lines(30.0, items, 254.58)  # under half of the lines that may be right


def test_an_energys_total_row_giving_its_ht_and_ttc_amounts_gives_its_share():
    """`Total gaz naturel ‖ 49,82 € HT 56,68 € TTC` closing an energy's detail:
    the amount followed by « TTC » is the energy's share, not the HT one."""
    rows = [[(40, "Total électricité"), (330, "1 085,92 € HT"), (430, "1 302,10 € TTC")],
            [(40, "Total gaz naturel"), (330, "49,82 € HT 56,68 € TTC")]]
    for source in ("text", "ocr"):
        found = printed_energy_ttc(build_document([words_page(rows, source=source, conf=0.9)]))
        assert {e: [c.value for c in cands] for e, cands in found.items()} == {"electricite": [1302.10],
                                                                              "gaz": [56.68]}


def test_a_sections_subtotal_row_gives_its_share_and_an_amount_marked_ht_none():
    """A detail table with both `Montant HT` and `Montant TTC` per line ends
    each section on `Total électricité ‖ 85,90 € ‖ ‖ 103,08 €`: its TTC cell
    is the energy's share. Above, a summary row `Électricité ‖ 85,90 € HT`
    under a card header naming a `Total TTC` is the share before tax."""
    rows = [[(40, "Période facturée"), (250, "Total TTC"), (430, "Montant à régler")],
            [(40, "04 nov. 25 → 24 déc. 25"), (250, "442,15 €"), (430, "442,15 €")],
            [(40, "Électricité"), (250, "85,90 € HT")],
            [(40, "Libellé"), (150, "Quantité"), (220, "Prix unitaire HT"), (310, "Montant HT"), (380, "TVA"),
             (430, "Montant TTC")],
            [(40, "Électricité")],
            [(40, "Consommation Base"), (150, "552 kWh"), (220, "0,1556 €/kWh"), (310, "85,90 €"), (380, "20 %"),
             (430, "103,08 €")],
            [(40, "Total électricité"), (310, "85,90 €"), (430, "103,08 €")]]
    found = printed_energy_ttc(build_document([words_page(rows)]))
    assert [c.value for c in found["electricite"]] == [103.08]
