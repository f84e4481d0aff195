"""Rebuild `tariffs.json` from the team's domain references.

The generator must not read ../shared at test time (CI has a clean clone), so
the figures it needs are copied here once, with their sources. Run it again
when `reference_tariffs.json` changes:

    python -m tests.generator.refresh_tariffs /work/shared/domain/reference_tariffs.json
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from statistics import mean

HERE = Path(__file__).resolve().parent
KVAS = (3, 6, 9, 12, 15, 18, 24, 30, 36)


def _vat_sub(window: dict) -> float:
    return 1.2 if window["effective_from"] >= "2025-08-01" else 1.055


def _electricity(ref: dict) -> list[dict]:
    windows = []
    for w in ref["electricity"]["trve_tarif_bleu_residentiel"]["periods"]:
        vat = _vat_sub(w)
        accise = w["accise_eur_per_mwh_in_ttc"] / 1000
        cre = {row["kva"]: row for row in w["base"]["cre_annual"] if row["fixed_annual_ht_eur"]}
        # The CTA is inside the CRE's TTC subscription: TTC = (HT + CTA) x VAT.
        shares = [(r["fixed_annual_ttc_eur"] / vat - r["fixed_annual_ht_eur"]) / r["fixed_annual_ht_eur"] for r in cre.values()]
        cta_share = mean(shares)
        energy = [r["energy_ht_eur_per_kwh"] for r in cre.values()]
        by_kva_ttc = w["base"].get("energy_ttc_eur_per_kwh_by_kva") or {}
        grid = w["base"].get("edf_grid_monthly_ttc_eur") or {}
        base = {}
        for kva in KVAS:
            if kva in cre:
                row = cre[kva]
                base[str(kva)] = {"sub_ht": row["fixed_annual_ht_eur"], "price_ht": row["energy_ht_eur_per_kwh"],
                                  "cta_year": round(row["fixed_annual_ttc_eur"] / vat - row["fixed_annual_ht_eur"], 2),
                                  "derived": False}
            elif str(kva) in grid:
                sub = grid[str(kva)] * 12 / vat / (1 + cta_share)
                price = round(by_kva_ttc[str(kva)] / 1.2 - accise, 4) if str(kva) in by_kva_ttc else energy[-1]
                base[str(kva)] = {"sub_ht": round(sub, 2), "price_ht": price,
                                  "cta_year": round(sub * cta_share, 2), "derived": True}
        entry = {"from": w["effective_from"], "to": w["effective_to"], "accise_eur_per_kwh": accise,
                 "vat_subscription_pct": 20.0 if vat == 1.2 else 5.5,
                 "cta_pct": 15.0 if w["effective_from"] >= "2026-02-01" else 21.93,
                 "cta_share_of_subscription": round(cta_share, 4), "base": base, "hphc": {}, "tempo": {}}
        hp = w["hphc"]
        hp_ht = hp.get("hp_ht_eur_per_kwh") or hp.get("hp_ht_eur_per_kwh_derived")
        hc_ht = hp.get("hc_ht_eur_per_kwh") or hp.get("hc_ht_eur_per_kwh_derived")
        if hp_ht and hp.get("edf_grid_monthly_ttc_eur"):
            for kva, ttc in hp["edf_grid_monthly_ttc_eur"].items():
                if kva.startswith("_"):
                    continue
                sub = ttc * 12 / vat / (1 + cta_share)
                entry["hphc"][kva] = {"sub_ht": round(sub, 2), "hp_ht": hp_ht, "hc_ht": hc_ht,
                                      "cta_year": round(sub * cta_share, 2)}
        tp = w["tempo"]
        if tp.get("edf_grid_monthly_ttc_eur") and tp.get("ttc_eur_per_kwh"):
            prices = {k: round(v / 1.2 - accise, 4) for k, v in tp["ttc_eur_per_kwh"].items()}
            for kva, ttc in tp["edf_grid_monthly_ttc_eur"].items():
                if kva.startswith("_"):
                    continue
                sub = ttc * 12 / vat / (1 + cta_share)
                entry["tempo"][kva] = {"sub_ht": round(sub, 2), "prices_ht": prices,
                                       "cta_year": round(sub * cta_share, 2)}
        windows.append(entry)
    return windows


def _rate_on(values: list[dict], day: str) -> float:
    for v in values:
        if (v["effective_from"] or "0000") <= day and (v["effective_to"] is None or day <= v["effective_to"]):
            return v["rate"]
    raise ValueError(day)


def _gas(ref: dict) -> dict:
    g = ref["gas"]["prix_repere_vente_gaz_naturel_cre"]
    accise_values = ref["taxes_and_levies"]["accise_gaz_naturel"]["values"]
    history = g["abonnement_history_ttc_eur_per_year"]
    # Ratio TTC/(VAT x HT) where the CRE published both: the CTA share of each band.
    known = next(h for h in history if h["from"] == "2024-07")
    ratio = {band: known[band] / 1.055 / known["ht"][band] for band in ("cuisson_eau_chaude", "chauffage")}
    months = {}
    rows = g["monthly"]
    for i, m in enumerate(rows):
        month = m["month"]
        accise = _rate_on(accise_values, month + "-15") / 1000
        vat = 1.2 if month >= "2025-08" else 1.055
        entry = {}
        for band, tariff in (("cuisson_eau_chaude", "T1"), ("chauffage", "T2")):
            ttc = m[f"{band}_kwh_ttc"]
            derived = False
            if ttc is None:  # 2025-04 cuisson: neighbours' mean
                ttc = (rows[i - 1][f"{band}_kwh_ttc"] + rows[i + 1][f"{band}_kwh_ttc"]) / 2
                derived = True
            sub_ttc = m[f"abonnement_{band}_ttc_eur_per_year"]
            hist = next((h for h in history if h["from"] <= month and (h["to"] is None or month <= h["to"])), None)
            if hist and hist.get("ht"):
                sub_ht = hist["ht"][band]
            else:
                sub_ht = round(sub_ttc / vat / ratio[band], 2)
            entry[tariff] = {"kwh_ttc": round(ttc, 5), "kwh_ht": round(ttc / 1.2 - accise, 5),
                             "sub_ht_year": sub_ht, "cta_year": round(sub_ht * (ratio[band] - 1), 2),
                             "derived": derived}
        entry["accise_eur_per_kwh"] = accise
        months[month] = entry
    return {"months": months, "accise": [{"from": v["effective_from"], "to": v["effective_to"], "eur_per_kwh": v["rate"] / 1000}
                                        for v in accise_values]}


def build(ref_path: Path) -> dict:
    ref = json.loads(ref_path.read_text())
    elec_accise = ref["taxes_and_levies"]["accise_electricite_menages_le_36kva"]["values"]
    return {
        "_about": {
            "source": "Copied from the project's domain references reference_tariffs.json "
                      "(EDF Tarif Bleu / CRE TRVE by movement, CRE gas prix repère by month, accise, CTA, VAT; "
                      "each figure's original source is named there).",
            "generated": date.today().isoformat(),
            "units": "EUR HT unless named _ttc; subscriptions per year; energy per kWh",
            "derived": "sub_ht where the CRE gives only a TTC grid: TTC x 12 / VAT / (1 + CTA share of the CRE rows of the "
                       "same movement); tempo HT kWh = TTC / 1.2 - accise; gas kWh HT = TTC / 1.2 - accise of the month; "
                       "gas subscription HT after June 2025 = TTC / VAT / (TTC/HT ratio of July 2024); gas CTA = "
                       "that ratio's excess over HT. Rows marked derived=true.",
            "tool": "python -m tests.generator.refresh_tariffs <reference_tariffs.json>",
        },
        "electricity": {"windows": _electricity(ref),
                        "accise": [{"from": v["effective_from"], "to": v["effective_to"], "eur_per_kwh": v["rate"] / 1000}
                                   for v in elec_accise]},
        "gas": _gas(ref),
    }


if __name__ == "__main__":
    out = build(Path(sys.argv[1]))
    (HERE / "tariffs.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print("written", HERE / "tariffs.json")
