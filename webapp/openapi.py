"""OpenAPI 3.1 description, generated from the blueprints' schemas; the
`analysis` object is described by the contract's own JSON Schema file."""
from __future__ import annotations

import json

import flask_smorest

from tasks.settings import ROOT
from webapp.schemas import AnalysisField

ANALYSIS_SCHEMA = ROOT / "docs" / "contract" / "analysis.schema.json"

DESCRIPTION = """Analyse de factures d'électricité et de gaz : extraction, comparaison au marché, vices \
cachés, rapports PDF (nominatif et anonymisé).

Toutes les erreurs sont au format `application/problem+json` (RFC 9457) avec un `code` et un \
`request_id` (aussi dans l'en-tête `X-Request-ID`). En plus des codes du contrat :

- `504 analysis_timeout` : l'analyse synchrone a dépassé `SYNC_TIMEOUT` (ou la lecture optique d'une \
page `TESSERACT_TIMEOUT`) ; elle est interrompue. Réessayer plus tard ou passer par `/v1/jobs/…`.
- `408 request_timeout` : la requête n'a pas été reçue en entier dans le délai `READ_TIMEOUT` \
(client trop lent) ; la connexion est ensuite fermée.
- `413 file_too_large` : aussi pour un PDF dont les données compressées dépasseraient 512 Mo une fois \
décompressées (bombe de décompression).
- `400 invalid_parameter` avec `field: "Host"` : en-tête `Host` hors `ALLOWED_HOSTS`.

Un PDF contenant du JavaScript ou des fichiers joints est analysé comme un PDF ordinaire : le script \
n'est jamais exécuté, les pièces jointes ne sont ni extraites ni transmises, et les rapports sont \
produits à partir de l'analyse, jamais à partir du fichier reçu.

Avec `FORCE_HTTPS=true`, une requête en HTTP simple reçoit une redirection (`301` pour GET/HEAD, \
`308` sinon, le corps étant alors renvoyé) et les réponses HTTPS portent `Strict-Transport-Security`."""

OPENAPI_CONFIG = {
    "API_TITLE": "Invoice OCR API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": DESCRIPTION},
        "components": {"securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
        "security": [{"ApiKey": []}],
    },
}


class Api(flask_smorest.Api):
    # No catch-all `default` answer: every status an endpoint can give is
    # listed with its problem+json body, so fuzzing catches a missing one.
    DEFAULT_ERROR_RESPONSE_NAME = None


def register_analysis_schema(api: Api) -> None:
    schema = json.loads(ANALYSIS_SCHEMA.read_text(encoding="utf-8"))
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)

    def rewrite(node):
        if isinstance(node, dict):
            return {k: ("#/components/schemas/Analysis_" + v.rsplit("/", 1)[-1]
                        if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/") else rewrite(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    for name, definition in definitions.items():
        api.spec.components.schema(f"Analysis_{name}", component=rewrite(definition))
    api.spec.components.schema("Analysis", component=rewrite(schema))

    def analysis_ref(self, field, **kwargs):
        return {"$ref": "#/components/schemas/Analysis"} if isinstance(field, AnalysisField) else {}

    api.ma_plugin.converter.add_attribute_function(analysis_ref)

    def no_null_default(self, field, ret, **kwargs):
        # A form field whose default is null is simply left out: documenting
        # `default: null` would invite clients to send the text "null".
        if "default" in ret and ret["default"] is None:
            del ret["default"]
        return {}

    api.ma_plugin.converter.add_attribute_function(no_null_default)
