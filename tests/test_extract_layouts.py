"""Bills in invented layouts, rendered to PDF with WeasyPrint and read back
through the real text-layer stage: the extractor must find labelled values
wherever they sit (beside, under or above their label, in tables, in two
columns) without knowing the layout."""
import pytest

from tasks.errors import NotAnEnergyInvoice
from tasks.extract import extract_invoice
from tests.extract_support import pdf_pages

STYLE = """
<style>
 @page { size: A4; margin: 14mm; }
 body { font-family: 'DejaVu Sans', sans-serif; font-size: 8.5pt; }
 table { border-collapse: collapse; }
 td, th { padding: 2pt 6pt; text-align: left; }
 .num { text-align: right; }
 .caption { font-size: 6.5pt; color: #555; }
 .cols { display: flex; gap: 30pt; }
 .cols > div { width: 48%; }
 .foot { position: fixed; bottom: 0; font-size: 6.5pt; }
</style>
"""


GAS_GRID = STYLE + """
<div style="font-size:16pt">Wekiwi</div>
<p>Facture de gaz naturel</p>
<div style="margin-left:300pt">MME CAMILLE ROCHE<br>RÉSIDENCE LES TILLEULS<br>12 IMPASSE DES ÉRABLES<br>
38000 GRENOBLE</div>
<table style="margin-top:16pt">
 <tr><td>Numéro de facture :</td><td>WK-2025-004512</td><td style="padding-left:40pt">Date d'émission :</td><td>14/03/2025</td></tr>
 <tr><td>Compte client :</td><td>77 812 903</td><td style="padding-left:40pt">Période facturée :</td><td>du 10 janvier 2025 au 9 mars 2025</td></tr>
 <tr><td>Référence PCE :</td><td>GI 518 204</td><td style="padding-left:40pt">Compteur Gazpar n° :</td><td>08512349876543</td></tr>
 <tr><td>Votre offre :</td><td>wekiWEB gaz (prix fixe)</td><td style="padding-left:40pt">Tarif :</td><td>T2 – zone 2</td></tr>
</table>
<h3>Votre consommation</h3>
<p>Index du 10/01/2025 : 4 210 m³ (réel) – index du 09/03/2025 : 4 395 m³ (estimé)</p>
<p>Volume : 185 m³ × coefficient 11,02 kWh/m³ = 2 039 kWh</p>
<table>
 <tr><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Abonnement gaz</td><td class="num">2 mois</td><td class="num">18,40 €/mois</td><td class="num">36,80 €</td><td class="num">5,5 %</td></tr>
 <tr><td>Consommation de gaz</td><td class="num">2 039 kWh</td><td class="num">6,85 c€/kWh</td><td class="num">139,67 €</td><td class="num">20 %</td></tr>
 <tr><td>Accise sur le gaz naturel</td><td class="num">2 039 kWh</td><td class="num">0,01637 €/kWh</td><td class="num">33,38 €</td><td class="num">20 %</td></tr>
 <tr><td>Contribution tarifaire d'acheminement</td><td></td><td></td><td class="num">8,12 €</td><td class="num">5,5 %</td></tr>
</table>
<table style="margin-top:10pt; margin-left:260pt">
 <tr><td>Total HT</td><td class="num">217,97 €</td></tr>
 <tr><td>TVA 5,5 % sur 44,92 €</td><td class="num">2,47 €</td></tr>
 <tr><td>TVA 20 % sur 173,05 €</td><td class="num">34,61 €</td></tr>
 <tr><td>Total TTC</td><td class="num">255,05 €</td></tr>
 <tr><td>Mensualités déjà réglées</td><td class="num">-200,00 €</td></tr>
 <tr><td>Reste à payer</td><td class="num">55,05 €</td></tr>
</table>
<p class="foot">Wekiwi SAS – capital 1 000 000 € – RCS Paris 812 345 678 – SIRET 81234567800021 – wekiwi.fr</p>
"""


def test_gas_bill_labels_beside_values():
    a = extract_invoice(pdf_pages(GAS_GRID))
    assert a["energy"] == "gaz"
    assert a["supplier"] == "Wekiwi"
    assert a["invoice_number"] == "WK-2025-004512"
    assert a["invoice_date"] == "2025-03-14"
    assert a["customer"]["client_number"] == "77812903"
    assert a["customer"]["name"] == "Camille Roche"
    assert a["customer"]["address"] == "Résidence Les Tilleuls, 12 impasse des Érables, 38000 Grenoble"
    assert a["period"] == {"start": "2025-01-10", "end": "2025-03-09", "days": 59}
    gas = a["gas"]
    assert gas["pce"] == "GI518204"  # not the Gazpar serial, not the SIRET
    assert (gas["consumption_m3"], gas["conversion_coefficient"], gas["consumption_kwh"]) == (185, 11.02, 2039)
    assert gas["unit_price_kwh_ht_eur"] == pytest.approx(0.0685)  # printed in c€/kWh
    assert gas["subscription_eur"] == 36.8
    assert gas["reading"] == "estime"
    assert gas["tariff_band"] == "T2"
    assert a["total_ht_eur"] == 217.97 and a["total_ttc_eur"] == 255.05
    assert (a["amount_due_eur"], a["already_paid_eur"]) == (55.05, 200.0)  # not the total TTC
    assert a["offer_pricing"] == "fixe"
    assert [v["rate_percent"] for v in a["vat_breakdown"]] == [5.5, 20.0]
    assert a["electricity"] is None


ELEC_HEADER_ROW = STYLE + """
<table style="width:100%"><tr><td style="font-size:18pt">Alpiq</td>
<td class="num" style="font-size:11pt">FACTURE D'ÉLECTRICITÉ</td></tr></table>
<table style="margin-top:10pt">
 <tr class="caption"><td>N° de facture</td><td>Date de facture</td><td>N° client</td><td>Point de livraison</td></tr>
 <tr><td>AQ24-118834</td><td>2 octobre 2024</td><td>C-2241987</td><td>1122 3344 5566 77</td></tr>
</table>
<div style="margin:10pt 0 0 320pt">M. et Mme Paul LEROUX<br>5 rue du Four<br>67000 Strasbourg</div>
<p>Offre Électricité Stable -8% – prix fixe – Option Heures Pleines / Heures Creuses – Puissance souscrite : 9 kVA</p>
<p>Formule tarifaire d'acheminement : BTINFCU4 (tarif d'utilisation des réseaux)</p>
<table>
 <tr><th>Cadran</th><th>Ancien index</th><th>Date</th><th>Nouvel index</th><th>Date</th><th>Type</th></tr>
 <tr><td>Heures pleines</td><td class="num">31 204</td><td>01/08/2024</td><td class="num">31 980</td><td>30/09/2024</td><td>R</td></tr>
 <tr><td>Heures creuses</td><td class="num">18 442</td><td>01/08/2024</td><td class="num">18 901</td><td>30/09/2024</td><td>E</td></tr>
</table>
<p>Consommation totale : 1 235 kWh</p>
<table>
 <tr><th>Libellé</th><th>Période</th><th>Quantité</th><th>Prix HT</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Abonnement 9 kVA</td><td>01/08/2024 - 30/09/2024</td><td class="num">2 mois</td><td class="num">14,12</td><td class="num">28,24</td><td class="num">5,5 %</td></tr>
 <tr><td>Consommation heures pleines</td><td>01/08/2024 - 30/09/2024</td><td class="num">776 kWh</td><td class="num">0,1696</td><td class="num">131,61</td><td class="num">20 %</td></tr>
 <tr><td>Consommation heures creuses</td><td>01/08/2024 - 30/09/2024</td><td class="num">459 kWh</td><td class="num">0,1293</td><td class="num">59,35</td><td class="num">20 %</td></tr>
 <tr><td>Accise sur l'électricité</td><td>01/08/2024 - 30/09/2024</td><td class="num">1 235 kWh</td><td class="num">0,02100</td><td class="num">25,94</td><td class="num">20 %</td></tr>
 <tr><td>CTA</td><td>01/08/2024 - 30/09/2024</td><td></td><td></td><td class="num">4,60</td><td class="num">5,5 %</td></tr>
 <tr><td>Assistance dépannage</td><td>01/08/2024 - 30/09/2024</td><td class="num">2 mois</td><td class="num">3,00</td><td class="num">6,00</td><td class="num">20 %</td></tr>
</table>
<table style="margin-left:300pt">
 <tr><td>Total HT</td><td class="num">255,74 €</td></tr>
 <tr><td>Total TVA</td><td class="num">46,69 €</td></tr>
 <tr><td>Total TTC</td><td class="num">312,43 €</td></tr>
</table>
<p class="foot">Alpiq Energie France – RCS Paris 512 345 670 – www.alpiq.fr</p>
"""


def test_electricity_bill_with_captions_above_values_and_inconsistent_totals():
    a = extract_invoice(pdf_pages(ELEC_HEADER_ROW))
    assert a["energy"] == "electricite"
    assert a["supplier"] == "Alpiq"
    assert (a["invoice_number"], a["invoice_date"]) == ("AQ24-118834", "2024-10-02")
    assert a["customer"]["client_number"] == "C-2241987"
    assert a["customer"]["name"] == "Paul Leroux"
    e = a["electricity"]
    assert e["pdl"] == "11223344556677"
    assert e["subscribed_power_kva"] == 9
    assert e["tariff_option"] == "hphc"  # not the network formula printed below
    assert (e["consumption_kwh"], e["consumption_hp_kwh"], e["consumption_hc_kwh"]) == (1235, 776, 459)
    assert e["unit_price_kwh_ht_eur"] == 0.1696 and e["unit_price_hc_kwh_ht_eur"] == 0.1293
    assert e["reading"] == "estime"  # one register's closing index is estimated
    assert {r["register"] for r in e["readings"]} == {"hp", "hc"}
    assert a["offer_pricing"] == "fixe"
    # The bill prints a TTC that is not HT + VAT: the printed values stay.
    assert (a["total_ht_eur"], a["total_vat_eur"], a["total_ttc_eur"]) == (255.74, 46.69, 312.43)
    kinds = [line["kind"] for line in a["lines"]]
    assert kinds == ["subscription", "consumption_hp", "consumption_hc", "accise", "cta", "service"]
    assert a["lines"][-1]["energy"] is None or a["lines"][-1]["kind"] == "service"


DUAL_CAPTIONS_BELOW = STYLE + """
<div style="font-size:16pt">Primeo Énergie</div>
<div style="margin-left:320pt">Monsieur Hugo BLANC<br>8 allée des Cerisiers<br>44000 Nantes</div>
<table style="margin-top:14pt; width:100%">
 <tr><td>PR-88123</td><td>18/11/2025</td><td>412,30 €</td></tr>
 <tr class="caption"><td>NUMÉRO DE FACTURE</td><td>DATE D'ÉMISSION</td><td>MONTANT TTC</td></tr>
 <tr><td>30 0412 7788</td><td>01/09/2025 – 31/10/2025</td><td>Offre Fixe -20%</td></tr>
 <tr class="caption"><td>RÉFÉRENCE CLIENT</td><td>PÉRIODE DE CONSOMMATION</td><td>VOTRE OFFRE</td></tr>
 <tr><td>5566 7788 9900 11</td><td>20233445566778</td><td>6 kVA</td></tr>
 <tr class="caption"><td>PDL</td><td>PCE</td><td>PUISSANCE SOUSCRITE</td></tr>
</table>
<h3>Détail de votre facture</h3>
<div class="cols">
 <div>
  <p><b>Électricité</b></p>
  <p>Index base 01/09/2025 : 10 220 – 31/10/2025 : 10 702 (réel)</p>
  <table>
   <tr><td>Abonnement</td><td class="num">27,64 €</td><td>20 %</td></tr>
   <tr><td>Consommation</td><td class="num">79,58 €</td><td>20 %</td></tr>
   <tr><td colspan="3" class="caption">482 kWh × 0,1651 €/kWh</td></tr>
  </table>
 </div>
 <div>
  <p><b>Gaz naturel</b></p>
  <p>Index gaz 01/09/2025 : 7 310 – 31/10/2025 : 7 402 (réel)</p>
  <table>
   <tr><td>Abonnement gaz</td><td class="num">36,20 €</td><td>20 %</td></tr>
   <tr><td>Consommation gaz</td><td class="num">71,73 €</td><td>20 %</td></tr>
   <tr><td colspan="3" class="caption">1 021 kWh × 0,07025 €/kWh</td></tr>
  </table>
 </div>
</div>
<p>Volume 92 m³ – coefficient 11,10 kWh/m³ – 1 021 kWh</p>
<table style="margin-left:300pt">
 <tr><td>Total hors TVA</td><td class="num">343,58 €</td></tr>
 <tr><td>TVA 20 %</td><td class="num">68,72 €</td></tr>
 <tr><td>Total TTC</td><td class="num">412,30 €</td></tr>
</table>
<p class="foot">Primeo Énergie – SAS – primeo-energie.fr</p>
"""


def test_dual_bill_captions_below_and_two_columns():
    a = extract_invoice(pdf_pages(DUAL_CAPTIONS_BELOW))
    assert a["energy"] == "dual"
    assert a["supplier"] == "Primeo Energie"
    assert (a["invoice_number"], a["invoice_date"]) == ("PR-88123", "2025-11-18")
    assert a["customer"]["client_number"] == "3004127788"
    assert a["offer_name"] == "Offre Fixe -20%"
    assert a["electricity"]["pdl"] == "55667788990011"
    assert a["gas"]["pce"] == "20233445566778"
    assert a["electricity"]["subscribed_power_kva"] == 6
    assert a["electricity"]["consumption_kwh"] == 482
    assert a["electricity"]["unit_price_kwh_ht_eur"] == 0.1651
    assert a["gas"]["consumption_kwh"] == 1021
    assert a["gas"]["unit_price_kwh_ht_eur"] == 0.07025
    assert a["gas"]["consumption_m3"] == 92
    assert a["total_ttc_eur"] == 412.30
    by = {(line["energy"], line["kind"]): line["amount_ht_eur"] for line in a["lines"]}
    assert by[("electricite", "subscription")] == 27.64 and by[("gaz", "subscription")] == 36.20


TELECOM = STYLE + """
<div style="font-size:16pt">Orange</div>
<p>Facture n° 9988776655 du 05/02/2025</p>
<div style="margin-left:320pt">Mme Anne PETIT<br>3 rue Haute<br>69001 Lyon</div>
<table>
 <tr><th>Désignation</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Forfait mobile 100 Go</td><td class="num">16,66 €</td><td>20 %</td></tr>
 <tr><td>Option internationale</td><td class="num">4,16 €</td><td>20 %</td></tr>
</table>
<p>Total TTC : 24,98 €</p>
"""


def test_a_telecom_invoice_is_not_an_energy_bill():
    pages = pdf_pages(TELECOM)
    with pytest.raises(NotAnEnergyInvoice) as err:
        extract_invoice(pages)
    assert "électricité ou de gaz" in err.value.detail
    a = extract_invoice(pages, strict=False)
    assert a["energy"] is None and a["electricity"] is None and a["gas"] is None
    assert any("Aucune facture d'électricité ou de gaz" in w for w in a["warnings"])


ELEC_TTC_ONLY = STYLE + """
<div style="font-size:16pt">Enercoop</div>
<p>Votre facture n° 20242601457 du 18 janvier 2024 s'élève à 222,65 € TTC.</p>
<p>Point de livraison (PDL) : 09 281 734 562 018 – Puissance souscrite : 6 kVA – Option heures pleines / heures creuses</p>
<p>Période du 15/12/2023 au 13/01/2024</p>
<table>
 <tr><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Part fixe (abonnement)</td><td class="num">30 jours</td><td class="num">0,5928 €/jour</td><td class="num">17,78 €</td><td class="num">5,5 %</td></tr>
 <tr><td>Part variable heures pleines</td><td class="num">433 kWh</td><td class="num">0,2612 €/kWh</td><td class="num">113,10 €</td><td class="num">20 %</td></tr>
 <tr><td>Part variable heures creuses</td><td class="num">277 kWh</td><td class="num">0,1938 €/kWh</td><td class="num">53,68 €</td><td class="num">20 %</td></tr>
 <tr><td>Accise sur l'électricité</td><td class="num">710 kWh</td><td class="num">0,0010 €/kWh</td><td class="num">0,71 €</td><td class="num">20 %</td></tr>
 <tr><td>Contribution tarifaire d'acheminement</td><td></td><td></td><td class="num">2,75 €</td><td class="num">5,5 %</td></tr>
</table>
<p>Total de la facture TTC : 222,65 €</p>
"""


def test_one_energy_without_ht_total_gets_the_ttc_its_lines_make():
    # No HT total, no VAT table: the lines with their VAT rates make the
    # printed TTC, so they are all the bill's lines and the energy's share
    # is the whole bill.
    a = extract_invoice(pdf_pages(ELEC_TTC_ONLY))
    assert a["total_ht_eur"] is None and a["total_ttc_eur"] == 222.65
    assert a["electricity"]["amount_ttc_eur"] == 222.65


# A summary matrix with one column per energy and a Total column; periods with
# an arrow; readings one row per reading (no « ancien / nouvel » words); each
# energy's detail under a band « Électricité · Contrat … » rather than a bare heading.
DUAL_MATRIX = STYLE + """
<div style="font-size:18pt">Butagaz</div>
<h2>Votre facture de mars 2024</h2>
<table>
 <tr><td>N° de facture</td><td>F2403123456</td></tr>
 <tr><td>Émise le</td><td>06/03/2024</td></tr>
 <tr><td>N° client</td><td>4577382</td></tr>
 <tr><td>Vos contrats</td><td>4577382-01 / 4577382-02</td></tr>
</table>
<div style="margin:0 0 0 320pt">M. Benoît HENRY<br>162 chemin Albert Camus<br>84000 Avignon</div>
<p><b>Période facturée :</b> 01/02/2024 ➜ 29/02/2024 (29 jours)</p>
<table style="width:100%">
 <tr><th></th><th class="num">Électricité<br><span class="caption">Contrat 4577382-01</span></th>
 <th class="num">Gaz naturel<br><span class="caption">Contrat 4577382-02</span></th><th class="num">Total</th></tr>
 <tr><td>Abonnement</td><td class="num">9,84 €</td><td class="num">18,02 €</td><td class="num">27,86 €</td></tr>
 <tr><td>Consommation</td><td class="num">56,60 €</td><td class="num">121,80 €</td><td class="num">178,40 €</td></tr>
 <tr><td>Taxes et contributions</td><td class="num">12,56 €</td><td class="num">36,14 €</td><td class="num">48,70 €</td></tr>
 <tr><td>Total HT</td><td class="num">79,00 €</td><td class="num">175,96 €</td><td class="num">254,96 €</td></tr>
 <tr><td>TVA</td><td class="num">14,18 €</td><td class="num">32,37 €</td><td class="num">46,55 €</td></tr>
 <tr><td>Total TTC</td><td class="num">93,18 €</td><td class="num">208,33 €</td><td class="num">301,51 €</td></tr>
</table>
<p>Offre : Duo Fixe 2 ans – PDL 58582557540268 – 6 kVA – PCE 23317345174881</p>
<div style="page-break-before: always"></div>
<p><b>Électricité · Contrat 4577382-01 · PDL 58582557540268</b></p>
<table>
 <tr><th>Date</th><th class="num">Index (kWh)</th><th>Type de relevé</th></tr>
 <tr><td>01/02/2024</td><td class="num">5 609</td><td>Réel</td></tr>
 <tr><td>29/02/2024</td><td class="num">6 109</td><td>Estimé</td></tr>
</table>
<table>
 <tr><th>Libellé</th><th>Période</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Abonnement 6 kVA</td><td>01/02/2024 → 29/02/2024</td><td class="num">1 mois</td><td class="num">9,84 €/mois</td><td class="num">9,84 €</td><td class="num">5,5 %</td></tr>
 <tr><td>Consommation Base</td><td>01/02/2024 → 29/02/2024</td><td class="num">500 kWh</td><td class="num">0,1132 €/kWh</td><td class="num">56,60 €</td><td class="num">20 %</td></tr>
</table>
<p><b>Gaz naturel · Contrat 4577382-02 · PCE 23317345174881</b></p>
<table>
 <tr><th>Date</th><th class="num">Index (m³)</th><th>Type de relevé</th></tr>
 <tr><td>01/02/2024</td><td class="num">39 572</td><td>Réel</td></tr>
 <tr><td>29/02/2024</td><td class="num">39 752</td><td>Réel</td></tr>
</table>
<p>Volume consommé : 180 m³ × coefficient de conversion 11,28 kWh/m³ = 2 030 kWh</p>
<table>
 <tr><th>Libellé</th><th>Période</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Abonnement gaz naturel T2</td><td>01/02/2024 → 29/02/2024</td><td class="num">1 mois</td><td class="num">18,02 €/mois</td><td class="num">18,02 €</td><td class="num">5,5 %</td></tr>
 <tr><td>Consommation gaz naturel</td><td>01/02/2024 → 29/02/2024</td><td class="num">2 030 kWh</td><td class="num">0,0600 €/kWh</td><td class="num">121,80 €</td><td class="num">20 %</td></tr>
</table>
<p class="foot">Butagaz SAS au capital de 195 225 000 € – RCS Nanterre 402 960 397 – www.butagaz.fr</p>
"""


def test_summary_matrix_per_energy_and_one_row_per_reading():
    a = extract_invoice(pdf_pages(DUAL_MATRIX))
    assert a["energy"] == "dual"
    assert a["period"] == {"start": "2024-02-01", "end": "2024-02-29", "days": 29}  # `➜` between the dates
    # The bill's totals are the Total column's, not the first energy's.
    assert (a["total_ht_eur"], a["total_ttc_eur"]) == (254.96, 301.51)
    # Two rows of one register, one per date: its start and its end.
    assert a["electricity"]["reading"] == "estime"
    assert a["gas"]["reading"] == "reel"


METER_CHANGE = STYLE + """
<div style="font-size:16pt">Wekiwi</div>
<p>Facture d'électricité n° WK-2024-55810 du 05/10/2024</p>
<div style="margin-left:300pt">M. Louis GIRARD<br>14 rue des Lilas<br>69003 Lyon</div>
<p>Point de livraison : 30001122334455 – Puissance souscrite : 6 kVA – Option Base</p>
<p>Remplacement de votre compteur le 12/08/2024.</p>
<table style="width:100%; white-space:nowrap; font-size:6pt">
 <tr><th>Cadran</th><th>Date de début</th><th>Index de début</th><th>Index de démontage</th><th>Index d'installation</th>
  <th>Date de fin</th><th>Index de fin</th><th>Consommation</th><th>Type</th></tr>
 <tr><td>Base</td><td>01/08/2024</td><td class="num">48 310</td><td class="num">48 402</td><td class="num">12</td>
  <td>30/09/2024</td><td class="num">516</td><td class="num">596 kWh</td><td>Estimé</td></tr>
</table>
<table style="margin-top:10pt">
 <tr><th>Libellé</th><th>Période</th><th>Quantité</th><th>Prix HT</th><th>Montant HT</th><th>TVA</th></tr>
 <tr><td>Abonnement 6 kVA</td><td>01/08/2024 - 30/09/2024</td><td class="num">2 mois</td><td class="num">12,44</td><td class="num">24,88</td><td class="num">5,5 %</td></tr>
 <tr><td>Consommation Base</td><td>01/08/2024 - 30/09/2024</td><td class="num">596 kWh</td><td class="num">0,1952</td><td class="num">116,34</td><td class="num">20 %</td></tr>
 <tr><td>Accise sur l'électricité</td><td>01/08/2024 - 30/09/2024</td><td class="num">596 kWh</td><td class="num">0,02250</td><td class="num">13,41</td><td class="num">20 %</td></tr>
 <tr><td>CTA</td><td>01/08/2024 - 30/09/2024</td><td></td><td></td><td class="num">3,86</td><td class="num">5,5 %</td></tr>
</table>
<table style="margin-left:300pt">
 <tr><td>Total HT</td><td class="num">158,49 €</td></tr>
 <tr><td>Total TVA</td><td class="num">27,53 €</td></tr>
 <tr><td>Total TTC</td><td class="num">186,02 €</td></tr>
</table>
<p class="foot">Wekiwi SAS – RCS Lyon 123 456 789</p>
"""


def test_a_meter_change_table_of_another_wording_gives_the_reading_type_and_the_consumption():
    """A meter replaced during the period (« Index de démontage », « Index
    d'installation », dates on the row, the nature in a « Type » column after
    the consumption): the reading is the closing index's nature, both
    meters' indexes are kept, and what they counted is the consumption billed."""
    a = extract_invoice(pdf_pages(METER_CHANGE))
    e = a["electricity"]
    assert e["reading"] == "estime"
    assert e["consumption_kwh"] == 596
    assert e["readings"] == [{
        "register": "base", "start_date": "2024-08-01", "end_date": "2024-09-30", "start_index": 48310,
        "end_index": 516, "start_nature": None, "end_nature": "estime", "removal_index": 48402, "install_index": 12,
        "change_date": "2024-08-12"}]
