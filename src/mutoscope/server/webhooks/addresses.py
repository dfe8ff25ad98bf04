"""Which network addresses webhooks may reach: public ones only, unless the operator allows private ones.

A webhook URL is chosen by a user but fetched by the server, so without a guard any user could make the server
POST into its own network (SSRF): the cloud metadata service at 169.254.169.254, a database admin page on
127.0.0.1, a neighbour on 10.0.0.0/8. An address is refused unless it is globally routable unicast; IPv4
addresses embedded in IPv6 (IPv4-mapped `::ffff:a.b.c.d`, 6to4, Teredo) are judged by the IPv4 address inside.

The check runs twice. At registration (`refuse_private_host`) the URL's host is resolved and refused if any
address is private, so users get a clear 400 at once. That alone cannot stop DNS rebinding (a name that resolves
to a public address when registered and to 127.0.0.1 later), so the dispatcher's HTTP client connects through
`GuardedNetworkBackend`: it resolves the host itself when opening each connection, refuses the connection if any
address is private, and connects to the very addresses it checked. TLS still verifies the certificate against
the host name, and no second lookup happens between the check and the connect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore
import httpx

from mutoscope.errors import InvalidRequestError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
# httpcore's SOCKET_OPTION, spelled out (httpcore does not export it).
SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]

ALLOW_HINT = "an operator can allow private addresses with MUTOSCOPE_WEBHOOKS__ALLOW_PRIVATE=true"


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to for a TCP connection, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def forbidden_reason(address: str) -> str | None:
    """Why webhooks may not reach `address` ("loopback", "private", ...), or None for a public address."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    for reason, flagged in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flagged:
            return reason
    # Left over: shared address space (100.64.0.0/10) and the like, neither private nor reachable publicly.
    return None if ip.is_global else "non-public"


def refuse_private_host(host: str, port: int, *, resolver: Resolver = resolve) -> None:
    """Refuse (400, param `url`) a host that is, or resolves to, a non-public address.

    A name that does not resolve now is accepted: its DNS may be set up later, and every delivery checks again.
    """
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        raise _refused(host, "127.0.0.1", "loopback")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = resolver(host, port)
        except OSError:
            return
    for address in addresses:
        reason = forbidden_reason(address)
        if reason is not None:
            raise _refused(host, address, reason)


def _refused(host: str, address: str, reason: str) -> InvalidRequestError:
    shown = host if host == address else f"{host} ({address})"
    return InvalidRequestError(
        f"Invalid 'url': webhooks cannot be sent to {shown}, a {reason} address; {ALLOW_HINT}.", param="url"
    )


class GuardedNetworkBackend(httpcore.SyncBackend):
    """httpcore's socket backend, but each connection goes only to checked, public addresses."""

    def __init__(self, resolver: Resolver = resolve) -> None:
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        for address in addresses:
            reason = forbidden_reason(address)
            if reason is not None:
                # One bad address refuses them all: a resolver answering with a public and a private address
                # must not get a chance to steer the connection inward.
                raise httpcore.ConnectError(
                    f"refused to connect to {host}: it resolves to {address}, a {reason} address; {ALLOW_HINT}"
                )
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host}: no address")
        last_error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


def guarded_transport(resolver: Resolver = resolve) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through `GuardedNetworkBackend` (and never through a proxy)."""
    transport = httpx.HTTPTransport()
    # httpx has no public hook for the network backend; the connection pool it wraps takes one, so the pool is
    # rebuilt with it (same defaults as httpx's: certificate verification on, HTTP/1.1).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=GuardedNetworkBackend(resolver)
    )
    return transport
