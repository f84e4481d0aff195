"""Hand-made `analysis` dicts for the render tests and the sample script.

The dev corpus ground truths give the fields a bill states; the `market`
and `issues` keys (filled by the analyse stage, still being written) are
built here by hand, realistic but simplified: annual costs from the bill's
own annual consumption and plausible TTC offer prices.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "dev"
SUPPLIERS = HERE / "render_data" / "suppliers.json"

ELEC_OFFERS = [
    # supplier, offer, pricing, kWh TTC, subscription €/yr TTC at 6 kVA, source
    ("OHM Énergie", "Classique", "indexe", 0.1952, 185.6, "Grille OHM Énergie (ohm-energie.com), août 2025"),
    ("Octopus Energy", "Eco-conso", "fixe", 0.1890, 190.2, "Grille Octopus Energy, août 2025"),
    ("Mint Énergie", "Mint Online & Green", "indexe", 0.1911, 185.6, "JC144/EDF_Simulateur_Prix"),
    ("EDF", "Tarif Bleu", "reglemente", 0.1952, 185.9, "CRE, TRVE au 1er août 2025"),
    ("Vattenfall", "Électricité Verte Équilibre", "indexe", 0.1985, 192.0, "MyElectricalData, août 2025"),
    ("Plenitude (Eni)", "Plenifix 1 an", "fixe", 0.1870, 199.5, "Grille Plenitude (eniplenitude.fr), novembre 2025"),
    ("Alpiq", "Électricité Stable", "fixe", 0.2021, 181.2, None),
]
GAS_OFFERS = [
    ("OHM Énergie", "Extra Eco Gaz (fixe 1 an)", "fixe", 0.0951, 265.2, "Grille OHM Énergie, octobre 2025"),
    ("Plenitude (Eni)", "Plenifix 1 an Gaz", "fixe", 0.0979, 260.0, "Grille Plenitude, novembre 2025"),
    ("Wekiwi", "wekiWEB gaz (prix fixe)", "fixe", 0.0990, 250.8, "Grille Wekiwi, novembre 2025"),
    ("Yéli (GEG Source d'Énergies)", "Yéli gaz (fixe 3 ans)", "fixe", 0.1012, 241.0, "Grille Yéli (yeli.fr), octobre 2025"),
]

ISSUE_TEXT = {
    "PRICE_ABOVE_REFERENCE": ("high", "Prix du kWh au-dessus de la référence",
                              "Le prix du kWh facturé par {supplier} dépasse de 27 % le prix de référence de la période.",
                              "Prix du kWh HT : {price} sur la ligne de consommation.",
                              "Comparez les offres et changez d'offre ou de fournisseur.", 180.0),
    "POWER_OVERSIZED": ("medium", "Puissance souscrite probablement trop élevée",
                        "Moins de 200 kWh par kVA et par an : la puissance souscrite dépasse vraisemblablement le besoin.",
                        "Puissance souscrite : {kva} kVA.",
                        "Vérifiez la puissance maximale atteinte sur votre compteur Linky puis demandez une baisse de puissance.", 47.76),
    "HPHC_UNPROFITABLE": ("medium", "Option heures creuses non rentable",
                          "Seulement 15 % de la consommation en heures creuses, sous le seuil de rentabilité (environ 31 %).",
                          "Consommation HC : {hc} kWh sur {total} kWh.",
                          "Demandez le passage à l'option Base.", 42.0),
    "ESTIMATED_READING": ("low", "Index de fin de période estimé",
                          "La facture repose sur un index estimé et non relevé.",
                          "Index de fin marqué « estimé » sur la facture de {supplier}.",
                          "Transmettez votre index réel (auto-relève) pour une facture juste.", None),
    "PAID_SERVICES": ("medium", "Services payants facturés",
                      "Des services optionnels sont facturés chaque mois en plus de l'énergie.",
                      "Ligne « Assurance facture {supplier} » à 3,99 € par mois.",
                      "Résiliez les services dont vous n'avez pas besoin.", 47.88),
    "LATE_FEES": ("medium", "Frais de retard ou de relance",
                  "Des frais de relance ou des pénalités de retard sont facturés.",
                  "Ligne « Frais de relance » : 7,50 €.",
                  "Contestez ces frais auprès du fournisseur si le paiement était à l'heure.", 7.5),
    "INDEXED_OFFER": ("low", "Offre à prix indexé",
                      "Le prix du kWh suit un indice et peut augmenter à tout moment.",
                      "Mention « prix indexé » sur la facture.",
                      "Préférez une offre à prix fixe si vous voulez un budget stable.", None),
    "TOTALS_MISMATCH": ("high", "Total de la facture incohérent",
                        "Le total TTC imprimé ne correspond pas à la somme HT + TVA.",
                        "Écart de 12,40 € entre le total imprimé et le total recalculé.",
                        "Demandez une facture rectificative au service client.", 12.4),
    "VAT_ANOMALY": ("high", "Taux de TVA anormal", "Un taux de TVA ne correspond pas à la règle de la période.",
                    None, "Demandez une correction de la TVA.", 20.0),
}


def ground_truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("dev-*.json"))]


def _offers(table, energy: str, annual_kwh: float, option: str | None, kva_factor: float = 1.0) -> list[dict]:
    offers = []
    for supplier, name, pricing, kwh_price, sub, source in table:
        subscription = round(sub * kva_factor, 2)
        offers.append({
            "supplier": supplier, "offer_name": name, "energy": energy, "option": option,
            "pricing": pricing, "price_kwh_ttc_eur": kwh_price, "subscription_eur_per_year": subscription,
            "annual_cost_eur": round(subscription + kwh_price * annual_kwh, 2), "source": source,
        })
    offers.sort(key=lambda o: o["annual_cost_eur"])
    return offers


def _market_block(energy: str, truth: dict, meta: dict) -> dict:
    block = truth["electricity"] if energy == "electricite" else truth["gas"]
    annual = meta.get("annual_consumption_kwh") or 5000
    if energy == "electricite":
        factor = (block.get("subscribed_power_kva") or 6) / 6
        offers = _offers(ELEC_OFFERS, energy, annual, block.get("tariff_option"), factor)
        ref_sub = 185.9 * factor
    else:
        offers = _offers(GAS_OFFERS, energy, annual, meta.get("tarif"))
        ref_sub = 270.0
    reference_cost = round(ref_sub + meta["reference_ttc_eur_kwh"] * annual, 2)
    current = round(reference_cost * (1 + meta["annual_cost_gap_pct"] / 100), 2)
    best = offers[0]
    gap = (current - best["annual_cost_eur"]) / best["annual_cost_eur"] * 100
    return {
        "reference": (f"TRVE option {block.get('tariff_option') or 'Base'} (Tarif Bleu d'EDF), "
                      f"{truth['_meta'].get('tariff_window', 'période de la facture')}"
                      if energy == "electricite" else
                      f"Prix repère de vente de gaz naturel de la CRE (tarif {meta.get('tarif', 'T2')}), moyenne de la période"),
        "annual_consumption_kwh": annual,
        "annual_cost_eur": current,
        "reference_annual_cost_eur": reference_cost,
        "gap_percent": round(min(gap, 12.0), 1),
        "gap_capped": gap > 12.0,
        "estimated_savings_eur_per_year": round(max(0.0, current - best["annual_cost_eur"]), 2),
        "offers": offers,
        "best_offer": best,
        "period_days": truth["period"].get("days"),
        "annualisation": {"method": "periode_annuelle" if energy == "electricite" else "car", "profile": None,
                          "period_share": None, "reliable": True},
        "prices_valid_on": "2025-08-01",
    }


def _issues(truth: dict) -> list[dict]:
    elec = truth.get("electricity") or {}
    gas = truth.get("gas") or {}
    issues = []
    for code in truth.get("planted_issues", []):
        severity, title, detail, evidence, action, impact = ISSUE_TEXT[code]
        values = {
            "supplier": truth["supplier"],
            "price": f"{(elec or gas).get('unit_price_kwh_ht_eur')} €/kWh",
            "kva": elec.get("subscribed_power_kva"),
            "hc": elec.get("consumption_hc_kwh"), "total": elec.get("consumption_kwh"),
        }
        issues.append({
            "code": code, "severity": severity, "title": title,
            "detail": detail.format(**values), "evidence": evidence and evidence.format(**values),
            "action": action, "estimated_impact_eur_per_year": impact,
        })
    return issues


def analysis_from_truth(truth: dict) -> dict:
    """A complete `analysis` (schema + extra keys) for one ground truth."""
    truth = copy.deepcopy(truth)
    meta = truth.get("_meta", {})
    energies = ["electricite", "gaz"] if truth["energy"] == "dual" else [truth["energy"]]
    by_energy = {e: _market_block(e, truth, meta["electricity" if e == "electricite" else "gas"]) for e in energies}
    if len(energies) == 1:
        market = by_energy[energies[0]]
    else:
        offers = by_energy["electricite"]["offers"] + by_energy["gaz"]["offers"]
        market = {
            "reference": "TRVE et prix repère CRE de la période",
            "annual_cost_eur": round(sum(b["annual_cost_eur"] for b in by_energy.values()), 2),
            "reference_annual_cost_eur": round(sum(b["reference_annual_cost_eur"] for b in by_energy.values()), 2),
            "gap_percent": None, "gap_capped": False,
            "estimated_savings_eur_per_year": round(sum(b["estimated_savings_eur_per_year"] for b in by_energy.values()), 2),
            "offers": offers, "best_offer": None, "by_energy": by_energy, "prices_valid_on": "2025-08-01",
        }
    analysis = {
        "schema_version": "1",
        "energy": truth["energy"],
        "requested_type": "auto",
        "supplier": truth["supplier"],
        "offer_name": truth["offer_name"],
        "offer_pricing": truth["offer_pricing"],
        "invoice_number": truth["invoice_number"],
        "invoice_date": truth["invoice_date"],
        "invoice_kind": truth["invoice_kind"],
        "period": truth["period"],
        "customer": truth["customer"],
        "total_ttc_eur": truth["total_ttc_eur"],
        "total_ht_eur": truth["total_ht_eur"],
        "amount_due_eur": meta.get("amount_due_eur"),
        "already_paid_eur": meta.get("already_paid_eur"),
        "electricity": truth["electricity"],
        "gas": truth["gas"],
        "fields": {
            "electricity.subscribed_power_kva": {"confidence": 0.62, "source": "ocr", "page": 1},
            "supplier": {"confidence": 0.98, "source": "text", "page": 1},
        } if truth["format"] != "digital" else {"supplier": {"confidence": 1.0, "source": "text", "page": 1}},
        "market": market,
        "issues": _issues(truth),
        "warnings": (["Document photographié ou numérisé : lecture par OCR, certaines valeurs sont à vérifier."]
                     if truth["format"] != "digital" else []),
        "pages": truth["pages"],
        "ocr_used": truth["format"] != "digital",
    }
    return analysis


def highlights_for(analysis: dict) -> list[str]:
    market = analysis.get("market") or {}
    savings = market.get("estimated_savings_eur_per_year")
    lines = []
    if savings:
        lines.append(f"Jusqu'à {round(savings)} € d'économie par an en changeant d'offre")
    if market.get("gap_percent") is not None:
        gap = f"{market['gap_percent']:.1f}".replace(".", ",")
        lines.append(f"Vous payez {gap}\u00a0% de plus que la meilleure offre du marché")
    for issue in (analysis.get("issues") or [])[:2]:
        lines.append(issue["title"])
    return lines[:4]


def sensitive_strings(truth: dict) -> list[str]:
    return list(truth["sensitive_strings"])


def null_analysis(energy: str | None = "electricite") -> dict:
    """Every value unknown: what a barely legible bill gives."""
    return {
        "schema_version": "1", "energy": energy, "supplier": None, "offer_name": None, "offer_pricing": None,
        "invoice_number": None, "invoice_date": None, "invoice_kind": None,
        "period": {"start": None, "end": None, "days": None},
        "customer": {"name": None, "address": None, "client_number": None},
        "total_ttc_eur": None, "total_ht_eur": None,
        "electricity": {"pdl": None, "subscribed_power_kva": None, "tariff_option": None, "consumption_kwh": None}
        if energy in ("electricite", "dual") else None,
        "gas": {"pce": None, "consumption_kwh": None} if energy in ("gaz", "dual") else None,
        "fields": {}, "market": {"reference": None, "gap_percent": None, "estimated_savings_eur_per_year": None},
        "issues": [], "warnings": [], "pages": 1,
    }


def common_word_fixtures() -> list[tuple[dict, list[str]]]:
    """Customers whose names and addresses are also ordinary words, and free
    text that repeats them: (analysis, strings that must not leak)."""
    base = analysis_from_truth(json.loads((CORPUS / "dev-010.json").read_text(encoding="utf-8")))
    cases = []

    a = copy.deepcopy(base)
    a["customer"] = {"name": "Léa Blanc", "address": "3 rue de la Gare, 38000 Base", "client_number": "558812"}
    a["electricity"]["tariff_option"] = "base"
    a["warnings"] = ["Le nom « BLANC Léa » et la ville de Base ont été lus par OCR."]
    cases.append((a, ["Blanc", "Léa Blanc", "rue de la Gare", "3 rue de la Gare", "Base", "38000", "558812"]))

    b = copy.deepcopy(base)
    b["customer"] = {"name": "M. Hugo Petit", "address": "12 bis allée Vert, 69000 Lyon", "client_number": "A-55-7781"}
    b["issues"].append({"code": "LATE_FEES", "severity": "medium", "title": "Frais de relance",
                        "detail": "M. PETIT a reçu une relance d'Engie le 3 mars.",
                        "evidence": "Frais facturés à Hugo Petit, 12 bis allée Vert.",
                        "action": "Contestez ces frais.", "estimated_impact_eur_per_year": 7.5})
    cases.append((b, ["Petit", "Hugo", "allée Vert", "12 bis allée Vert", "Lyon", "69000", "A-55-7781", "Engie"]))

    c = copy.deepcopy(base)
    c["supplier"] = "TotalEnergies"
    c["offer_name"] = "Verte Fixe TotalEnergies"
    c["customer"] = {"name": "Anne Marchand", "address": "5 place du Marché, 13001 Marseille",
                     "client_number": "1-3Z8YPWKF"}
    c["warnings"] = ["Le PDL 1863 9375 0512 06 de Mme Marchand a été lu avec une confiance moyenne."]
    cases.append((c, ["Marchand", "Anne Marchand", "place du Marché", "Marseille", "13001", "1-3Z8YPWKF",
                      "TotalEnergies", "Total Energies", "18639375051206"]))

    d = copy.deepcopy(base)
    d["customer"] = {"name": "Éloïse Lefèvre-Vert", "address": "Résidence Les Pins, Bât. B, 7 chemin de Saint-Étienne, 42100 Saint-Étienne",
                     "client_number": "998877665"}
    d["issues"].insert(0, {"code": "PRICE_ABOVE_REFERENCE", "severity": "high", "title": "Prix élevé",
                           "detail": "LEFEVRE-VERT ELOISE paie plus que le TRV chez ENGIE (engie.fr).",
                           "evidence": "Réf. client 998 877 665", "action": "Changez d'offre.",
                           "estimated_impact_eur_per_year": 120.0})
    cases.append((d, ["Lefèvre", "Lefevre", "Éloïse", "Vert", "Saint-Étienne", "Les Pins", "42100", "998877665",
                      "engie.fr", "Engie"]))
    return cases


def stress_analysis() -> dict:
    """A dual bill with everything long: names, offers, issues, warnings,
    big amounts. Made to push text past its boxes if anything can."""
    a = analysis_from_truth(json.loads((CORPUS / "dev-008.json").read_text(encoding="utf-8")))
    a["customer"] = {
        "name": "Marie-Charlotte-Alexandrine de La Tour d'Auvergne-Lauraguais",
        "address": "Résidence des Grands Chênes Centenaires, Bâtiment Hêtre-Pourpre, escalier C, 1234 ter avenue du "
                   "Maréchal-de-Lattre-de-Tassigny-et-de-la-Première-Armée-Française, 75016 Paris",
        "client_number": "1-ABCDEFGHIJKLMNOPQRSTUV",
        "delivery_address": "Lieu-dit Les-Hauts-de-la-Montagne-Sans-Espace-Aucun-Pour-Couper-La-Ligne, 05100 Briançon",
    }
    a["invoice_number"] = "FACTURE-2025-000000000000000000123456789"
    a["offer_name"] = "Offre-Électricité-Et-Gaz-Verte-Indexée-Sur-Le-Marché-De-Gros-Avec-Options-Premium-2025"
    a["total_ttc_eur"] = 1234567.89
    for block in a["market"]["by_energy"].values():
        extra = []
        for i in range(10):
            o = dict(block["offers"][i % len(block["offers"])])
            o["supplier"] = f"Fournisseur-Régional-Coopératif-Numéro-{i}-Sans-Espace-Dans-Son-Nom"
            o["offer_name"] = ("Offre " + "TrèsLongueOffreSansAucuneEspacePourCouper" * 2 + f" {i}")
            o["annual_cost_eur"] = 123456.78 + i * 1000
            o["source"] = "https://exemple-de-grille-tarifaire-extremement-longue.example/chemin/" + "x" * 80
            extra.append(o)
        block["offers"] = block["offers"] + extra
        block["annual_cost_eur"] = 1234567.0
        block["estimated_savings_eur_per_year"] = 999999.0
    a["market"]["estimated_savings_eur_per_year"] = 1999998.0
    a["issues"] = [
        {"code": code, "severity": sev, "title": "Titre très long " * 6 + code,
         "detail": "Détail " + "avec beaucoup de mots pour remplir la carte " * 4,
         "evidence": "Ligne-De-Facture-Sans-Espace-" * 6, "action": "Que faire : " + "agir vite et bien " * 5,
         "estimated_impact_eur_per_year": 123456.0}
        for code, sev in zip(list(ISSUE_TEXT)[:5], ["high", "medium", "low"] * 2, strict=False)
    ]
    a["warnings"] = ["Avertissement " + "très long sur une valeur incertaine " * 8 for _ in range(2)]
    a["fields"] = {path: {"confidence": 0.3, "source": "ocr", "page": 1}
                   for path in ("supplier", "electricity.pdl", "gas.pce", "total_ttc_eur", "electricity.tariff_option")}
    return a


def stress_highlights() -> list[str]:
    return ["Surlignage-Sans-Espace-" * 5, "Une ligne de résumé assez longue pour passer sur deux lignes au moins",
            "Trois", "Quatre"]
