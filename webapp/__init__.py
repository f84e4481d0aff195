"""The Flask application factory."""
from __future__ import annotations

from flask import Flask
from flask_cors import CORS
from flask_smorest import Api

from tasks.settings import Settings, get_settings
from webapp import health, invoices, jobs
from webapp.openapi import OPENAPI_CONFIG, register_analysis_schema
from webapp.problems import register_error_handlers
from webapp.security import install_auth, install_logging


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or get_settings()
    app = Flask(__name__)
    app.config.update(OPENAPI_CONFIG, SETTINGS=settings, MAX_CONTENT_LENGTH=settings.max_content_length,
                      JSON_SORT_KEYS=False)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    install_logging(settings.secrets(), settings.log_level)
    install_auth(app, settings.api_keys)
    CORS(app, origins=list(settings.allowed_origins), allow_headers=["X-API-Key", "Content-Type",
         "Idempotency-Key", "X-Request-ID"], expose_headers=["X-Request-ID"])

    api = Api(app)
    register_analysis_schema(api)
    for blueprint in (health.blp, invoices.blp, jobs.blp):
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    return app
