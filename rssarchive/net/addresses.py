"""Which URLs and addresses rssarchive may reach: the network policy, without the network.

Feeds are fetched from URLs the user wrote, but article pages, redirects and images come
from URLs the feeds wrote. Unless ``network.allow_private_addresses`` says otherwise, none
of them may reach this machine or its local network (a feed is not allowed to make us
probe ``169.254.169.254`` or a router's admin page).

Two checks use the one policy here:

* :func:`check_url`, before a request: only http/https, and a host written as an address
  (in any of the forms resolvers accept: ``2130706433``, ``0x7f.1``, ``[::ffff:7f00:1]``)
  must be public. Host names are not resolved here.
* :meth:`AddressPolicy.refused_resolution`, called by ``http.py`` on every address DNS
  returned for a host name, before it connects to exactly that address.

:func:`host_refusal` is the first check without a request: the extractor asks it of a
lead image's URL (``og:image``), which a post links without fetching.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rssarchive.core.errors import BlockedAddressError, ConfigError
from rssarchive.core.urls import HTTP_SCHEMES

if TYPE_CHECKING:  # imported by check_url only: the extractor's workers need no httpx
    import httpx

__all__ = [
    "AddressPolicy",
    "Allow",
    "address_policy",
    "check_url",
    "host_refusal",
]

_HINT = "set network.allow_private_addresses to allow it"

# A ``network.allow_private_addresses`` value: all, none, or these addresses and networks.
Allow = bool | tuple[str, ...]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052)
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)
_LOCALHOST = ipaddress.IPv4Address("127.0.0.1")


# --------------------------------------------------------------------------- the policy


@dataclass(frozen=True)
class AddressPolicy:
    allow_all: bool
    extra: tuple[IPNetwork, ...] = ()

    def refusal(self, ip: IPAddress) -> tuple[str, IPAddress] | None:
        """(kind, address judged) when ``ip`` is refused; None when it may be reached."""
        if self.allow_all:
            return None
        target = _embedded_ipv4(ip) or ip
        if any(ip in net or target in net for net in self.extra):
            return None
        kind = _non_public_kind(target)
        return None if kind is None else (kind, target)

    def refused_resolution(self, host: str, address: str) -> str | None:
        """Why ``host``, resolved to ``address``, may not be reached; None when it may."""
        found = self.refusal(ipaddress.ip_address(address))
        return None if found is None else _refused_message(host, *found, resolved=True)


@functools.lru_cache(maxsize=16)
def address_policy(allow: bool | tuple[str, ...]) -> AddressPolicy:
    """The policy for a ``network.allow_private_addresses`` value (ConfigError if invalid)."""
    if isinstance(allow, bool):
        return AddressPolicy(allow_all=allow)
    nets: list[IPNetwork] = []
    for entry in allow:
        try:
            nets.append(ipaddress.ip_network(str(entry).strip().strip("[]"), strict=False))
        except ValueError as exc:
            raise ConfigError(
                f"network.allow_private_addresses: {entry!r} is not an IP address or network"
            ) from exc
    return AddressPolicy(allow_all=False, extra=tuple(nets))


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form really reaches (mapped, 6to4, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _non_public_kind(ip: IPAddress) -> str | None:
    # Most specific first, so the message names what the user will recognise.
    if ip.is_unspecified:
        return "an unspecified"
    if ip.is_loopback:
        return "a loopback"
    if ip.is_link_local:
        return "a link-local"
    if ip.is_multicast:
        return "a multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return "a shared (carrier-grade NAT)"
    if isinstance(ip, ipaddress.IPv6Address) and (ip.is_site_local or ip in _NAT64_LOCAL):
        return "a site-local"
    if ip.is_private:
        return "a private"
    if ip.is_reserved:
        return "a reserved"
    if not ip.is_global:
        return "a non-public"
    return None


def _refused_message(host: str, kind: str, target: IPAddress, *, resolved: bool) -> str:
    if host == str(target):
        return f"refused: {target} is {kind} address ({_HINT})"
    verb = "resolves to" if resolved else "is"
    return f"refused: {host} {verb} {target}, {kind} address ({_HINT})"


# ------------------------------------------------------------------ literal addresses

_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]*|[0-9]+)")


def _parse_ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part, 10)


def _parse_ipv4_like(host: str) -> ipaddress.IPv4Address | None:
    """Parse a host the way inet_aton/WHATWG do (``2130706433``, ``0x7f.1``, ``127.1``).

    None for a DNS name; ValueError for a numeric-looking host that is no valid address.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot is allowed, as a resolver would
    if not _NUMBER.fullmatch(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMBER.fullmatch(p) for p in parts):
        raise ValueError(host)
    numbers = [_parse_ipv4_number(p) for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError(host)
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _literal(host: str) -> IPAddress | None:
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        return ipaddress.IPv6Address(host.partition("%")[0])
    if host.rstrip(".") == "localhost" or host.rstrip(".").endswith(".localhost"):
        return _LOCALHOST  # RFC 6761: always loopback, whatever DNS says
    return _parse_ipv4_like(host)


# ------------------------------------------------------------------------- URLs


def _host_refusal(host: str, policy: AddressPolicy) -> str | None:
    # Percent-decoding and lower-casing can only make more hosts look like addresses.
    name = urllib.parse.unquote(host).lower()
    try:
        ip = _literal(name)
    except ValueError:
        return f"refused: {host} is not a valid address"
    if ip is None:
        return None  # a DNS name: checked again after resolution, when connecting
    found = policy.refusal(ip)
    return None if found is None else _refused_message(host, *found, resolved=False)


def _check_host(url: str, host: str, policy: AddressPolicy) -> None:
    reason = _host_refusal(host, policy)
    if reason is not None:
        raise BlockedAddressError(url, reason)


def host_refusal(host: str, allow: Allow) -> str | None:
    """Why a URL's ``host`` may not be reached under ``allow``
    (``network.allow_private_addresses``): it is written as a non-public address, in any
    form resolvers accept, or is ``localhost``. None when it may be, and for a DNS name,
    whose addresses are checked when connecting."""
    policy = address_policy(allow)
    return None if policy.allow_all else _host_refusal(host, policy)


def check_url(url: str, allow: bool | tuple[str, ...]) -> httpx.URL:
    """Refuse non-http(s) URLs and literal non-public addresses (unless ``allow`` permits).

    Host names are not resolved here; the client checks their addresses when connecting.
    Raises BlockedAddressError (ConfigError if ``allow`` holds something not an address).
    Returns the URL as httpx parsed it, so that the request is built from what was checked
    (and the URL is not parsed twice).
    """
    import httpx

    policy = address_policy(allow)
    try:
        parts = urllib.parse.urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:
        raise BlockedAddressError(url, f"refused: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in HTTP_SCHEMES:
        shown = f"scheme {scheme!r}" if scheme else "a URL without a scheme"
        raise BlockedAddressError(url, f"refused: {shown} is not allowed (only http and https)")
    # urllib and httpx may split odd URLs differently; both views must pass. The literal
    # check comes first so that "0177.0.0.1" (which httpx rejects) is named for what it is.
    if hostname and not policy.allow_all:
        _check_host(url, hostname, policy)
    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise BlockedAddressError(url, f"refused: not a valid URL ({exc})") from exc
    if not raw_host:
        raise BlockedAddressError(url, "refused: the URL has no host")
    if not policy.allow_all:
        _check_host(url, raw_host, policy)
    return parsed
