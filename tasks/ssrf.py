"""Is a webhook URL safe to call from inside our network?

A job's `webhook_url` comes from the API client, so the worker must not be
turned into a proxy towards the loopback, the private network or a cloud
metadata endpoint (SSRF). The check resolves the host and refuses it when any
of its addresses is not a public unicast address, unless the operator named
the host in WEBHOOK_ALLOWED_HOSTS (a receiver on the same machine or LAN).

The same `resolve_checked` runs at connect time in `tasks.notify`, so the
address the worker connects to is the one that was checked (no DNS rebinding
between the check and the request).
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from tasks.errors import InvalidParameter

FIELD = "webhook_url"
MAX_URL_LENGTH = 2048

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry an IPv4 address in their last 32 bits; the IPv4
# inside must be checked too (64:ff9b::127.0.0.1 reaches the NAT64 gateway's
# view of 127.0.0.1).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class UnsafeWebhookUrl(InvalidParameter):
    """The URL is refused; `detail` is French and safe to show to the client."""

    def __init__(self, detail: str):
        super().__init__(detail, field=FIELD)


class HostNotFound(UnsafeWebhookUrl):
    """The host does not resolve: refused at submission, but only a transient
    failure at delivery time (DNS outage), so a delivery may retry it."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if any(address in net for net in (*_NAT64, _IPV4_COMPATIBLE)):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _is_forbidden_one(address: IPAddress) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        # Catches what the flags above miss: shared address space
        # (100.64/10), benchmarking, documentation ranges, ...
        or not address.is_global
    )


def is_forbidden_address(address: str | IPAddress) -> bool:
    """True when the address is not a public unicast one (IPv4 or IPv6,
    including an IPv4 embedded in an IPv6 address)."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if _is_forbidden_one(address):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return any(_is_forbidden_one(inner) for inner in _embedded_ipv4(address))
    return False


def _normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _split_allowed(entry: str) -> tuple[str, int | None]:
    """`host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return _normalise_host(host), int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return _normalise_host(host), int(port) if port.isdigit() else None
    return _normalise_host(entry), None


def is_allowed_host(host: str, port: int, allowed_hosts: Iterable[str]) -> bool:
    """Whether the operator named this host (any port) or this host:port."""
    host = _normalise_host(host)
    for entry in allowed_hosts or ():
        if not entry or not entry.strip():
            continue
        allowed_host, allowed_port = _split_allowed(entry)
        if allowed_host == host and (allowed_port is None or allowed_port == port):
            return True
    return False


def parse_webhook_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a syntactically acceptable webhook URL."""
    if not isinstance(url, str) or not url.strip():
        raise UnsafeWebhookUrl("webhook_url : URL vide.")
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeWebhookUrl(f"webhook_url : URL trop longue (au plus {MAX_URL_LENGTH} caractères).")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise UnsafeWebhookUrl("webhook_url : l'URL contient des espaces ou des caractères de contrôle.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeWebhookUrl("webhook_url : URL mal formée.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeWebhookUrl("webhook_url : seuls les schémas http et https sont acceptés.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeWebhookUrl(
            "webhook_url : l'URL ne doit pas contenir d'identifiants (utilisateur ou mot de passe) ; "
            "utilisez WEBHOOK_TOKEN ou WEBHOOK_SECRET."
        )
    host = parts.hostname
    if not host:
        raise UnsafeWebhookUrl("webhook_url : l'URL n'indique pas d'hôte.")
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve_checked(host: str, port: int, allowed_hosts: Iterable[str] = ()) -> list[tuple]:
    """Resolve `host` and return its `getaddrinfo` entries (TCP), having
    refused the host if any address is internal and the host is not allowed.

    Every address is checked, not only the first: a name with one public and
    one private address could otherwise be steered to the private one.
    """
    try:
        infos = socket.getaddrinfo(_normalise_host(host), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostNotFound(f"webhook_url : l'hôte « {host} » est introuvable (résolution DNS impossible).") from None
    if not infos:
        raise HostNotFound(f"webhook_url : l'hôte « {host} » n'a aucune adresse.")
    if not is_allowed_host(host, port, allowed_hosts):
        for info in infos:
            if is_forbidden_address(info[4][0]):
                raise UnsafeWebhookUrl(
                    f"webhook_url : l'hôte « {host} » désigne une adresse locale, privée ou réservée ; "
                    "seules les adresses publiques sont acceptées (sauf hôte listé dans WEBHOOK_ALLOWED_HOSTS)."
                )
    return infos


def check_webhook_url(url: str, allowed_hosts: Iterable[str] = ()) -> None:
    """Raise `UnsafeWebhookUrl` (an `InvalidParameter` on `webhook_url`, 400)
    unless `url` is an http(s) URL without credentials whose host resolves
    only to public addresses, or is named in `allowed_hosts`."""
    _scheme, host, port = parse_webhook_url(url)
    resolve_checked(host, port, allowed_hosts)
