"""gunicorn settings, from the service's configuration (environment, .env, defaults)."""
from tasks.settings import get_settings

_settings = get_settings()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.gunicorn_workers
threads = _settings.gunicorn_threads
# gthread with a deadline on reading each request (READ_TIMEOUT): a client
# trickling bytes cannot hold a thread for ever (webapp/gunicorn_worker.py).
worker_class = "webapp.gunicorn_worker.ThreadWorker"
# A gthread worker reports to the arbiter from its main loop, whatever its
# request threads do: this only catches a worker that is stuck as a whole.
# Sync analyses are bounded by SYNC_TIMEOUT in the application.
timeout = _settings.sync_timeout + 30
graceful_timeout = 30

# X-Forwarded-* are handled by the application, from TRUSTED_PROXIES only
# (webapp/transport.py). gunicorn would otherwise believe X-Forwarded-Proto
# from any local peer (its default FORWARDED_ALLOW_IPS is 127.0.0.1).
forwarded_allow_ips = ""
secure_scheme_headers = {}

accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
logger_class = "webapp.gunicorn_worker.AccessLogger"
# The request id in every access line, to match the application's lines.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}o)s'


def post_worker_init(worker):
    """Each worker loads what a bill needs before its first request, tunes its
    garbage collector (deployments/warmup.py), then forks its render process
    (tasks/render/parallel.py) before any request thread runs."""
    from deployments import warmup
    from tasks.render import parallel

    warmup.warm_up()
    warmup.tune_gc()
    if _settings.render_process:
        parallel.start()


def worker_exit(server, worker):
    from tasks.render import parallel

    parallel.stop()
