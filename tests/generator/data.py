"""Invented identities and the suppliers' offers the synthetic bills use.

People, streets and account numbers are invented (any match with a real
person is chance). Cities and postcodes are real so that addresses look
right. Supplier names are real brands because the service must recognise
them; their legal details (SIREN, capital, head office) are invented.
Offer names come from the team's market catalogue (`market_offers.json`,
as of 2026-05-07: JC144/EDF_Simulateur_Prix, MyElectricalData scrapers,
archived supplier PDF grids); names marked `invented` are not in it.
"""
from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent

FIRST_NAMES = [
    ("Élodie", "f"), ("Chloé", "f"), ("Hélène", "f"), ("Anaïs", "f"), ("Maëlle", "f"), ("Zoé", "f"),
    ("Gaëlle", "f"), ("Inès", "f"), ("Célia", "f"), ("Camille", "f"), ("Sophie", "f"), ("Nathalie", "f"),
    ("Isabelle", "f"), ("Sandrine", "f"), ("Aurélie", "f"), ("Léa", "f"), ("Manon", "f"), ("Yasmine", "f"),
    ("Fatou", "f"), ("Marie-Claire", "f"), ("Anne-Sophie", "f"), ("Bérénice", "f"), ("Noémie", "f"),
    ("Agnès", "f"), ("Françoise", "f"), ("Lucie", "f"), ("Amina", "f"), ("Thi Lan", "f"), ("Solène", "f"),
    ("Jérôme", "m"), ("François", "m"), ("Benoît", "m"), ("Loïc", "m"), ("Théo", "m"), ("Noé", "m"),
    ("Julien", "m"), ("Nicolas", "m"), ("Laurent", "m"), ("Stéphane", "m"), ("Thomas", "m"), ("Hugo", "m"),
    ("Karim", "m"), ("Mehdi", "m"), ("Jean-Pierre", "m"), ("Jean-Baptiste", "m"), ("Rémi", "m"),
    ("Grégoire", "m"), ("Mathéo", "m"), ("Cédric", "m"), ("Olivier", "m"), ("Sébastien", "m"),
    ("Antoine", "m"), ("Yannick", "m"), ("Moussa", "m"), ("Raphaël", "m"), ("Joël", "m"), ("Hervé", "m"),
]

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Bénard", "Gérard", "Lemaître", "Le Goff", "Le Gall", "Da Silva", "N'Diaye", "Nguyen", "Benali",
    "Kowalski", "Haddad", "Marchand", "Duval", "Denis", "Lemoine", "Caron", "Meunier", "Brunet", "Boyer",
    "Hoarau", "Pelletier", "Rivière", "Lecomte", "Bouvier", "Cordier", "Ménard", "Barbier", "Brière",
]

STREET_TYPES = ["rue", "rue", "rue", "avenue", "avenue", "boulevard", "allée", "chemin", "impasse", "place",
                "route", "quai", "cours", "square"]
STREET_NAMES = [
    "des Lilas", "Victor Hugo", "Jean Jaurès", "de la République", "du Général de Gaulle", "Pasteur",
    "des Écoles", "Saint-Éloi", "de l'Église", "du Moulin", "des Tilleuls", "Émile Zola", "de la Gare",
    "des Peupliers", "Gambetta", "du Château", "de Verdun", "Anatole France", "des Acacias", "de Bretagne",
    "du Stade", "Georges Brassens", "Jules Ferry", "des Vignes", "du Maréchal Foch", "de la Liberté",
    "Lamartine", "des Cerisiers", "Sainte-Catherine", "du Port", "de la Fontaine", "des Hirondelles",
    "Marcel Pagnol", "Édouard Herriot", "Louise Michel", "Simone Veil", "de l'Industrie", "du Levant",
    "des Coquelicots", "Albert Camus", "Paul Éluard", "des Bleuets", "Colbert", "de Provence",
]
COMPLEMENTS = ["Bât. B", "Bâtiment C", "Appt 12", "Appartement 4", "Porte 5", "Résidence Les Érables",
               "Résidence du Parc", "Escalier A", "3e étage", "Lieu-dit Les Granges"]

# (postcode, city, gas: True = northern low-calorific gas B area, altitude metres)
CITIES = [
    ("75011", "Paris", False, 40), ("69003", "Lyon", False, 170), ("13005", "Marseille", False, 30),
    ("31000", "Toulouse", False, 150), ("33000", "Bordeaux", False, 20), ("44000", "Nantes", False, 20),
    ("59000", "Lille", True, 25), ("67000", "Strasbourg", False, 140), ("35000", "Rennes", False, 40),
    ("34000", "Montpellier", False, 30), ("06000", "Nice", False, 10), ("38000", "Grenoble", False, 215),
    ("21000", "Dijon", False, 245), ("49000", "Angers", False, 40), ("37000", "Tours", False, 50),
    ("87000", "Limoges", False, 300), ("63000", "Clermont-Ferrand", False, 400), ("29200", "Brest", False, 50),
    ("80000", "Amiens", True, 35), ("51100", "Reims", False, 85), ("45000", "Orléans", False, 110),
    ("14000", "Caen", False, 20), ("76600", "Le Havre", False, 10), ("42000", "Saint-Étienne", False, 520),
    ("83000", "Toulon", False, 10), ("30000", "Nîmes", False, 40), ("84000", "Avignon", False, 20),
    ("64100", "Bayonne", False, 10), ("17000", "La Rochelle", False, 5), ("56000", "Vannes", False, 20),
    ("74000", "Annecy", False, 450), ("68100", "Mulhouse", False, 240), ("57000", "Metz", False, 180),
    ("54000", "Nancy", False, 200), ("25000", "Besançon", False, 250), ("86000", "Poitiers", False, 110),
    ("66000", "Perpignan", False, 30), ("24000", "Périgueux", False, 90), ("62100", "Calais", True, 5),
    ("02100", "Saint-Quentin", True, 90), ("41000", "Blois", False, 70), ("95000", "Cergy", False, 50),
    ("92100", "Boulogne-Billancourt", False, 35), ("94300", "Vincennes", False, 50),
    ("64500", "Saint-Jean-de-Luz", False, 5), ("59650", "Villeneuve-d'Ascq", True, 30),
    ("84800", "L'Isle-sur-la-Sorgue", False, 60), ("13100", "Aix-en-Provence", False, 170),
    ("51000", "Châlons-en-Champagne", False, 85), ("01000", "Bourg-en-Bresse", False, 230),
    ("43000", "Le Puy-en-Velay", False, 630), ("69110", "Sainte-Foy-lès-Lyon", False, 250),
    ("19100", "Brive-la-Gaillarde", False, 140), ("73000", "Chambéry", False, 270),
]

SERVICES = [
    # (label, monthly HT price)
    ("Assistance dépannage électricité", 2.49),
    ("Option Sérénité Chaudière", 7.90),
    ("Assurance Facture Protégée", 2.99),
    ("Pack Dépannage Plomberie", 4.16),
    ("Garantie Équipements Électroménager", 5.83),
    ("Service Protection Habitat", 3.33),
    ("Entretien chaudière gaz (mensualisé)", 9.99),
]

LATE_FEES = [
    # (label, HT amount, VAT rate): penalties are outside the scope of VAT
    ("Frais de relance", 7.50, 20.0),
    ("Frais de rejet de prélèvement", 10.00, 20.0),
    ("Pénalités de retard de paiement", None, 0.0),
    ("Majoration pour retard de paiement", None, 0.0),
    ("Indemnité forfaitaire pour frais de recouvrement", 40.00, 0.0),
    ("Frais de déplacement pour impayé", 49.80, 20.0),
]


@lru_cache(maxsize=1)
def tariffs() -> dict:
    return json.loads((HERE / "tariffs.json").read_text())


def luhn_complete(digits: str) -> str:
    """`digits` plus the Luhn check digit, the way SIREN numbers are built."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def random_digits(rng: random.Random, n: int, first_nonzero: bool = True) -> str:
    head = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return head + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def fake_iban(rng: random.Random) -> str:
    """A French IBAN with a valid check number (bank and account invented)."""
    bban = random_digits(rng, 10) + random_digits(rng, 11, False) + random_digits(rng, 2, False)
    numeric = int(bban + "152700")  # F=15, R=27, check digits 00
    check = 98 - numeric % 97
    return f"FR{check:02d}{bban}"


def person(rng: random.Random) -> dict:
    first, sex = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    civility = rng.choice(["M.", "Monsieur"]) if sex == "m" else rng.choice(["Mme", "Madame"])
    number = rng.randint(1, 180)
    suffix = rng.choice(["", "", "", "", "", " bis", " ter"])
    street = f"{rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}"
    postcode, city, gas_b, altitude = rng.choice(CITIES)
    complement = rng.choice(COMPLEMENTS) if rng.random() < 0.2 else None
    return {
        "civility": civility, "first": first, "last": last, "number": f"{number}{suffix}", "street": street,
        "complement": complement, "postcode": postcode, "city": city, "gas_b": gas_b, "altitude": altitude,
    }


def other_address(rng: random.Random, near: dict) -> dict:
    """A consumption site elsewhere (second home), for bills whose billing address differs."""
    postcode, city, gas_b, altitude = rng.choice(CITIES)
    return {"number": str(rng.randint(1, 90)), "street": f"{rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}",
            "complement": None, "postcode": postcode, "city": city, "gas_b": gas_b, "altitude": altitude}


# Supplier identities: the brand spellings a report must mask, invented legal details.
SUPPLIERS = {
    "Ekwateur": {
        "display": "ekWateur", "spellings": ["Ekwateur", "ekWateur", "EKWATEUR"], "legal": "ekWateur SAS",
        "domains": ["ekwateur.fr"], "city": "75010 Paris", "street": "12 rue du Faubourg Poissonnière",
        "capital": "1 208 400", "rcs": "Paris",
    },
    "Octopus Energy": {
        "display": "Octopus Energy", "spellings": ["Octopus Energy", "Octopus", "OCTOPUS ENERGY"],
        "legal": "Octopus Energy France SAS", "domains": ["octopusenergy.fr"], "city": "75009 Paris",
        "street": "6 boulevard Haussmann", "capital": "4 500 000", "rcs": "Paris",
    },
    "Mint Energie": {
        "display": "Mint Énergie", "spellings": ["Mint Energie", "Mint Énergie", "MINT ENERGIE", "Mint"],
        "legal": "Mint Énergie SAS", "domains": ["mint-energie.com"], "city": "92300 Levallois-Perret",
        "street": "27 rue Rivay", "capital": "650 000", "rcs": "Nanterre",
    },
    "OHM Energie": {
        "display": "OHM Énergie", "spellings": ["OHM Energie", "OHM Énergie", "Ohm Énergie", "OHM"],
        "legal": "OHM Énergie SAS", "domains": ["ohm-energie.com"], "city": "75008 Paris",
        "street": "48 rue de Ponthieu", "capital": "2 163 000", "rcs": "Paris",
    },
    "Vattenfall": {
        "display": "Vattenfall", "spellings": ["Vattenfall", "VATTENFALL"], "legal": "Vattenfall Énergies SAS",
        "domains": ["vattenfall.fr"], "city": "92400 Courbevoie", "street": "9 place des Vosges",
        "capital": "7 000 000", "rcs": "Nanterre",
    },
    "ilek": {
        "display": "ilek", "spellings": ["ilek", "Ilek", "ILEK"], "legal": "ilek SAS", "domains": ["ilek.fr"],
        "city": "31200 Toulouse", "street": "14 rue Raymond Grimaud", "capital": "312 000", "rcs": "Toulouse",
    },
    "Eni": {
        "display": "Plenitude", "spellings": ["Eni", "Plenitude", "Eni Plenitude", "PLENITUDE"],
        "legal": "Eni Plenitude France SA", "domains": ["eniplenitude.fr", "eni.fr"], "city": "92300 Levallois-Perret",
        "street": "24 rue Jacques Ibert", "capital": "19 453 700", "rcs": "Nanterre",
    },
    "Enercoop": {
        "display": "Enercoop", "spellings": ["Enercoop", "ENERCOOP"], "legal": "Enercoop SCIC SA",
        "domains": ["enercoop.fr"], "city": "75011 Paris", "street": "16-18 quai de la Loire",
        "capital": "variable", "rcs": "Paris",
    },
    "Wekiwi": {
        "display": "Wekiwi", "spellings": ["Wekiwi", "WEKIWI"], "legal": "Wekiwi SAS", "domains": ["wekiwi.fr"],
        "city": "69007 Lyon", "street": "21 quai Claude Bernard", "capital": "1 450 000", "rcs": "Lyon",
    },
    "Gaz de Bordeaux": {
        "display": "Gaz de Bordeaux", "spellings": ["Gaz de Bordeaux", "GAZ DE BORDEAUX"],
        "legal": "Gaz de Bordeaux SAEML", "domains": ["gazdebordeaux.fr"], "city": "33000 Bordeaux",
        "street": "6 place Ravezies", "capital": "44 092 000", "rcs": "Bordeaux",
    },
    "Iberdrola": {
        "display": "Iberdrola", "spellings": ["Iberdrola", "IBERDROLA", "Iberdrola Clienti France"],
        "legal": "Iberdrola Clienti France SAS", "domains": ["iberdrola.fr"], "city": "92800 Puteaux",
        "street": "5 place de la Pyramide", "capital": "12 400 000", "rcs": "Nanterre",
    },
    "Alpiq": {
        "display": "Alpiq", "spellings": ["Alpiq", "ALPIQ", "alpiq"], "legal": "Alpiq Energie France SAS",
        "domains": ["alpiq.fr", "particuliers.alpiq.fr"], "city": "75009 Paris",
        "street": "32 rue de Châteaudun", "capital": "3 800 000", "rcs": "Paris",
    },
    "ÉS": {
        "display": "ÉS", "spellings": ["ÉS", "Électricité de Strasbourg", "ÉS Énergies Strasbourg",
                                       "ES Energies Strasbourg"],
        "legal": "ÉS Énergies Strasbourg SA", "domains": ["es.fr"], "city": "67953 Strasbourg Cedex 9",
        "street": "14 rue de la Forêt-Noire", "capital": "45 880 000", "rcs": "Strasbourg",
    },
    "Happ-e": {  # Engie's online brand: the legal entity printed is the parent company
        "display": "happ-e", "spellings": ["Happ-e", "happ-e", "HAPP-E", "Happ-e by Engie"],
        "legal": "ENGIE SA", "domains": ["happ-e.fr"], "city": "92400 Courbevoie",
        "street": "4 place des Saisons", "capital": "2 418 700 000", "rcs": "Nanterre",
    },
    "Primeo Energie": {
        "display": "Primeo Energie", "spellings": ["Primeo Energie", "Primeo Énergie", "PRIMEO ENERGIE", "Primeo",
                                                   "primeo"],
        "legal": "Primeo Energie France SAS", "domains": ["primeo-energie.fr", "particuliers.primeo-energie.fr"],
        "city": "75008 Paris", "street": "17 rue de Miromesnil", "capital": "2 450 000", "rcs": "Paris",
    },
    "Plum Energie": {
        "display": "Plüm énergie", "spellings": ["Plum Energie", "Plüm énergie", "Plüm Énergie", "PLÜM ÉNERGIE",
                                                 "Plüm"],
        "legal": "Plüm Énergie SAS", "domains": ["plum.fr"], "city": "69002 Lyon",
        "street": "8 quai Saint-Antoine", "capital": "1 120 000", "rcs": "Lyon",
    },
    "OVO Energy": {
        "display": "OVO Energy", "spellings": ["OVO Energy", "OVO Énergie", "OVO ENERGY", "OVO", "ovo"],
        "legal": "OVO Energy France SAS", "domains": ["ovoenergy.fr", "moncompte.ovoenergy.fr"],
        "city": "75002 Paris", "street": "21 rue du Sentier", "capital": "5 200 000", "rcs": "Paris",
    },
    "Yéli": {  # GEG's retail brand; the legal entity printed is Gaz Électricité de Grenoble
        "display": "Yéli", "spellings": ["Yéli", "YÉLI", "Yéli by GEG"],
        "legal": "Gaz Électricité de Grenoble", "domains": ["yeli.fr", "geg.fr"], "city": "38000 Grenoble",
        "street": "8 place Robert Schuman", "capital": "49 540 000", "rcs": "Grenoble",
    },
    "Dyneff": {
        "display": "Dyneff", "spellings": ["Dyneff", "DYNEFF", "Dyneff Gaz & Électricité"],
        "legal": "Dyneff SAS", "domains": ["dyneff.fr"], "city": "34000 Montpellier",
        "street": "1350 avenue Albert Einstein", "capital": "44 050 000", "rcs": "Montpellier",
    },
    "Butagaz": {
        "display": "Butagaz", "spellings": ["Butagaz", "BUTAGAZ", "butagaz"],
        "legal": "Butagaz SAS", "domains": ["butagaz.fr", "espace-client.butagaz.fr"], "city": "92300 Levallois-Perret",
        "street": "47-53 rue Raspail", "capital": "195 225 000", "rcs": "Nanterre",
    },
}

# Offer names per supplier and energy: (name, pricing, in the market catalogue?)
OFFERS = {
    "Ekwateur": {
        "electricite": [("Électricité verte - Prix fixe", "fixe", True), ("Électricité verte fixe", "fixe", True),
                        ("Électricité verte variable", "indexe", True)],
        "gaz": [("Gaz vert - Prix fixe", "fixe", False), ("Gaz vert - Prix variable", "indexe", False)],
    },
    "Octopus Energy": {
        "electricite": [("Eco Conso Fixe", "fixe", True), ("Octo Fixe 2 ans", "fixe", False),
                        ("Octo Variable", "indexe", False)],
        "gaz": [("Gaz Fixe 1 an", "fixe", False), ("Octo Gaz Variable", "indexe", False)],
    },
    "Mint Energie": {
        "electricite": [("Classic & Green", "fixe", True), ("Smart & Green", "fixe", True),
                        ("Online & Green", "indexe", True)],
        "gaz": [("Gaz Online & Green", "indexe", False), ("Gaz Classic Fixe", "fixe", False)],
    },
    "OHM Energie": {
        "electricite": [("Offre Extra Eco Fixe", "fixe", True), ("Offre Fixe 1 an", "fixe", True),
                        ("Offre Classique", "indexe", True), ("Offre Hyper Eco", "indexe", True)],
        "gaz": [("Extra Eco Gaz (fixe 1 an)", "fixe", True), ("Offre Fixe 2 ans (gaz)", "fixe", True),
                ("Classique Gaz", "indexe", True)],
    },
    "Vattenfall": {
        "electricite": [("Électricité Verte Équilibre", "indexe", True), ("Électricité Verte Fixe 2 ans", "fixe", False)],
        "gaz": [("Gaz Équilibre", "indexe", False), ("Gaz Fixe 2 ans", "fixe", False)],
    },
    "ilek": {
        "electricite": [("Électricité verte locale - Prix fixe", "fixe", False),
                        ("Électricité verte locale - Prix indexé", "indexe", False)],
        "gaz": [("Biogaz local - Prix fixe", "fixe", False), ("Gaz vert - Prix indexé", "indexe", False)],
    },
    "Eni": {
        "electricite": [("Plenifix 1 an Électricité", "fixe", True), ("Plenitude Variable Électricité", "indexe", False)],
        "gaz": [("Plenifix 1 an Gaz", "fixe", True), ("Plenitude Variable Gaz", "indexe", False)],
    },
    "Enercoop": {
        "electricite": [("Basic Watt", "fixe", True), ("Flexi Watt - Heures Creuses", "fixe", True)],
        "gaz": [("Gaz renouvelable Enercoop", "fixe", False)],
    },
    "Wekiwi": {  # invented
        "electricite": [("wekiWEB", "indexe", False), ("wekiWEB Fixe 1 an", "fixe", False)],
        "gaz": [("wekiWEB gaz", "indexe", False)],
    },
    "Gaz de Bordeaux": {  # invented
        "electricite": [("NovaFixe Électricité", "fixe", False), ("NovaFlex Électricité", "indexe", False)],
        "gaz": [("NovaFixe", "fixe", False), ("NovaFlex", "indexe", False)],
    },
    "Iberdrola": {  # invented
        "electricite": [("Électricité Verte Fixe 2 ans", "fixe", False), ("Électricité Verte Online", "fixe", False),
                        ("Électricité Verte Indexée", "indexe", False)],
        "gaz": [("Gaz Naturel Fixe 2 ans", "fixe", False), ("Gaz Naturel Indexé", "indexe", False)],
    },
    "Alpiq": {  # electricity names from the catalogue; gas names invented
        "electricite": [("Électricité Stable -8%", "fixe", True), ("Électricité Stable", "fixe", True),
                        ("Électricité Référence -4%", "indexe", True)],
        "gaz": [("Gaz Stable", "fixe", False), ("Gaz Référence", "indexe", False)],
    },
    "ÉS": {  # invented (the catalogue holds only ÉS's regulated Tarif Bleu)
        "electricite": [("Électricité Fixe 3 ans", "fixe", False), ("Électricité Verte Alsace", "fixe", False),
                        ("Électricité Indexée", "indexe", False)],
        "gaz": [("Gaz Fixe Alsace 2 ans", "fixe", False), ("Gaz Indexé Marché", "indexe", False)],
    },
    "Happ-e": {  # invented
        "electricite": [("Happ-e Élec Fixe 1 an", "fixe", False), ("Happ-e Élec Fixe 2 ans", "fixe", False),
                        ("Happ-e Élec Indexée", "indexe", False)],
        "gaz": [("Happ-e Gaz Fixe 1 an", "fixe", False), ("Happ-e Gaz Indexé", "indexe", False)],
    },
    "Primeo Energie": {  # electricity names from the catalogue (Fidélité Verte: a discount on the TRV); gas invented
        "electricite": [("Offre Fixe -20%", "fixe", True), ("Fidélité Verte", "indexe", True)],
        "gaz": [("Gaz Prix Fixe 2 ans", "fixe", False), ("Gaz Fidélité", "indexe", False)],
    },
    "Plum Energie": {  # invented
        "electricite": [("Plüm Coopérative Fixe 2 ans", "fixe", False), ("Plüm Locale & Verte", "fixe", False),
                        ("Plüm Coopérative Indexée", "indexe", False)],
        "gaz": [("Plüm Biogaz Fixe", "fixe", False), ("Plüm Gaz Indexé", "indexe", False)],
    },
    "OVO Energy": {  # invented
        "electricite": [("OVO Électricité Verte Fixe 2 ans", "fixe", False), ("OVO Simplicité Fixe", "fixe", False),
                        ("OVO Électricité Verte Indexée", "indexe", False)],
        "gaz": [("OVO Gaz Fixe 1 an", "fixe", False), ("OVO Gaz Indexé", "indexe", False)],
    },
    "Yéli": {  # the gas names are in the market catalogue; the electricity names are invented
        "electricite": [("Yéli Élec Fixe 2 ans", "fixe", False), ("Yéli Élec Verte Alpes", "fixe", False),
                        ("Yéli Élec Indexée", "indexe", False)],
        "gaz": [("Yéli gaz", "fixe", True), ("Yéli gaz 100% vert", "fixe", True), ("Yéli Gaz Indexé", "indexe", False)],
    },
    "Dyneff": {  # invented
        "electricite": [("Dyneff Électricité Fixe 2 ans", "fixe", False), ("Dyneff Élec Sérénité", "fixe", False),
                        ("Dyneff Électricité Indexée", "indexe", False)],
        "gaz": [("Dyneff Gaz Fixe 1 an", "fixe", False), ("Dyneff Gaz Indexé", "indexe", False)],
    },
    "Butagaz": {  # invented
        "electricite": [("Électricité Fixe 2 ans", "fixe", False), ("Électricité Verte Fixe 1 an", "fixe", False),
                        ("Électricité Référence", "indexe", False)],
        "gaz": [("Gaz naturel Fixe 2 ans", "fixe", False), ("Gaz naturel Référence", "indexe", False)],
    },
}

# How the indexed offers describe their price (stated on the bill).
INDEXED_MENTIONS = [
    "Prix indexé sur le Tarif Réglementé de Vente (TRV - {pct} %)",
    "Prix variable : indexé chaque mois sur le prix repère de la CRE",
    "Offre à prix indexé : le prix du kWh HT évolue avec le TRVE",
    "Prix de l'énergie variable, révisé mensuellement (indexé sur le marché de gros)",
]
FIXED_MENTIONS = [
    "Prix fixe du kWh HT jusqu'au {end}",
    "Prix du kWh HT bloqué jusqu'au {end}",
    "Prix fixe pendant {years} (jusqu'au {end}), hors évolution des taxes",
]
