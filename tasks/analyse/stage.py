"""The analyse stage proper: market positioning and hidden issues for one
`analysis` (see the package docstring and docs/analysis-method.md)."""
from __future__ import annotations

import copy

from . import fmt
from .billprices import lines_gap
from .compare import combine, compare_energy, energies_of
from .inputs import clean
from .issues import Context, detect
from .marketdata import load_offers, load_reference

EMPTY_MARKET = {
    "reference": None,
    "annual_consumption_kwh": None,
    "annual_cost_eur": None,
    "reference_annual_cost_eur": None,
    "gap_percent": None,
    "gap_capped": False,
    "estimated_savings_eur_per_year": None,
    "offers": [],
    "best_offer": None,
}


def analyse(analysis: dict, *, gap_cap_percent: float = 12.0) -> dict:
    result = copy.deepcopy(analysis)
    warnings = [w for w in result.get("warnings") or [] if isinstance(w, str)] \
        if isinstance(result.get("warnings"), list) else []
    view = clean(result)  # typed copy the stage computes from; `result` keeps extraction's values
    ref, catalogue = load_reference(), load_offers()
    energies = energies_of(view)
    comparisons = {}
    for energy in energies:
        key = "electricity" if energy == "electricite" else "gas"
        if view.get(key) is None:
            warnings.append(f"Données {'électricité' if energy == 'electricite' else 'gaz'} absentes de l'extraction : "
                            "pas de comparaison pour cette énergie.")
            continue
        comparisons[energy] = compare_energy(view, energy, ref, catalogue)
    markets = {energy: c.market(gap_cap_percent) for energy, c in comparisons.items()}
    if view["energy"] == "dual" or len(markets) > 1:
        market = combine(markets, gap_cap_percent)
        customer, reference = market["annual_cost_eur"], market["reference_annual_cost_eur"]
        if customer is not None and reference:
            market["reference_gap_percent"] = round((customer - reference) / reference * 100, 1)
    elif markets:
        market = next(iter(markets.values()))
    else:
        market = dict(EMPTY_MARKET)
        if not energies:
            warnings.append("Aucune énergie reconnue sur ce document : pas de comparaison au marché.")
    coverage = _lines_coverage(view)
    if coverage:
        warnings.append(coverage)
    result["market"] = market
    result["issues"] = detect(Context(view, comparisons, ref))
    for comparison in comparisons.values():
        for warning in comparison.warnings:
            if warning not in warnings:
                warnings.append(warning)
    result["warnings"] = warnings
    return result


def _lines_coverage(view: dict) -> str | None:
    """The lines read must add up to the HT total, or a line escaped the
    reading and the yearly costs built from them are to be checked."""
    if not view["lines"] or view["total_ht_eur"] is None:
        return None
    gap = lines_gap(view)
    if gap is None:
        return "Le montant d'une ligne de la facture n'a pas pu être lu : les coûts annuels calculés sont à vérifier."
    if gap == 0:
        return None
    return (f"Les lignes lues totalisent {fmt.eur(view['total_ht_eur'] - gap)} HT pour un total HT imprimé de "
            f"{fmt.eur(view['total_ht_eur'])} : une ligne a pu échapper à la lecture, les coûts annuels calculés "
            "sont à vérifier.")
