"""OpenAPI 3.1 description, generated from the blueprints' schemas; the
`analysis` object is described by the contract's own JSON Schema file."""
from __future__ import annotations

import json

from flask_smorest import Api

from tasks.settings import ROOT
from webapp.schemas import AnalysisField

ANALYSIS_SCHEMA = ROOT / "docs" / "contract" / "analysis.schema.json"

OPENAPI_CONFIG = {
    "API_TITLE": "Invoice OCR API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Analyse de factures d'électricité et de gaz : extraction, comparaison "
                                "au marché, vices cachés, rapports PDF (nominatif et anonymisé)."},
        "components": {"securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
        "security": [{"ApiKey": []}],
    },
}


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
