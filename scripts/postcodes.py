"""Write assets/geo/postcodes.tsv from the `codes-postaux` npm package.

    npm pack codes-postaux@4.1.2 && tar xzf codes-postaux-4.1.2.tgz
    python scripts/postcodes.py package/codes-postaux.json

One line per postcode and commune: the postcode, the commune's name as the
INSEE spells it (accents, hyphens), and La Poste's delivery label when it
is another name than the commune's (`PARIS` for « Paris 15e
Arrondissement », `LA CHAPELLE ST LUC`).
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "geo" / "postcodes.tsv"


def _key(name: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def main(source: str) -> int:
    rows = set()
    for entry in json.loads(Path(source).read_text(encoding="utf-8")):
        name, label = entry["nomCommune"], entry["libelleAcheminement"]
        rows.add((entry["codePostal"], name, label if _key(label) != _key(name) else ""))
    OUT.write_text("".join(f"{p}\t{n}\t{a}\n" for p, n, a in sorted(rows)), encoding="utf-8")
    print(f"{len(rows)} lines written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
