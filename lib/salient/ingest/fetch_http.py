"""A polite, bounded HTTP GET for `salient fetch` (httpx underneath).

`PoliteClient.get` is the only way `salient.ingest.fetch` touches the network. For every request it:
- accepts only http(s) URLs and, unless `allow_private`, only hosts whose every address is
  public (no loopback, private, link-local or reserved ranges), checked again at each redirect;
- follows at most `max_redirects` redirects itself (a loop is named as such);
- obeys robots.txt (`urllib.robotparser`, fetched once per origin, Crawl-delay honoured);
- waits `host_delay_s` between two requests to the same host;
- retries timeouts, dropped connections, 429 and 5xx a bounded number of times with exponential
  backoff (a `Retry-After` of a few seconds is honoured);
- stops reading a response larger than `max_bytes` or slower than `timeout_s` in total.

Every failure becomes `FetchFailed` with a short human reason; nothing else escapes for a URL.
The address check resolves the host before httpx connects, which resolves it again: a DNS answer
that changes in between (DNS rebinding) is not caught. That is acceptable for a tool fed by the
analyst's own feed list; a shared service would pin the checked address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import urllib.robotparser
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

import salient

log = logging.getLogger(__name__)

USER_AGENT = f"Salient/{salient.__version__} (news corpus fetcher for analysts; obeys robots.txt)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 512_000  # Google's limit is 500 KiB; rules past it are ignored
MAX_RETRY_AFTER_S = 30.0  # a longer Retry-After means "not today": fail and try next run
CHUNK_BYTES = 65_536


class FetchFailed(Exception):
    """One URL could not be fetched; `reason` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchOptions:
    """How polite and how patient to be. The defaults suit a daily scheduled fetch."""

    user_agent: str = USER_AGENT
    timeout_s: float = 20.0  # per attempt: connect, each read, and the whole body
    retries: int = 2  # extra attempts after the first, for transient failures only
    backoff_s: float = 1.0  # first wait before a retry; doubled at each retry
    host_delay_s: float = 1.0  # minimum gap between two requests to the same host
    max_crawl_delay_s: float = 30.0  # a robots.txt Crawl-delay is honoured up to this
    max_bytes: int = 5_000_000  # the corpus reader skips larger files anyway
    max_redirects: int = 5
    allow_private: bool = False  # loopback/private hosts (a local test server, an intranet)


@dataclass(frozen=True)
class Response:
    """A complete response after redirects: final URL, status, headers and body bytes."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    attempts: int = 1

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ('' when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class _Robots:
    """What one origin's robots.txt says; `parser` None means "everything allowed"."""

    parser: urllib.robotparser.RobotFileParser | None
    refused: str = ""  # non-empty: every path refused, for this reason


@dataclass
class PoliteClient:
    """An httpx client that applies `FetchOptions` to every request (see the module doc)."""

    options: FetchOptions = field(default_factory=FetchOptions)
    _client: httpx.Client = field(init=False)
    _robots: dict[str, _Robots] = field(init=False, default_factory=dict)
    _last_request: dict[str, float] = field(init=False, default_factory=dict)
    _host_delay: dict[str, float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            headers={"User-Agent": self.options.user_agent},
            timeout=httpx.Timeout(self.options.timeout_s),
            follow_redirects=False,  # followed by hand, to check each hop
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Response:
        """GET `url` following redirects; a final status other than 200 raises `FetchFailed`."""
        response = self._follow(url, obey_robots=True)
        if response.status != 200:
            tries = f" after {response.attempts} attempts" if response.attempts > 1 else ""
            raise FetchFailed(f"HTTP {response.status} {_phrase(response.status)}{tries}".strip())
        return response

    # --- redirects, robots.txt and the per-host rate -------------------------------------------

    def _follow(self, url: str, *, obey_robots: bool) -> Response:
        """GET with redirects followed by hand: every hop is checked like the first URL."""
        seen: list[str] = []
        for _ in range(self.options.max_redirects + 1):
            check_url(url, allow_private=self.options.allow_private)
            if obey_robots:
                self._check_robots(url)
            seen.append(url)
            response = self._get_with_retries(url)
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return response
            url = urljoin(url, location.strip())
            if url in seen:
                raise FetchFailed(f"redirect loop ({len(seen)} hops back to {url})")
        raise FetchFailed(f"too many redirects (more than {self.options.max_redirects})")

    def _check_robots(self, url: str) -> None:
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        robots = self._robots[origin]
        if robots.refused:
            raise FetchFailed(robots.refused)
        if robots.parser is not None and not robots.parser.can_fetch(self.options.user_agent, url):
            raise FetchFailed("disallowed by robots.txt")

    def _read_robots(self, origin: str) -> _Robots:
        """Fetch and parse `origin`/robots.txt, as RFC 9309 says to treat each outcome."""
        try:
            response = self._follow(f"{origin}/robots.txt", obey_robots=False)
        except FetchFailed as error:  # unreachable: RFC 9309 says assume complete disallow
            return _Robots(None, refused=f"robots.txt unreachable ({error.reason})")
        if response.status >= 500:
            return _Robots(None, refused=f"robots.txt unreachable (HTTP {response.status})")
        if response.status >= 400:  # no robots.txt (401/403 included, as RFC 9309 says)
            return _Robots(None)
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        text = response.content[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.options.user_agent)
        if delay:
            host = urlsplit(origin).netloc
            self._host_delay[host] = min(float(delay), self.options.max_crawl_delay_s)
        return _Robots(parser)

    def _wait_for_host(self, host: str) -> None:
        delay = max(self.options.host_delay_s, self._host_delay.get(host, 0.0))
        last = self._last_request.get(host)
        if last is not None:
            time.sleep(max(0.0, last + delay - time.monotonic()))

    # --- one URL, with retries ------------------------------------------------------------------

    def _get_with_retries(self, url: str) -> Response:
        """One GET, retried on transient failures: timeouts, dropped connections, 429, 5xx."""
        host = urlsplit(url).netloc
        attempts = self.options.retries + 1
        for attempt in range(1, attempts + 1):
            self._wait_for_host(host)
            try:
                response = self._get_once(url)
            except httpx.TransportError as error:
                if attempt == attempts:
                    raise FetchFailed(_transport_reason(error, self.options, attempts)) from error
                log.info("%s: %s; retrying", url, _transport_reason(error, self.options, 1))
                time.sleep(self._backoff(attempt))
                continue
            finally:
                self._last_request[host] = time.monotonic()
            if response.status in RETRY_STATUSES and attempt < attempts:
                wait = _retry_after(response.headers) or self._backoff(attempt)
                if wait > MAX_RETRY_AFTER_S:
                    return _with_attempts(response, attempt)
                log.info("%s: HTTP %d; retrying in %.1f s", url, response.status, wait)
                time.sleep(wait)
                continue
            return _with_attempts(response, attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _backoff(self, attempt: int) -> float:
        return self.options.backoff_s * 2 ** (attempt - 1)

    def _get_once(self, url: str) -> Response:
        """Stream one response, refusing it once it passes `max_bytes` or `timeout_s` in total."""
        limit, started = self.options.max_bytes, time.monotonic()
        with self._client.stream("GET", url) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchFailed(f"response too large ({declared} bytes > {limit})")
            chunks, size = [], 0
            for chunk in response.iter_bytes(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(f"response too large (over {limit} bytes)")
                if time.monotonic() - started > self.options.timeout_s:
                    raise FetchFailed(f"response too slow (over {self.options.timeout_s:g} s)")
                chunks.append(chunk)
            return Response(
                str(response.url), response.status_code, response.headers, b"".join(chunks)
            )


def check_url(url: str, *, allow_private: bool = False) -> None:
    """Refuse (`FetchFailed`) a URL that is not http(s), or whose host resolves to a non-public
    address when `allow_private` is False.

    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    salient.ingest.fetch_http.FetchFailed: not an http(s) URL: file:///etc/passwd
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"not an http(s) URL: {url}")
    if allow_private:
        return
    for address in _addresses(parts.hostname):
        if not is_public(address):
            raise FetchFailed(
                f"{parts.hostname} is a private or loopback address ({address}); "
                "allow it with --allow-private"
            )


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable unicast (IPv4-mapped IPv6 unwrapped).

    >>> [is_public(a) for a in ("93.184.216.34", "127.0.0.1", "10.1.2.3", "::ffff:192.168.0.1")]
    [True, False, False, False]
    """
    ip = ipaddress.ip_address(address.split("%")[0])  # drop an IPv6 zone index
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise FetchFailed(f"cannot resolve host {host}: {error}") from error
    return sorted({str(info[4][0]) for info in infos})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _retry_after(headers: httpx.Headers) -> float | None:
    """A Retry-After given in seconds; an HTTP date is ignored (the backoff applies)."""
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


def _with_attempts(response: Response, attempts: int) -> Response:
    return Response(response.url, response.status, response.headers, response.content, attempts)


def _transport_reason(error: httpx.TransportError, options: FetchOptions, attempts: int) -> str:
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {options.timeout_s:g} s{tries}"
    detail = str(error) or type(error).__name__
    return f"connection failed: {detail}{tries}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def describe(options: FetchOptions) -> dict[str, Any]:
    """The options as plain values, for the log."""
    return {name: getattr(options, name) for name in options.__dataclass_fields__}
