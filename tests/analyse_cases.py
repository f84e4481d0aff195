"""Hand-built `analysis` inputs of the analyse stage for the dev corpus.

Core fields come from the ground truth (tests/corpus/dev/dev-NNN.json); the
extra keys extraction fills (lines, readings, VAT breakdown, totals, printed
yearly reference, tariff band…) were read by hand from each bill
(`pdftotext -layout` for the digital ones, the page images for scans and
photos). Nothing here is computed: it is what the bill prints.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus" / "dev"
ANALYSIS_KEYS = ("energy", "supplier", "offer_name", "offer_pricing", "invoice_number", "invoice_date", "invoice_kind",
                 "period", "customer", "total_ttc_eur", "total_ht_eur", "electricity", "gas", "pages")


def line(label, kind, energy, qty=None, unit=None, price=None, amount=None, vat=None, start=None, end=None, page=2):
    return {"label": label, "energy": energy, "kind": kind, "quantity": qty, "unit": unit,
            "unit_price_ht_eur": price, "amount_ht_eur": amount, "vat_rate_percent": vat,
            "period_start": start, "period_end": end, "page": page}


def reading(register, start, end, i0, i1, n0, n1):
    return {"register": register, "start_date": start, "end_date": end, "start_index": i0, "end_index": i1,
            "start_nature": n0, "end_nature": n1}


def vat(*rows):
    return [{"rate_percent": r, "base_ht_eur": b, "vat_eur": v} for r, b, v in rows]


E, G = "electricite", "gaz"

EXTRAS = {
    "dev-001": {
        "total_vat_eur": 54.45, "amount_due_eur": 351.66, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Prix fixe"],
        "vat_breakdown": vat((5.5, 34.46, 1.90), (20, 262.75, 52.55)),
        "lines": [
            line("Mon abonnement 12 kVA du 1er juin 2024 au 31 juil. 2024", "subscription", E, 2, "mois", 14.10, 28.20, 5.5, "2024-06-01", "2024-07-31"),
            line("Ma consommation du 1er juin 2024 au 31 juil. 2024", "consumption", E, 1428, "kWh", 0.1630, 232.76, 20, "2024-06-01", "2024-07-31"),
            line("Accise sur l'électricité", "accise", E, 1428, "kWh", 0.02100, 29.99, 20),
            line("CTA (Contribution Tarifaire d'Acheminement)", "cta", E, None, None, None, 6.26, 5.5),
        ],
        "electricity": {"annual_reference_kwh": None, "max_power_reached_kva": None,
                        "readings": [reading("base", "2024-06-01", "2024-07-31", 6164, 7592, "reel", "reel")]},
    },
    "dev-002": {
        "total_vat_eur": 148.01, "amount_due_eur": 178.95, "already_paid_eur": 880.0, "residential": True,
        "offer_mentions": ["prix bloqué pendant la durée du contrat"],
        "vat_breakdown": vat((5.5, 235.75, 12.97), (20, 675.19, 135.04)),
        "lines": [
            line("Abonnement gaz T2", "subscription", G, 12, "mois", 16.33, 195.96, 5.5, "2024-02-01", "2025-01-31"),
            line("Consommation gaz", "consumption", G, 9434, "kWh", 0.0552, 520.76, 20, "2024-02-01", "2025-01-31"),
            line("Accise gaz naturel (ex-TICGN)", "accise", G, 9434, "kWh", 0.01637, 154.43, 20, "2024-02-01", "2025-01-31"),
            line("CTA", "cta", G, None, None, None, 39.79, 5.5, "2024-02-01", "2025-01-31"),
        ],
        "gas": {"annual_reference_kwh": 10443, "tariff_band": "T2", "zone": "1",
                "readings": [reading("gaz", "2024-02-01", "2025-01-31", 7349, 8215, None, "estime")]},
    },
    "dev-003": {
        "total_vat_eur": 34.33, "amount_due_eur": 218.31, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["prix fixe"],
        "vat_breakdown": vat((5.5, 17.04, 0.94), (20, 166.94, 33.39)),
        "lines": [
            line("Abonnement 12 kVA", "subscription", E, 1, "mois", 13.91, 13.91, 5.5),
            line("Consommation Base", "consumption", E, 850, "kWh", 0.1754, 149.09, 20),
            line("Accise sur l'électricité (ex-CSPE)", "accise", E, 850, "kWh", 0.02100, 17.85, 20),
            line("Contribution Tarifaire d'Acheminement", "cta", E, None, None, None, 3.13, 5.5),
        ],
        "electricity": {"annual_reference_kwh": 10412,
                        "readings": [reading("base", "2024-02-28", "2024-03-28", 47932, 48782, "reel", "reel")]},
    },
    "dev-004": {
        "total_vat_eur": 29.02, "amount_due_eur": 174.12, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Prix fixe"],
        "vat_breakdown": vat((20, 145.10, 29.02)),
        "lines": [
            line("Mon abonnement 6 kVA du 20 nov. 2025 au 18 déc. 2025", "subscription", E, 1, "mois", 10.61, 10.61, 20, "2025-11-20", "2025-12-18"),
            line("Ma consommation Heures Pleines", "consumption_hp", E, 195, "kWh", 0.1266, 24.69, 20),
            line("Ma consommation Heures Creuses", "consumption_hc", E, 159, "kWh", 0.0938, 14.91, 20),
            line("Accise sur l'électricité", "accise", E, 354, "kWh", 0.02998, 10.61, 20),
            line("CTA (Contribution Tarifaire d'Acheminement)", "cta", E, None, None, None, 1.92, 20),
            line("Mon abonnement gaz T2 du 20 nov. 2025 au 18 déc. 2025", "subscription", G, 1, "mois", 18.51, 18.51, 20, "2025-11-20", "2025-12-18"),
            line("Ma consommation de gaz du 20 nov. 2025 au 18 déc. 2025", "consumption", G, 762, "kWh", 0.0636, 48.46, 20, "2025-11-20", "2025-12-18"),
            line("Accise sur les gaz naturels", "accise", G, 762, "kWh", 0.01543, 11.76, 20),
            line("CTA (Contribution Tarifaire d'Acheminement)", "cta", G, None, None, None, 3.63, 20),
        ],
        "electricity": {"readings": [reading("hp", "2025-11-20", "2025-12-18", 44455, 44650, "reel", "reel"),
                                     reading("hc", "2025-11-20", "2025-12-18", 47710, 47869, "reel", "reel")]},
        "gas": {"tariff_band": "T2", "zone": None,
                "readings": [reading("gaz", "2025-11-20", "2025-12-18", 8036, 8106, "reel", "reel")]},
    },
    "dev-005": {
        "total_vat_eur": 26.18, "amount_due_eur": 337.94, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Prix bloqué pendant la durée du contrat"],
        "vat_breakdown": vat((5.5, 119.97, 6.60), (20, 97.91, 19.58)),
        "lines": [
            line("Abonnement 36 kVA", "subscription", E, 3, "mois", 32.00, 96.00, 5.5, "2024-04-01", "2024-06-30"),
            line("Consommation HP", "consumption_hp", E, 229, "kWh", 0.1887, 43.21, 20, "2024-04-01", "2024-06-30"),
            line("Consommation HC", "consumption_hc", E, 199, "kWh", 0.1400, 27.86, 20, "2024-04-01", "2024-06-30"),
            line("Accise sur l'électricité", "accise", E, 428, "kWh", 0.02100, 8.99, 20, "2024-04-01", "2024-06-30"),
            line("CTA", "cta", E, None, None, None, 23.97, 5.5, "2024-04-01", "2024-06-30"),
            line("Service Protection Appareils", "service", None, 3, "mois", 5.95, 17.85, 20, "2024-04-01", "2024-06-30"),
            line("Frais de relance", "fee", None, None, None, None, 14.26, None),
        ],
        "electricity": {"annual_reference_kwh": 1775,
                        "readings": [reading("hp", "2024-04-01", "2024-06-30", 4163, 4392, "reel", "reel"),
                                     reading("hc", "2024-04-01", "2024-06-30", 18371, 18570, "reel", "reel")]},
    },
    "dev-006": {
        "total_vat_eur": 330.38, "amount_due_eur": 2133.59, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Tarif Bleu"],
        "vat_breakdown": vat((5.5, 228.96, 12.59), (20, 1588.96, 317.79)),
        "lines": [
            line("Abonnement 12 kVA", "subscription", E, 12, "mois", 15.95, 191.40, 5.5),
            line("Consommation Heures Pleines", "consumption_hp", E, 4463, "kWh", 0.2040, 910.45, 20),
            line("Consommation Heures Creuses", "consumption_hc", E, 3394, "kWh", 0.1513, 513.51, 20),
            line("Accise sur l'électricité (ex-CSPE)", "accise", E, 7857, "kWh", 0.02100, 165.00, 20),
            line("Contribution Tarifaire d'Acheminement", "cta", E, None, None, None, 37.56, 5.5),
            line("Frais de relance", "fee", None, None, None, None, 9.53, None),
        ],
        "electricity": {"annual_reference_kwh": 8057,
                        "readings": [reading("hp", "2024-02-01", "2025-01-31", 52198, 56661, "reel", "reel"),
                                     reading("hc", "2024-02-01", "2025-01-31", 37595, 40989, "reel", "reel")]},
    },
    "dev-007": {
        "total_vat_eur": 42.71, "amount_due_eur": 256.24, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Prix indexé"],
        "vat_breakdown": vat((20, 213.53, 42.71)),
        "lines": [
            line("Mon abonnement gaz T2 du 10 sept. 2025 au 7 nov. 2025", "subscription", G, 2, "mois", 20.75, 41.50, 20, "2025-09-10", "2025-11-07"),
            line("Ma consommation de gaz du 10 sept. 2025 au 7 nov. 2025", "consumption", G, 1440, "kWh", 0.0990, 142.56, 20, "2025-09-10", "2025-11-07"),
            line("Accise sur les gaz naturels", "accise", G, 1440, "kWh", 0.01543, 22.22, 20),
            line("CTA (Contribution Tarifaire d'Acheminement)", "cta", G, None, None, None, 7.25, 20),
        ],
        "gas": {"tariff_band": "T2", "zone": None,
                "readings": [reading("gaz", "2025-09-10", "2025-11-07", 22310, 22439, "reel", "estime")]},
    },
    "dev-008": {
        "total_vat_eur": 79.59, "amount_due_eur": 555.60, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["prix bloqué pendant la durée du contrat"],
        "vat_breakdown": vat((5.5, 107.68, 5.92), (20, 368.33, 73.67)),
        "lines": [
            line("Abonnement 9 kVA", "subscription", E, 3, "mois", 11.84, 35.52, 5.5, "2024-06-01", "2024-08-31"),
            line("Consommation HP", "consumption_hp", E, 986, "kWh", 0.1905, 187.83, 20, "2024-06-01", "2024-08-31"),
            line("Consommation HC", "consumption_hc", E, 173, "kWh", 0.1413, 24.44, 20, "2024-06-01", "2024-08-31"),
            line("Accise sur l'électricité", "accise", E, 1159, "kWh", 0.02100, 24.34, 20, "2024-06-01", "2024-08-31"),
            line("CTA", "cta", E, None, None, None, 7.57, 5.5, "2024-06-01", "2024-08-31"),
            line("Abonnement gaz T2", "subscription", G, 3, "mois", 18.15, 54.45, 5.5, "2024-06-01", "2024-08-31"),
            line("Consommation gaz", "consumption", G, 1167, "kWh", 0.0965, 112.62, 20, "2024-06-01", "2024-08-31"),
            line("Accise gaz naturel (ex-TICGN)", "accise", G, 1167, "kWh", 0.01637, 19.10, 20, "2024-06-01", "2024-08-31"),
            line("CTA", "cta", G, None, None, None, 10.14, 5.5, "2024-06-01", "2024-08-31"),
        ],
        "electricity": {"annual_reference_kwh": 4647,
                        "readings": [reading("hp", "2024-06-01", "2024-08-31", 24434, 25420, "reel", "reel"),
                                     reading("hc", "2024-06-01", "2024-08-31", 23157, 23330, "reel", "reel")]},
        "gas": {"annual_reference_kwh": 22118, "tariff_band": "T2", "zone": "5",
                "readings": [reading("gaz", "2024-06-01", "2024-08-31", 12043, 12149, "reel", "reel")]},
    },
    "dev-009": {
        "total_vat_eur": 28.44, "amount_due_eur": 185.45, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": [],
        "vat_breakdown": vat((5.5, 20.43, 1.12), (20, 136.58, 27.32)),
        "lines": [
            line("Abonnement gaz T2", "subscription", G, 1, "mois", 16.80, 16.80, 5.5),
            line("Consommation gaz naturel", "consumption", G, 1600, "kWh", 0.0682, 109.12, 20),
            line("Accise sur le gaz naturel", "accise", G, 1600, "kWh", 0.01716, 27.46, 20),
            line("Contribution Tarifaire d'Acheminement", "cta", G, None, None, None, 3.63, 5.5),
        ],
        "gas": {"annual_reference_kwh": 10919, "tariff_band": "T2", "zone": "6",
                "readings": [reading("gaz", "2025-02-01", "2025-02-28", 8059, 8207, "reel", "reel")]},
    },
    "dev-010": {
        "total_vat_eur": 247.53, "amount_due_eur": 1609.66, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Prix fixe"],
        "vat_breakdown": vat((5.5, 171.75, 9.45), (20, 1190.38, 238.08)),
        "lines": [
            line("Mon abonnement 9 kVA du 1er févr. 2024 au 31 janv. 2025", "subscription", E, 12, "mois", 11.79, 141.48, 5.5, "2024-02-01", "2025-01-31"),
            line("Ma consommation du 1er févr. 2024 au 31 janv. 2025", "consumption", E, 6680, "kWh", 0.1572, 1050.10, 20, "2024-02-01", "2025-01-31"),
            line("Accise sur l'électricité", "accise", E, 6680, "kWh", 0.02100, 140.28, 20),
            line("CTA (Contribution Tarifaire d'Acheminement)", "cta", E, None, None, None, 30.27, 5.5),
        ],
        "electricity": {"readings": [reading("base", "2024-02-01", "2025-01-31", 20344, 27024, "reel", "reel")]},
    },
    "dev-011": {
        "total_vat_eur": 83.85, "amount_due_eur": 503.09, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["prix bloqué pendant la durée du contrat"],
        "vat_breakdown": vat((20, 419.24, 83.85)),
        "lines": [
            line("Abonnement 12 kVA", "subscription", E, 4, "mois", 15.74, 62.96, 20, "2025-08-02", "2025-11-29"),
            line("Consommation HP", "consumption_hp", E, 382, "kWh", 0.1327, 50.69, 20, "2025-08-02", "2025-11-29"),
            line("Consommation HC", "consumption_hc", E, 317, "kWh", 0.0983, 31.16, 20, "2025-08-02", "2025-11-29"),
            line("Accise sur l'électricité", "accise", E, 699, "kWh", 0.02998, 20.96, 20, "2025-08-02", "2025-11-29"),
            line("CTA", "cta", E, None, None, None, 12.52, 20, "2025-08-02", "2025-11-29"),
            line("Abonnement gaz T2", "subscription", G, 4, "mois", 17.81, 71.24, 20, "2025-08-02", "2025-11-29"),
            line("Consommation gaz", "consumption", G, 1851, "kWh", 0.0628, 116.24, 20, "2025-08-02", "2025-11-29"),
            line("Accise gaz naturel (ex-TICGN)", "accise", G, 1851, "kWh", 0.01543, 28.56, 20, "2025-08-02", "2025-11-29"),
            line("CTA", "cta", G, None, None, None, 14.51, 20, "2025-08-02", "2025-11-29"),
            line("Assurance Facture", "service", None, 4, "mois", 2.60, 10.40, 20, "2025-08-02", "2025-11-29"),
        ],
        "electricity": {"annual_reference_kwh": 2063,
                        "readings": [reading("hp", "2025-08-02", "2025-11-29", 38215, 38597, "reel", "reel"),
                                     reading("hc", "2025-08-02", "2025-11-29", 23250, 23567, "reel", "reel")]},
        "gas": {"annual_reference_kwh": 7860, "tariff_band": "T2", "zone": "5",
                "readings": [reading("gaz", "2025-08-02", "2025-11-29", 25446, 25616, "reel", "reel")]},
    },
    "dev-012": {
        "total_vat_eur": 160.40, "amount_due_eur": 4.29, "already_paid_eur": 1056.0, "residential": True,
        "offer_mentions": ["Zen Online prix indexé"],
        "vat_breakdown": vat((5.5, 135.06, 7.43), (20, 764.83, 152.97)),
        "lines": [
            line("Abonnement 6 kVA", "subscription", E, 12, "mois", 9.34, 112.08, 5.5),
            line("Consommation Base", "consumption", E, 4112, "kWh", 0.1650, 678.48, 20),
            line("Accise sur l'électricité (ex-CSPE)", "accise", E, 4112, "kWh", 0.02100, 86.35, 20),
            line("Contribution Tarifaire d'Acheminement", "cta", E, None, None, None, 22.98, 5.5),
        ],
        "electricity": {"annual_reference_kwh": 3969,
                        "readings": [reading("base", "2024-02-02", "2025-01-31", 53602, 57714, "reel", "reel")]},
    },
    "dev-013": {
        "total_vat_eur": 44.76, "amount_due_eur": 281.86, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["Prix fixe"],
        "vat_breakdown": vat((5.5, 18.36, 1.01), (20, 218.74, 43.75)),
        "lines": [
            line("Mon abonnement 12 kVA du 21 avr. 2024 au 20 mai 2024", "subscription", E, 1, "mois", 15.23, 15.23, 5.5, "2024-04-21", "2024-05-20"),
            line("Ma consommation Heures Pleines", "consumption_hp", E, 969, "kWh", 0.1874, 181.59, 20),
            line("Ma consommation Heures Creuses", "consumption_hc", E, 105, "kWh", 0.1390, 14.60, 20),
            line("Accise sur l'électricité", "accise", E, 1074, "kWh", 0.02100, 22.55, 20),
            line("CTA (Contribution Tarifaire d'Acheminement)", "cta", E, None, None, None, 3.13, 5.5),
        ],
        "electricity": {"readings": [reading("hp", "2024-04-21", "2024-05-20", 14061, 15030, "reel", "reel"),
                                     reading("hc", "2024-04-21", "2024-05-20", 25540, 25645, "reel", "reel")]},
    },
    "dev-014": {
        "total_vat_eur": 39.50, "amount_due_eur": 327.41, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": ["prix bloqué pendant la durée du contrat"],
        "vat_breakdown": vat((5.5, 124.72, 6.86), (20, 163.19, 32.64)),
        "lines": [
            line("Abonnement 30 kVA", "subscription", E, 2, "mois", 34.71, 69.42, 5.5, "2025-05-25", "2025-07-25"),
            line("Consommation électricité", "consumption", E, 292, "kWh", 0.1838, 53.67, 20, "2025-05-25", "2025-07-25"),
            line("Accise sur l'électricité", "accise", E, 292, "kWh", 0.03370, 9.84, 20, "2025-05-25", "2025-07-25"),
            line("CTA", "cta", E, None, None, None, 13.55, 5.5, "2025-05-25", "2025-07-25"),
            line("Abonnement gaz T2", "subscription", G, 2, "mois", 17.25, 34.50, 5.5, "2025-05-25", "2025-07-25"),
            line("Consommation gaz", "consumption", G, 1141, "kWh", 0.0702, 80.10, 20, "2025-05-25", "2025-07-25"),
            line("Accise gaz naturel (ex-TICGN)", "accise", G, 1141, "kWh", 0.01716, 19.58, 20, "2025-05-25", "2025-07-25"),
            line("CTA", "cta", G, None, None, None, 7.25, 5.5, "2025-05-25", "2025-07-25"),
        ],
        "electricity": {"annual_reference_kwh": 1776,
                        "readings": [reading("base", "2025-05-25", "2025-07-25", 47704, 47996, "reel", "reel")]},
        "gas": {"annual_reference_kwh": 15578, "tariff_band": "T2", "zone": "1",
                "readings": [reading("gaz", "2025-05-25", "2025-07-25", 2249, 2348, "reel", "reel")]},
    },
    "dev-015": {
        "total_vat_eur": 38.33, "amount_due_eur": 260.88, "already_paid_eur": 0.0, "residential": True,
        "offer_mentions": [],
        "vat_breakdown": vat((5.5, 42.67, 2.35), (20, 179.88, 35.98)),
        "lines": [
            line("Abonnement gaz T2", "subscription", G, 2, "mois", 17.71, 35.42, 5.5),
            line("Consommation gaz naturel", "consumption", G, 2316, "kWh", 0.0613, 141.97, 20),
            line("Accise sur le gaz naturel", "accise", G, 2316, "kWh", 0.01637, 37.91, 20),
            line("Contribution Tarifaire d'Acheminement", "cta", G, None, None, None, 7.25, 5.5),
        ],
        "gas": {"annual_reference_kwh": 8501, "tariff_band": "T2", "zone": "3",
                "readings": [reading("gaz", "2024-11-01", "2025-01-01", 25549, 25749, "reel", "estime")]},
    },
}

DEV_IDS = sorted(EXTRAS)


def ground_truth(doc_id: str) -> dict:
    return json.loads((CORPUS / f"{doc_id}.json").read_text(encoding="utf-8"))


def build(doc_id: str) -> dict:
    """The analysis extraction would hand to `analyse` for this bill."""
    truth = ground_truth(doc_id)
    analysis = {"schema_version": "1", "requested_type": "auto", "fields": {}, "warnings": [], "market": None,
                "issues": []}
    for key in ANALYSIS_KEYS:
        analysis[key] = copy.deepcopy(truth.get(key))
    analysis["customer"].setdefault("delivery_address", analysis["customer"].get("address"))
    extras = copy.deepcopy(EXTRAS[doc_id])
    for key in ("electricity", "gas"):
        extra = extras.pop(key, None)
        if extra and analysis.get(key) is not None:
            analysis[key].update(extra)
    analysis.update(extras)
    # The period's day count is informational: extraction computes it.
    analysis["fields"]["period.days"] = {"confidence": 1.0, "source": "computed", "page": None}
    return analysis


def planted(doc_id: str) -> set[str]:
    return set(ground_truth(doc_id)["planted_issues"])
