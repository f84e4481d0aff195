"""3–4 short French lines summing up the analysis for the report's cover.

Built only from computed figures and issue titles: never a supplier, offer or
customer name. When a figure is unknown the line is left out rather than
guessed; when little is known, fewer lines are better than vague ones.
"""
from __future__ import annotations

from . import fmt

MAX_CHARS = 90
MAX_LINES = 4

SHORT_TITLES = {
    "PRICE_ABOVE_REFERENCE": "prix de l'électricité au-dessus du tarif réglementé",
    "POWER_OVERSIZED": "puissance souscrite trop élevée pour votre consommation",
    "HPHC_UNPROFITABLE": "option Heures Creuses peu rentable pour vous",
    "ESTIMATED_READING": "facture établie sur un relevé estimé",
    "PAID_SERVICES": "services payants ajoutés à la facture",
    "LATE_FEES": "frais de retard ou de relance facturés",
    "VAT_ANOMALY": "taxes ou TVA mal appliquées",
    "INDEXED_OFFER": "prix indexé, il peut augmenter à tout moment",
    "TOTALS_MISMATCH": "totaux de la facture incohérents",
}


def _fits(line: str) -> bool:
    return len(line) <= MAX_CHARS


# (subject form, "de" form) of each benchmark, for correct French.
REFERENCE_NAME = {
    "trve": ("le tarif réglementé", "du tarif réglementé"),
    "prix_repere": ("le prix repère de la CRE", "du prix repère de la CRE"),
    "mixed": ("les prix de référence", "des prix de référence"),
}
DEFAULT_REFERENCE = ("la référence", "de la référence")


def _reference(market: dict) -> tuple[str, str]:
    return REFERENCE_NAME.get(market.get("reference_kind"), DEFAULT_REFERENCE)


def _savings_line(market: dict) -> str | None:
    savings = market.get("estimated_savings_eur_per_year")
    if savings is None:
        return None
    basis = market.get("savings_basis")
    reference, of_reference = _reference(market)
    if savings < 5:
        if basis == "best_offer":
            return "Votre contrat est déjà au niveau des offres les moins chères du marché."
        if basis == "reference":
            return f"Sur un an, votre contrat coûte moins cher que {reference}."
        return None
    amount = fmt.eur(fmt.round_savings(savings), 0)
    if basis == "best_offer":
        return f"Économie possible : environ {amount} par an avec l'offre la moins chère du marché."
    if basis == "reference":
        return f"Économie possible : environ {amount} par an en payant au niveau {of_reference}."
    return f"Économie possible : environ {amount} par an en changeant d'offre."


def _versus(gap: float) -> str:
    if gap > 0.5:
        return f"{fmt.percent(gap)} au-dessus"
    if gap < -0.5:
        return f"{fmt.percent(-gap)} en dessous"
    return "au niveau"


def _energy_position(market: dict) -> tuple[float, str] | None:
    """(gap, benchmark) of one energy: against its best offer, else its reference."""
    if market.get("gap_percent") is not None:
        return market["gap_percent"], "de la meilleure offre"
    if market.get("reference_gap_percent") is not None:
        return market["reference_gap_percent"], _reference(market)[1].replace(" de la CRE", "")
    return None


def _position_line(market: dict) -> str | None:
    by_energy = market.get("by_energy") or {}
    if by_energy:
        elec, gas = (_energy_position(by_energy.get(e) or {}) for e in ("electricite", "gaz"))
        if elec and gas and ((elec[0] > 0.5) != (gas[0] > 0.5) or market.get("gap_percent") is None):
            # The energies sit on different sides of their benchmark (or have
            # different benchmarks): one combined figure would hide it.
            gas_text = f"{_versus(gas[0])}" if gas[1] == elec[1] else f"{_versus(gas[0])} {gas[1]}"
            line = f"Électricité : {_versus(elec[0])} {elec[1]} ; gaz : {gas_text}."
            if _fits(line):
                return line
    gap = market.get("gap_percent")
    if gap is None:
        ref_gap = market.get("reference_gap_percent")
        if ref_gap is None or market.get("savings_basis") not in ("reference", "mixed"):
            return None
        reference = _reference(market)[0]
        if ref_gap > 0.5:
            return f"Vous payez {fmt.percent(ref_gap)} de plus que {reference}."
        if ref_gap < -0.5:
            return f"Vous payez {fmt.percent(-ref_gap)} de moins que {reference}."
        return f"Vous payez le même prix que {reference}."
    if gap > 0.5:
        prefix = "au moins " if market.get("gap_capped") else ""
        return f"Vous payez {prefix}{fmt.percent(gap)} de plus que l'offre la moins chère du marché."
    if gap < -0.5:
        return "Vous payez moins que toutes les offres du marché comparées."
    return "Vous payez le prix de l'offre la moins chère du marché."


def _issue_line(issue: dict) -> str:
    title = SHORT_TITLES.get(issue.get("code"), issue.get("title") or "")
    if issue.get("code") == "PRICE_ABOVE_REFERENCE" and issue.get("energy") == "gaz":
        title = "prix du gaz au-dessus du prix repère de la CRE"
    impact = issue.get("estimated_impact_eur_per_year")
    prefix = "Point à corriger" if issue.get("severity") == "high" else "À vérifier"
    line = f"{prefix} : {title}"
    if impact and impact >= 5 and issue.get("code") not in ("LATE_FEES", "TOTALS_MISMATCH"):
        with_impact = f"{line} (≈ {fmt.eur(fmt.round_savings(impact), 0)}/an)."
        if _fits(with_impact):
            return with_impact
    return line + "."


def highlights(analysis: dict) -> list[str]:
    market = analysis.get("market") or {}
    issues = [i for i in analysis.get("issues") or [] if isinstance(i, dict)]
    lines = []
    for line in (_savings_line(market), _position_line(market)):
        if line and _fits(line):
            lines.append(line)
    seen = set()
    for issue in issues:
        if len(lines) >= MAX_LINES:
            break
        code = issue.get("code")
        if code in seen:
            continue
        seen.add(code)
        line = _issue_line(issue)
        if _fits(line):
            lines.append(line)
    if not issues and len(lines) < MAX_LINES and analysis.get("lines"):
        # Only when billed lines were there to check.
        lines.append("Aucune anomalie détectée sur les montants facturés.")
    return lines[:MAX_LINES]
