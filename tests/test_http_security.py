"""HTTP security through Flask's test client: API keys, request ids, log
masking, CORS, security headers, ALLOWED_HOSTS, FORCE_HTTPS with trusted
proxies. No analysis runs here (see test_http_gunicorn.py for a real server)."""
from __future__ import annotations

import io
import logging
import uuid

import pytest

from tasks.settings import Settings
from webapp import create_app
from webapp.security import key_is_valid

KEY = "first-key-6b1f0c2d9e"
OTHER_KEY = "second-key-a4e7b3"
PUBLIC_PEER = {"REMOTE_ADDR": "203.0.113.7"}  # a client on the internet (TEST-NET-3)
EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


def make_client(tmp_path, **overrides):
    settings = Settings(api_keys=(KEY, OTHER_KEY), upload_folder=tmp_path / "uploads",
                        reports_folder=tmp_path / "reports", max_content_length=64 * 1024, **overrides)
    return create_app(settings).test_client()


@pytest.fixture()
def client(tmp_path):
    return make_client(tmp_path)


def assert_problem(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["code"] == code and body["detail"]
    return body


# --- API keys -------------------------------------------------------------------

def test_each_configured_key_opens_every_route(client):
    for key in (KEY, OTHER_KEY):
        assert client.get("/health", headers={"X-API-Key": key}).status_code == 200
        assert client.get("/openapi.json", headers={"X-API-Key": key}).status_code == 200


@pytest.mark.parametrize("candidate", [
    None, "", "wrong", KEY[:-1], KEY + "x", KEY.upper(), f"{KEY},{OTHER_KEY}", f" {KEY}", "é" * 8, KEY + "\x00",
])
def test_anything_else_is_refused(client, candidate):
    headers = {} if candidate is None else {"X-API-Key": candidate}
    response = client.get("/health", headers=headers)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("ApiKey")


def test_key_check_compares_every_key():
    keys = (KEY, OTHER_KEY)
    assert key_is_valid(OTHER_KEY, keys) and key_is_valid(KEY, keys)
    assert not key_is_valid(KEY, ())
    assert not key_is_valid("x" * 10_000, keys)
    assert not key_is_valid("\udcff", keys)  # a header that is not valid UTF-8


def test_comma_separated_keys_come_from_the_environment():
    settings = Settings.from_env({"API_KEY": "k1, k2 ,,k3"})
    assert settings.api_keys == ("k1", "k2", "k3")


# --- request ids ------------------------------------------------------------------

def test_request_id_is_echoed_in_header_and_problem_body(client):
    given = "req-" + uuid.uuid4().hex[:16]
    response = client.get("/health", headers={"X-Request-ID": given})
    body = assert_problem(response, 401, "unauthorized")
    assert response.headers["X-Request-ID"] == given == body["request_id"]


@pytest.mark.parametrize("given", ["short", "a b c d e f g h", "x" * 65, "<script>alert(1)</script>"])
def test_unsafe_request_ids_are_replaced(client, given):
    response = client.get("/nope", headers={"X-Request-ID": given, "X-API-Key": KEY})
    body = assert_problem(response, 404, "not_found")
    assert body["request_id"] == response.headers["X-Request-ID"] != given
    assert len(body["request_id"]) == 32


def test_every_answer_has_its_own_request_id(client):
    ids = {client.get("/health", headers={"X-API-Key": KEY}).headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


# --- log masking -------------------------------------------------------------------

def _capture(logger_name: str):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return stream, lambda: logger.removeHandler(handler)


@pytest.mark.parametrize("logger_name", ["prefect.engine", "gunicorn.error", "gunicorn.access", "webapp", "urllib3"])
def test_secrets_are_masked_in_handlers_added_after_start(tmp_path, logger_name):
    make_client(tmp_path, webhook_secret="whsec_c2VjcmV0LXNpZ25pbmcta2V5", openai_api_key="sk-test-4c1d9a")
    stream, remove = _capture(logger_name)  # added after the application started
    try:
        log = logging.getLogger(logger_name)
        log.warning("key %s and %s in args", KEY, OTHER_KEY)
        log.warning(f"key in the message {KEY} and the LLM key sk-test-4c1d9a")
        log.warning("dict args %(k)s", {"k": "whsec_c2VjcmV0LXNpZ25pbmcta2V5"})
        try:
            raise ValueError(f"bad header X-API-Key: {OTHER_KEY}")
        except ValueError:
            log.exception("failed with %s", KEY)
        log.info("stack", stack_info=True, extra={"note": "none"})
    finally:
        remove()
    text = stream.getvalue()
    for secret in (KEY, OTHER_KEY, "whsec_c2VjcmV0LXNpZ25pbmcta2V5", "sk-test-4c1d9a"):
        assert secret not in text
    assert text.count("***") >= 6
    assert "ValueError: bad header X-API-Key: ***" in text  # the traceback is kept, masked


def test_log_lines_carry_the_request_id(tmp_path):
    client = make_client(tmp_path)
    stream, remove = _capture("webapp.problems")
    try:
        # A 5xx is logged by the error handler with the request's id.
        from webapp.deadline import AnalysisTimeout

        app = client.application

        @app.get("/boom-for-test")
        def boom():
            raise AnalysisTimeout.after(1)

        response = client.get("/boom-for-test", headers={"X-API-Key": KEY, "X-Request-ID": "trace-0123456789"})
    finally:
        remove()
    assert_problem(response, 504, "analysis_timeout")
    assert "[trace-0123456789] webapp.problems: [trace-0123456789] analysis failed" in stream.getvalue()


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_libraries_chatty_at_info_are_quiet_unless_debugging(tmp_path, level):
    from webapp.logs import CHATTY_LOGGERS

    root = logging.getLogger()
    saved = root.level
    try:
        make_client(tmp_path, log_level=level)
        for name in CHATTY_LOGGERS:
            logger = logging.getLogger(name)
            if level == "DEBUG":
                assert logger.level == logging.NOTSET  # as its parents and the root say
            else:
                assert logger.level == logging.WARNING and not logger.isEnabledFor(logging.INFO)
        assert logging.getLogger("webapp.invoices").isEnabledFor(logging.INFO)  # the application's own lines stay
    finally:
        root.setLevel(saved)
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)


# --- security headers -----------------------------------------------------------------

@pytest.mark.parametrize("method, path, headers, status", [
    ("get", "/health", {"X-API-Key": KEY}, 200),
    ("get", "/openapi.json", {"X-API-Key": KEY}, 200),
    ("get", "/health", {}, 401),
    ("get", "/nope", {"X-API-Key": KEY}, 404),
    ("get", "/v1/invoices/pdf", {"X-API-Key": KEY}, 405),
    ("get", "/v1/jobs/pdf", {"X-API-Key": KEY}, 405),
    ("post", "/v1/invoices/pdf", {"X-API-Key": KEY}, 400),
    ("options", "/v1/invoices/pdf", {}, 200),
])
def test_security_headers_on_every_answer(client, method, path, headers, status):
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == status
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "Strict-Transport-Security" not in response.headers  # FORCE_HTTPS is off
    if status == 405:
        assert response.mimetype == "application/problem+json" and "POST" in response.headers["Allow"]


def test_security_headers_on_a_body_too_large(client):
    big = io.BytesIO(b"%PDF-1.7\n" + b"0" * (128 * 1024))
    response = client.post("/v1/invoices/pdf", data={"file": (big, "big.pdf")}, headers={"X-API-Key": KEY},
                           content_type="multipart/form-data")
    body = assert_problem(response, 413, "file_too_large")
    assert "(64 Ko pour l'ensemble des fichiers envoyés)" in body["detail"]
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value


# --- CORS -----------------------------------------------------------------------------

FRONT = "https://app.example.com"


def _preflight(client, origin, headers="X-API-Key, Content-Type"):
    return client.options("/v1/invoices/pdf", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": headers})


def test_preflight_from_an_allowed_origin_needs_no_key(tmp_path):
    client = make_client(tmp_path, allowed_origins=(FRONT, "https://admin.example.com"))
    response = _preflight(client, FRONT)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONT
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"x-api-key", "content-type"} <= allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    # The real request then carries the key, and the answer may be read by the page.
    real = client.get("/health", headers={"Origin": FRONT, "X-API-Key": KEY})
    assert real.headers["Access-Control-Allow-Origin"] == FRONT
    assert "X-Request-ID" in real.headers["Access-Control-Expose-Headers"]
    # Without the key the page gets the 401, readable (CORS applies to errors too).
    refused = client.get("/health", headers={"Origin": FRONT})
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == FRONT


@pytest.mark.parametrize("origin", ["https://evil.example.net", "http://app.example.com", "https://app.example.com.evil.io",
                                    "null"])
def test_other_origins_get_no_cors_headers(tmp_path, origin):
    client = make_client(tmp_path, allowed_origins=(FRONT,))
    for response in (_preflight(client, origin), client.get("/health", headers={"Origin": origin, "X-API-Key": KEY})):
        assert "Access-Control-Allow-Origin" not in response.headers


def test_no_origin_is_allowed_by_default(client):
    response = _preflight(client, FRONT)
    assert "Access-Control-Allow-Origin" not in response.headers


# --- ALLOWED_HOSTS -----------------------------------------------------------------------

@pytest.fixture()
def hosts_client(tmp_path):
    return make_client(tmp_path, allowed_hosts=("api.example.com", ".clients.example.org"))


@pytest.mark.parametrize("host", ["api.example.com", "API.example.com:8443", "clients.example.org",
                                  "acme.clients.example.org"])
def test_allowed_hosts_are_served(hosts_client, host):
    response = hosts_client.get("/health", headers={"X-API-Key": KEY, "Host": host}, environ_base=PUBLIC_PEER)
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example.com", "api.example.com.evil.io", "example.com", "10.0.0.5",
                                  "localhost", "xclients.example.org"])
def test_other_hosts_are_refused_before_the_key(hosts_client, host):
    response = hosts_client.get("/health", headers={"Host": host}, environ_base=PUBLIC_PEER)
    body = assert_problem(response, 400, "invalid_parameter")
    assert body["field"] == "Host" and body["request_id"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_local_calls_to_a_loopback_host_pass(hosts_client):
    # The container health check: on the machine itself, to 127.0.0.1.
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert hosts_client.get("/health", headers={"X-API-Key": KEY, "Host": host}).status_code == 200


def test_dns_rebinding_from_a_local_browser_is_refused(hosts_client):
    # Loopback peer, but the page's own domain in Host: not a local call.
    response = hosts_client.get("/health", headers={"X-API-Key": KEY, "Host": "attacker.example"})
    assert_problem(response, 400, "invalid_parameter")


# --- FORCE_HTTPS and trusted proxies ----------------------------------------------------------

@pytest.fixture()
def https_client(tmp_path):
    return make_client(tmp_path, force_https=True, allowed_hosts=("api.example.com",),
                       trusted_proxies=("10.0.0.0/8", "192.0.2.1"))


def _get(client, path="/health?x=1", peer=PUBLIC_PEER, scheme="http", **headers):
    return client.get(path, base_url=f"{scheme}://api.example.com", environ_base=peer,
                      headers={"X-API-Key": KEY, **headers})


def test_plain_http_is_redirected_before_the_key_is_checked(https_client):
    response = https_client.get("/health?x=1", base_url="http://api.example.com", environ_base=PUBLIC_PEER)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://api.example.com/health?x=1"
    assert "Strict-Transport-Security" not in response.headers  # never over plain HTTP


def test_a_post_is_redirected_with_308_so_the_body_is_sent_again(https_client):
    response = https_client.post("/v1/invoices/pdf?ref=a%20b", base_url="http://api.example.com",
                                 environ_base=PUBLIC_PEER, data={"type": "gaz"}, headers={"X-API-Key": KEY})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://api.example.com/v1/invoices/pdf?ref=a%20b"


def test_https_answers_carry_hsts(https_client):
    response = _get(https_client, scheme="https")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    refused = https_client.get("/health", base_url="https://api.example.com", environ_base=PUBLIC_PEER)
    assert refused.status_code == 401 and "Strict-Transport-Security" in refused.headers


def test_forwarded_proto_from_an_untrusted_peer_is_ignored(https_client):
    response = _get(https_client, **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"})
    assert response.status_code == 301


@pytest.mark.parametrize("proxy", ["10.20.30.40", "192.0.2.1", "::ffff:10.0.0.1"])
def test_forwarded_proto_from_a_trusted_proxy_is_believed(https_client, proxy):
    response = _get(https_client, peer={"REMOTE_ADDR": proxy}, **{"X-Forwarded-Proto": "https",
                                                                 "X-Forwarded-For": "198.51.100.1"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_a_trusted_proxy_forwarding_plain_http_gets_a_redirect(https_client):
    response = _get(https_client, peer={"REMOTE_ADDR": "10.0.0.2"}, **{"X-Forwarded-Proto": "http"})
    assert response.status_code == 301


def test_forwarded_for_decides_whether_a_call_is_local(tmp_path):
    # A proxy on the machine itself forwards an outside client: not a local call.
    client = make_client(tmp_path, force_https=True, trusted_proxies=("127.0.0.1",))
    outside = client.get("/health", headers={"X-API-Key": KEY, "X-Forwarded-For": "198.51.100.9",
                                             "X-Forwarded-Proto": "http"})
    assert outside.status_code == 301
    local = client.get("/health", headers={"X-API-Key": KEY})  # the health check itself
    assert local.status_code == 200


def test_a_bad_trusted_proxy_entry_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        make_client(tmp_path, trusted_proxies=("10.0.0.0/33",))


def test_short_secrets_are_warned_about_not_masked(tmp_path, caplog):
    # Masking "abc" would garble every log line; a key that short is no secret.
    with caplog.at_level(logging.WARNING, logger="webapp.security"):
        create_app(Settings(api_keys=("abc", "a-much-longer-key-7c1e90"), upload_folder=tmp_path / "u"))
    assert "shorter than 16 characters" in caplog.text and "abc" not in caplog.text
    stream, remove = _capture("webapp")
    try:
        logging.getLogger("webapp").warning("fabcd uses a-much-longer-key-7c1e90")
    finally:
        remove()
    assert "fabcd uses ***" in stream.getvalue()
