"""The webhook SSRF guard on its own: which addresses are refused, at registration and when connecting."""

from __future__ import annotations

import httpcore
import pytest

from mutoscope.errors import InvalidRequestError
from mutoscope.server.webhooks.addresses import (
    GuardedNetworkBackend,
    forbidden_reason,
    refuse_private_host,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT: neither private nor reachable publicly
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6 is judged by the IPv4 address inside
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
    ],
)
def test_non_public_addresses_are_refused_with_their_kind(address: str, reason: str) -> None:
    assert forbidden_reason(address) == reason


@pytest.mark.parametrize("address", ["240.0.0.1", "255.255.255.255", "::127.0.0.1", "2001:db8::1"])
def test_reserved_and_documentation_ranges_are_refused(address: str) -> None:
    assert forbidden_reason(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert forbidden_reason(address) is None


def test_a_name_resolving_to_a_private_address_is_refused_naming_url() -> None:
    with pytest.raises(InvalidRequestError) as refused:
        refuse_private_host("hooks.example", 443, resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    assert refused.value.param == "url"
    assert "10.0.0.7" in str(refused.value) and "MUTOSCOPE_WEBHOOKS__ALLOW_PRIVATE" in str(refused.value)


def test_numeric_host_spellings_are_resolved_before_they_are_judged() -> None:
    # 2130706433 and 127.1 are both 127.0.0.1 to the system resolver: the check must see what a connect sees.
    for host in ("2130706433", "127.1", "0x7f.0.0.1"):
        with pytest.raises(InvalidRequestError, match="loopback"):
            refuse_private_host(host, 80)


def test_a_name_that_does_not_resolve_yet_is_accepted_at_registration() -> None:
    def unresolvable(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    refuse_private_host("hooks.example", 443, resolver=unresolvable)  # delivery checks again
    refuse_private_host("hooks.example", 443, resolver=lambda host, port: ["93.184.216.34"])


def test_the_connection_guard_refuses_before_any_socket_opens() -> None:
    asked: list[tuple[str, int]] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["93.184.216.34", "::ffff:127.0.0.1"]  # one public, one loopback: all refused

    with pytest.raises(httpcore.ConnectError, match=r"hooks\.example.*::ffff:127\.0\.0\.1.*loopback"):
        GuardedNetworkBackend(rebinding).connect_tcp("hooks.example", 443, timeout=1)
    assert asked == [("hooks.example", 443)]
