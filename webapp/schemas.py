"""Request and response schemas: they validate the form fields and generate
the OpenAPI description (`/openapi.json`), so the two cannot drift apart."""
from __future__ import annotations

import flask_smorest
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

ENERGY_TYPES = ("auto", "electricite", "gaz", "dual")
PDF_EXTENSIONS = (".pdf",)
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
MAX_IMAGES = 8
# Too many or too few images is a parameter outside its rule; a missing or
# unreadable file is an invalid file (the contract's two codes).
IMAGE_COUNT_ERROR = f"de 1 à {MAX_IMAGES} images attendues."


class MultipartParser(FlaskParser):
    """Reads form fields and files of one multipart body as a single location,
    so that one schema describes (and validates) the whole request body."""

    __location_map__ = dict(FlaskParser.__location_map__, form_and_files="load_form_and_files")

    def load_form_and_files(self, req, schema):
        data = MultiDict(req.form)
        for key, storage in req.files.items(multi=True):
            data.add(key, storage)
        return self._makeproxy(data, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }


class Upload(fields.Raw):
    """An uploaded file (documented as a binary string)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "format": "binary", **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not hasattr(value, "stream"):
            raise ValidationError("un fichier est attendu, pas une valeur texte.")
        return value


class FormBool(fields.Boolean):
    """The contract's booleans: exactly `true`, `false`, `1` or `0`. A form
    field is text: it is documented as those four strings."""

    truthy = {"true", "1"}
    falsy = {"false", "0"}
    default_error_messages = {"invalid": "valeur attendue : true, false, 1 ou 0."}

    def __init__(self, **kwargs):
        default = kwargs.get("load_default")
        metadata = {"type": "string", "enum": ["true", "false", "1", "0"], **kwargs.pop("metadata", {})}
        if isinstance(default, bool):
            metadata["default"] = "true" if default else "false"
        super().__init__(metadata=metadata, **kwargs)


class AnalysisOptions(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(load_default="auto", validate=validate.OneOf(
        ENERGY_TYPES, error="valeurs acceptées : auto, electricite, gaz, dual."),
        metadata={"description": "Énergie choisie par l'utilisateur ; oriente l'extraction."})
    confidence_min = fields.Float(load_default=0.5, validate=validate.Range(
        0.0, 1.0, error="nombre attendu entre 0.0 et 1.0."),
        error_messages={"invalid": "nombre attendu entre 0.0 et 1.0."},
        metadata={"description": "Champs extraits sous ce seuil de confiance : inconnus (null)."})
    strict = FormBool(load_default=True, metadata={"description": "422 si l'énergie ne correspond pas."})
    # Multipart has no null: an absent field is the null echoed back, so the
    # description does not offer null as a value to send.
    user_id = fields.Integer(load_default=None, allow_none=False, strict=False,
                             error_messages={"invalid": "entier attendu."})
    invoice_id = fields.Integer(load_default=None, allow_none=False, strict=False,
                                error_messages={"invalid": "entier attendu."})
    external_ref = fields.String(load_default=None, allow_none=False, validate=validate.Length(
        max=255, error="255 caractères au plus."))


class PdfRequest(AnalysisOptions):
    file = Upload(required=True, error_messages={"required": "Aucun fichier PDF reçu (champ « file »)."},
                  metadata={"description": "La facture en PDF."})


class ImagesRequest(AnalysisOptions):
    files = fields.List(Upload(), required=True, validate=validate.Length(
        min=1, max=MAX_IMAGES, error=IMAGE_COUNT_ERROR),
        error_messages={"required": "Aucune image reçue (champ « files », répété par page)."},
        metadata={"description": "Les pages de la facture, dans l'ordre (1 à 8 images)."})


class JobOptions(Schema):
    class Meta:
        unknown = EXCLUDE

    webhook_url = fields.Url(load_default=None, allow_none=False, schemes={"http", "https"}, require_tld=False,
                             error_messages={"invalid": "URL http(s) attendue."},
                             metadata={"format": "uri",
                                       "description": "URL appelée à la fin du job (défaut : WEBHOOK_URL)."})


class PdfJobRequest(PdfRequest, JobOptions):
    pass


class ImagesJobRequest(ImagesRequest, JobOptions):
    pass


class AnalysisField(fields.Dict):
    """The `analysis` object, documented by docs/contract/analysis.schema.json."""


class SyncResult(Schema):
    non_anonymous_report_base64 = fields.String(required=True)
    anonymous_report_base64 = fields.String(required=True)
    highlights = fields.List(fields.String(), required=True)
    user_id = fields.Integer(allow_none=True, required=True)
    invoice_id = fields.Integer(allow_none=True, required=True)
    external_ref = fields.String(allow_none=True, required=True)
    non_anonymous_sha256 = fields.String(required=True)
    anonymous_sha256 = fields.String(required=True)
    non_anonymous_size = fields.Integer(required=True)
    anonymous_size = fields.Integer(required=True)
    analysis = AnalysisField(required=True)


class JobAccepted(Schema):
    task_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["queued"]))
    status_url = fields.String(required=True)


class JobError(Schema):
    code = fields.String(required=True)
    detail = fields.String(required=True)


class JobWebhook(Schema):
    url = fields.String(allow_none=True)
    delivered = fields.Boolean()
    attempts = fields.Integer()


class JobStatus(Schema):
    task_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["queued", "running", "succeeded", "failed"]))
    created_at = fields.String(required=True)
    completed_at = fields.String(required=True, allow_none=True)
    attempts = fields.Integer()
    result = fields.Nested(SyncResult)
    error = fields.Nested(JobError)
    webhook = fields.Nested(JobWebhook)


class Health(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class Problem(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    code = fields.String(required=True)
    detail = fields.String(required=True)
    field = fields.String()
    request_id = fields.String()


PROBLEM_DESCRIPTIONS = {
    400: "Requête invalide : fichier, paramètre ou en-tête (Host hors ALLOWED_HOSTS, Idempotency-Key)",
    401: "Clé d'API absente ou invalide",
    404: "Ressource ou job inconnu",
    408: "Requête non reçue en entier dans le délai READ_TIMEOUT (code request_timeout)",
    413: "Requête trop volumineuse (MAX_CONTENT_LENGTH), trop de pages ou de pixels",
    422: "Énergie non conforme au type demandé, pas une facture d'énergie, ou Idempotency-Key réutilisée",
    500: "Erreur interne",
    503: "File d'attente (API Prefect) injoignable : rien n'a été mis en file",
    504: "Analyse interrompue : délai SYNC_TIMEOUT dépassé (code analysis_timeout)",
}


def problems(blp: Blueprint, *statuses: int):
    """Document the problem+json answers an endpoint can give."""
    def decorate(func):
        for status in statuses:
            func = blp.alt_response(status, schema=Problem, description=PROBLEM_DESCRIPTIONS[status],
                                    content_type="application/problem+json")(func)
        return func
    return decorate
