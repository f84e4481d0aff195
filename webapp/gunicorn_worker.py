"""gunicorn pieces for the API (named in deployments/gunicorn.conf.py).

`ThreadWorker`: gunicorn's gthread worker with a deadline on reading each
request. gthread waits a few seconds for a new connection's first byte
without holding a thread, but once a request has started it reads headers
and body with blocking calls and no limit: a client trickling one byte now
and then would hold a server thread for ever. Here a request must arrive
whole (headers and body) within READ_TIMEOUT seconds of its start; past
that, the read fails as a client disconnection would (the application
answers 408 if it was reading the body, then the connection is closed).
Every socket operation, writes included, also gives up after READ_TIMEOUT
seconds of silence, so a client that stops reading its answer is dropped too.

`AccessLogger`: gunicorn's logger with credential headers masked, should
an access log format name them (even a wrong key is never written; the
configured secrets are masked in every record by webapp.logs).
"""
from __future__ import annotations

import errno
import time

from gunicorn import glogging
from gunicorn.http.errors import NoMoreData
from gunicorn.workers import gthread

from tasks.settings import get_settings
from webapp.logs import MASK

SENSITIVE_HEADERS = ("x-api-key", "authorization", "proxy-authorization", "cookie")


class ReadDeadlineExceeded(NoMoreData):
    """The client did not send its whole request in time. A `NoMoreData`
    (an OSError): gunicorn and werkzeug both treat it as a disconnection;
    `request_timeout` lets the application answer 408 instead of 400."""

    request_timeout = True

    def __str__(self) -> str:
        return "request not received within the read deadline"


class _DeadlineSocket:
    """What gunicorn's request parser reads from: the real socket, with
    every `recv` bounded by the request's read deadline."""

    __slots__ = ("sock", "deadline")

    def __init__(self, sock, deadline: float):
        self.sock = sock
        self.deadline = deadline

    def recv(self, size: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise ReadDeadlineExceeded()
        previous = self.sock.gettimeout()
        self.sock.settimeout(remaining if previous is None else min(remaining, previous))
        try:
            return self.sock.recv(size)
        except TimeoutError:
            if self.deadline - time.monotonic() <= 0:
                raise ReadDeadlineExceeded() from None
            raise
        finally:
            self.sock.settimeout(previous)

    # gunicorn's body drain bounds reads by setting the timeout itself.
    def gettimeout(self):
        return self.sock.gettimeout()

    def settimeout(self, value) -> None:
        self.sock.settimeout(value)

    def __getattr__(self, name):
        return getattr(self.sock, name)


class _Conn(gthread.TConn):
    read_timeout: float = 60.0

    def init(self):
        # Called at the start of every request handled on this connection.
        super().init()
        if self.is_http2 or self.parser is None:
            return
        self.sock.settimeout(self.read_timeout)  # idle limit of every read and write
        unreader = self.parser.unreader
        sock = getattr(unreader, "sock", None)
        if sock is None:
            return
        deadline = time.monotonic() + self.read_timeout
        if isinstance(sock, _DeadlineSocket):
            sock.deadline = deadline
        else:
            unreader.sock = _DeadlineSocket(sock, deadline)


class ThreadWorker(gthread.ThreadWorker):
    def init_process(self):
        _Conn.read_timeout = float(get_settings().read_timeout)
        super().init_process()

    def accept(self, listener):
        # gthread's accept, building a connection with a read deadline.
        try:
            client_sock, client_addr = listener.accept()
            self.nr_conns += 1
            client_sock.setblocking(True)
            conn = _Conn(self.cfg, client_sock, client_addr, listener.getsockname())
            self.enqueue_req(conn)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise


class AccessLogger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for header in SENSITIVE_HEADERS:
            for key in ("{%s}i" % header, "{http_%s}e" % header.replace("-", "_")):
                if key in atoms:
                    atoms[key] = MASK
        return atoms
