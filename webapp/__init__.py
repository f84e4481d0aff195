"""The Flask application factory."""
from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from tasks.settings import Settings, get_settings
from webapp import health, invoices, jobs
from webapp.logs import install_logging
from webapp.openapi import OPENAPI_CONFIG, Api, register_analysis_schema
from webapp.problems import register_error_handlers
from webapp.security import install_auth, install_request_ids
from webapp.transport import install_transport

CORS_MAX_AGE = 600


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or get_settings()
    app = Flask(__name__)
    app.config.update(OPENAPI_CONFIG, SETTINGS=settings, MAX_CONTENT_LENGTH=settings.max_content_length,
                      JSON_SORT_KEYS=False)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    install_logging(settings.secrets(), settings.log_level)
    # Order matters: request id, then Host and HTTPS, then the key.
    install_request_ids(app)
    install_transport(app, allowed_hosts=settings.allowed_hosts, force_https=settings.force_https,
                      trusted_proxies=settings.trusted_proxies)
    install_auth(app, settings.api_keys)
    # Preflights are answered without a key (browsers send none); only the
    # listed origins get CORS headers, no origin when the list is empty.
    CORS(app, origins=list(settings.allowed_origins), allow_headers=["X-API-Key", "Content-Type",
         "Idempotency-Key", "X-Request-ID"], expose_headers=["X-Request-ID"], max_age=CORS_MAX_AGE,
         methods=["GET", "POST"], supports_credentials=False)

    app.url_map.converters["task_id"] = jobs.TaskIdConverter
    api = Api(app)
    api.register_converter(jobs.TaskIdConverter, jobs.task_id_parameter)
    register_analysis_schema(api)
    for blueprint in (health.blp, invoices.blp, jobs.blp):
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    return app
