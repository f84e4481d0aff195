"""Log records with secrets masked and the request id attached, whatever
logger or handler they go through (a line logged while serving a request
starts with `[<request id>]`; `record.request_id` holds it too).

Masking is done where records are made (the logging record factory), not in
handler filters: gunicorn's loggers do not propagate to the root, and Prefect
adds its own handlers (console, API) after the application starts, so a
filter on today's handlers would miss tomorrow's.
"""
from __future__ import annotations

import logging
import re
import threading
import traceback
from contextvars import ContextVar

MASK = "***"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Shorter values are not masked: replacing every "abc" would garble the logs,
# and a key that short is no secret anyway (the application warns about it).
MIN_MASKED_LENGTH = 6

# A line per WeasyPrint step and per Prefect API call, some 25 a request:
# nothing an operator needs below DEBUG, and they cost the request time.
CHATTY_LOGGERS = ("weasyprint.progress", "httpx")

_lock = threading.Lock()
# Every secret any application of this process was configured with: masking
# one more value than needed costs nothing, missing one leaks it.
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_installed = False


def install_logging(secrets: list[str], level: str) -> None:
    """Mask `secrets` in every log record of the process from now on, and
    give every record a `request_id` attribute."""
    global _pattern, _installed
    with _lock:
        _secrets.update(s for s in secrets if len(s) >= MIN_MASKED_LENGTH)
        if _secrets:
            _pattern = re.compile("|".join(re.escape(s) for s in sorted(_secrets, key=len, reverse=True)))
        if not _installed:
            _installed = True
            previous = logging.getLogRecordFactory()

            def make_record(*args, **kwargs) -> logging.LogRecord:
                return _clean(previous(*args, **kwargs))

            logging.setLogRecordFactory(make_record)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=LOG_FORMAT)
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING) if root.level > logging.DEBUG
                                         else logging.NOTSET)


def _clean(record: logging.LogRecord) -> logging.LogRecord:
    request_id = request_id_var.get()
    record.request_id = request_id
    pattern = _pattern
    in_request = request_id != "-"
    if pattern is None and not in_request:
        return record
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string: the handler reports it, as usual
        return record
    changed = False
    if pattern is not None and pattern.search(message):
        message, changed = pattern.sub(MASK, message), True
    if in_request:
        # In the message itself: every handler shows it, whatever its format
        # (Prefect's console and API handlers have their own).
        message, changed = f"[{request_id}] {message}", True
    if changed:
        record.msg, record.args = message, None
    if pattern is None:
        return record
    if record.exc_info and not record.exc_text:
        # Formatters reuse exc_text when it is set: the traceback is masked once, here.
        record.exc_text = pattern.sub(MASK, "".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    elif record.exc_text:
        record.exc_text = pattern.sub(MASK, record.exc_text)
    if record.stack_info:
        record.stack_info = pattern.sub(MASK, record.stack_info)
    return record
