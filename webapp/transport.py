"""Transport rules: which peers may speak for the client (trusted proxies),
which `Host` headers are served (ALLOWED_HOSTS), plain HTTP redirected to
HTTPS with HSTS (FORCE_HTTPS), and the security headers of every answer.

A request made on the machine itself (loopback peer, loopback `Host`, no
proxy in between: the container health check, an operator's curl) is
neither redirected nor refused for its `Host`: it crossed no network, and a
DNS-rebinding page cannot send a loopback `Host` name.
"""
from __future__ import annotations

import ipaddress

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.problems import problem

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Every answer is JSON (or empty): nothing to load, nothing to frame.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    # Answers carry personal data (reports, analyses): no shared cache keeps them.
    "Cache-Control": "no-store",
}
HSTS = "max-age=31536000"
# Request headers only a trusted proxy may set; dropped from anyone else so
# that no code further in can believe them.
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES entries (IPs or CIDRs) as networks; a bad entry is a
    configuration error, raised at start-up rather than ignored."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {entry!r} is neither an IP address nor a CIDR network") from None
    return tuple(networks)


def address_in(address: str | None, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


class TrustedProxies:
    """WSGI middleware: `X-Forwarded-For` and `X-Forwarded-Proto` are applied
    (werkzeug's ProxyFix, one hop) only when the direct peer is in
    TRUSTED_PROXIES; from any other peer they are removed. `X-Forwarded-Host`
    is never used: the proxy must pass the client's `Host` on."""

    def __init__(self, app, trusted: tuple[str, ...]):
        self.app = app
        self.networks = parse_networks(trusted)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0)

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR")
        if self.networks and address_in(peer, self.networks):
            environ["webapp.via_proxy"] = any(h in environ for h in FORWARDED_HEADERS)
            return self.fixed(environ, start_response)
        for header in FORWARDED_HEADERS:
            environ.pop(header, None)
        return self.app(environ, start_response)


def host_name(host: str) -> str:
    """`Host` header value without its port, lower case (`[::1]:80` → `::1`)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """`allowed` entries: exact names, `.example.com` for the domain and its
    subdomains, or `*` for any."""
    name = host_name(host)
    if not name:
        return False
    for entry in (e.strip().lower() for e in allowed):
        if entry == "*" or name == entry:
            return True
        if entry.startswith(".") and (name == entry[1:] or name.endswith(entry)):
            return True
    return False


def is_local_request() -> bool:
    """Made on this machine, to a loopback address, with no proxy between."""
    if request.environ.get("webapp.via_proxy"):
        return False
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return peer.is_loopback and host_name(request.host) in LOOPBACK_HOSTS


def install_transport(app: Flask, *, allowed_hosts: tuple[str, ...], force_https: bool,
                      trusted_proxies: tuple[str, ...]) -> None:
    """Wrap the WSGI app for trusted proxies and register the host check,
    the HTTPS redirect and the security headers (call before install_auth:
    a wrong host or plain HTTP is answered before the key is looked at)."""
    app.wsgi_app = TrustedProxies(app.wsgi_app, trusted_proxies)

    @app.before_request
    def check_host():
        if not allowed_hosts or is_local_request():
            return None
        if not host_allowed(request.host, allowed_hosts):
            return problem(400, "invalid_parameter", "En-tête Host non autorisé pour ce service.", field="Host")
        return None

    @app.before_request
    def redirect_to_https():
        if not force_https or request.is_secure or is_local_request():
            return None
        # 308 keeps the method and the body (a POST is sent again as a POST).
        status = 301 if request.method in ("GET", "HEAD") else 308
        return Response(status=status, headers={"Location": "https://" + request.url.split("://", 1)[1]})

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if force_https and request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
