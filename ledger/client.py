"""Finances v0 through python-amazon-sp-api (``sp_api``): the library signs in with Login with Amazon and makes
the call; this module adds what a sync needs around it — Amazon's rate for the operation (0.5 requests a
second, burst 30), backoff on 429, retries on 5xx and on a lost connection, one fresh token after an expired
one, and the two overrides (``SAFET_SPAPI_ENDPOINT``, ``SAFET_LWA_TOKEN_URL``) for Amazon's sandbox or a local
fake. A 403 that a fresh token does not cure, or a refused refresh token, is ``LedgerRefused``: told once,
never retried every hour. No secret reaches a log line or an error message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("safet.ledger")
logging.getLogger("sp_api").setLevel(logging.WARNING)  # its DEBUG lines carry the access token

REGIONS = {"na": "US", "eu": "UK", "fe": "JP"}
"""SP-API's three regional hosts, each named by one marketplace the library knows it from."""
RATE_PER_SECOND = 0.5
BURST = 30
THROTTLE_TRIES = 6
SERVER_TRIES = 4


class LedgerError(Exception):
    """A sync could not read the ledger; ``code`` is short, stable and free of secrets (told once per code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LedgerRefused(LedgerError):
    """Amazon refused the credentials (403, or LWA refused the refresh token): a person must fix them."""


class LedgerUnavailable(LedgerError):
    """Amazon could not be read now (429 or 5xx past the retries, no connection): the next sync tries again."""


@dataclass(frozen=True)
class Connection:
    """One seller account's way into its ledger. ``refresh_token``, ``client_secret``: secrets, never printed."""

    account: str
    selling_partner_id: str
    region: str
    client_id: str
    client_secret: str
    refresh_token: str
    endpoint: str | None = None
    token_url: str | None = None

    def __repr__(self) -> str:
        return f"Connection(account={self.account!r}, region={self.region!r})"


class Bucket:
    """Amazon's token bucket for the operation, kept on our side so a sync rarely meets a 429."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: int = BURST, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Any] = time.sleep) -> None:
        self.rate, self.burst, self.clock, self.sleep = rate, burst, clock, sleep
        self.tokens, self.at = float(burst), clock()

    def take(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            self.sleep((1 - self.tokens) / self.rate)
            self.tokens, self.at = 1.0, self.clock()
        self.tokens -= 1

    def empty(self) -> None:
        """Amazon said 429: its bucket is empty whatever ours says."""
        self.tokens, self.at = 0.0, self.clock()


def _finances_class() -> type:
    """The library's Finances v0 client with the overrides (imported here: ``sp_api`` is the ledger's extra)."""
    from sp_api.api import FinancesV0
    from sp_api.base import ApiResponse

    class Finances(FinancesV0):  # type: ignore[misc, valid-type]
        @property
        def headers(self) -> dict[str, str]:
            headers = dict(super().headers)
            headers["host"] = urlsplit(self.endpoint).netloc  # the library assumes https:// (endpoint[8:])
            return headers

        def _check_response(self, res: Any, res_no_data: bool = False, bulk: bool = False,
                            wrap_list: bool = False) -> ApiResponse:
            if not 200 <= res.status_code < 300:
                raise _Status(res.status_code, res.headers, _errors(res))
            return super()._check_response(res, res_no_data, bulk, wrap_list)

    return Finances


class _Status(Exception):
    """Any answer but 2xx, with or without Amazon's ``errors`` body (the library lets a bare 5xx through)."""

    def __init__(self, status: int, headers: Mapping[str, str], errors: list[dict[str, Any]]) -> None:
        super().__init__(status)
        self.status, self.headers, self.errors = status, headers, errors

    @property
    def expired_token(self) -> bool:
        return self.status == 403 and any("expired" in str(e.get("details", "")).lower() for e in self.errors)


def _errors(res: Any) -> list[dict[str, Any]]:
    try:
        body = res.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _token_client_class(token_url: str | None) -> type:
    from sp_api.auth import AccessTokenClient

    if not token_url:
        return AccessTokenClient
    url = urlsplit(token_url)
    return type("OverriddenTokenClient", (AccessTokenClient,),
                {"scheme": f"{url.scheme}://", "host": url.netloc, "path": url.path or "/auth/o2/token"})


def _forget_token(refresh_token: str) -> None:
    """Drop the library's cached access token for this refresh token (after Amazon said it expired)."""
    from sp_api.auth import access_token_client
    from sp_api.auth._core import build_cache_key

    access_token_client.cache.pop(build_cache_key(refresh_token), None)


class FinancesReader:
    """Reads ``GET /finances/v0/financialEvents`` pages for one account."""

    def __init__(self, connection: Connection, *, bucket: Bucket | None = None,
                 sleep: Callable[[float], Any] = time.sleep, timeout: float = 30.0) -> None:
        from sp_api.base import Marketplaces

        self.connection, self.sleep = connection, sleep
        self.bucket = bucket or Bucket(sleep=sleep)
        self.calls = 0
        self._client = _finances_class()(
            Marketplaces[REGIONS.get(connection.region, "US")], refresh_token=connection.refresh_token,
            credentials={"lwa_app_id": connection.client_id, "lwa_client_secret": connection.client_secret},
            auth_token_client_class=_token_client_class(connection.token_url), timeout=timeout)
        if connection.endpoint:
            self._client.endpoint = connection.endpoint.rstrip("/")

    def close(self) -> None:
        self._client.close()

    def pages(self, after: datetime, before: datetime, *, per_page: int = 100) -> Iterator[dict[str, Any]]:
        """Every page of the window ``[after, before)``, following ``NextToken``."""
        params: dict[str, Any] = {"PostedAfter": _iso(after), "PostedBefore": _iso(before),
                                  "MaxResultsPerPage": per_page}
        while True:
            payload = self._call(params)
            yield payload
            token = payload.get("NextToken")
            if not token:
                return
            params = {"NextToken": token}

    def _call(self, params: dict[str, Any]) -> dict[str, Any]:
        throttled = server = 0
        fresh = False
        while True:
            self.bucket.take()
            self.calls += 1
            try:
                response = self._client.list_financial_events(**dict(params))
            except _Status as answer:
                if answer.status == 429:
                    throttled += 1
                    if throttled >= THROTTLE_TRIES:
                        raise LedgerUnavailable("throttled", "Amazon kept answering 429 (too many requests)") from None
                    self.bucket.empty()
                    self.sleep(_backoff(answer.headers, throttled))
                    continue
                if answer.expired_token and not fresh:
                    fresh = True
                    _forget_token(self.connection.refresh_token)
                    continue
                if answer.status in (401, 403):
                    raise LedgerRefused(f"http_{answer.status}", _said(answer)) from None
                if answer.status >= 500:
                    server += 1
                    if server >= SERVER_TRIES:
                        raise LedgerUnavailable(f"http_{answer.status}", _said(answer)) from None
                    self.sleep(min(2.0 ** server, 30.0))
                    continue
                raise LedgerError(f"http_{answer.status}", _said(answer)) from None
            except Exception as error:  # noqa: BLE001 - the library's and httpx's errors, sorted here
                self._sorted(error)
                server += 1
                if server >= SERVER_TRIES:
                    raise LedgerUnavailable("unreachable", f"Amazon could not be reached ({type(error).__name__})") \
                        from None
                self.sleep(min(2.0 ** server, 30.0))
                continue
            payload = response.payload
            return payload if isinstance(payload, dict) else {}

    @staticmethod
    def _sorted(error: Exception) -> None:
        """Login with Amazon refused the app's or the seller's credentials: no retry cures that."""
        from sp_api.auth.exceptions import AuthorizationError
        from sp_api.base.credential_provider import MissingCredentials

        if isinstance(error, AuthorizationError):
            raise LedgerRefused(f"lwa_{error.error_code or error.status_code}",
                                f"Login with Amazon refused the credentials ({error.error_code})") from None
        if isinstance(error, MissingCredentials):
            raise LedgerRefused("lwa_missing", "the LWA client id or secret is missing") from None


def _backoff(headers: Mapping[str, str], tries: int) -> float:
    """After a 429: Amazon's ``Retry-After`` if it sent one, else the operation's rate
    (``x-amzn-RateLimit-Limit``, or 0.5/s), doubled at each try."""
    retry_after = headers.get("retry-after") if headers else None
    if retry_after:
        try:
            return min(float(retry_after), 60.0)
        except ValueError:
            pass
    try:
        rate = float(headers.get("x-amzn-ratelimit-limit") or RATE_PER_SECOND) if headers else RATE_PER_SECOND
    except ValueError:
        rate = RATE_PER_SECOND
    return min((1.0 / max(rate, 0.01)) * 2 ** (tries - 1), 60.0)


def _said(answer: _Status) -> str:
    first = answer.errors[0] if answer.errors else {}
    code, message = str(first.get("code", ""))[:60], str(first.get("message", ""))[:200]
    return f"Amazon answered {answer.status}" + (f" {code}: {message}" if code or message else "")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
