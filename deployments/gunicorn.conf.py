"""gunicorn settings, from the service's configuration (environment, .env, defaults)."""
from tasks.settings import get_settings

_settings = get_settings()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.gunicorn_workers
threads = _settings.gunicorn_threads
worker_class = "gthread"
# A sync analysis may take SYNC_TIMEOUT seconds; gunicorn must not kill it first.
timeout = _settings.sync_timeout + 30
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
