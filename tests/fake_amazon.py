"""A local fake of Amazon's SP-API Finances v0 and of Login with Amazon's token endpoint, written from Amazon's
published model (``tests/spapi/financesV0.json``, from amzn/selling-partner-api-models, Apache-2.0): its field
names, its ``NextToken`` paging, its parameter rules (``PostedBefore`` at least two minutes before now, at most
180 days after ``PostedAfter``, ``MaxResultsPerPage`` 1–100) and its error bodies. It fails the way Amazon does:
429 with and without ``x-amzn-RateLimit-Limit``, 500 and 503 (with Amazon's body or none), an expired access
token (403), credentials refused (LWA ``invalid_grant``; 403 on the API), a connection cut between two pages.
Standard library only."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

FINANCES = "/finances/v0/financialEvents"
TOKEN = "/auth/o2/token"
INVALID = {"code": "InvalidInput", "message": "Input not valid."}
QUOTA = {"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}
INTERNAL = {"code": "InternalFailure", "message": "We encountered an internal error. Please try again."}
DENIED = {"code": "Unauthorized", "message": "Access to requested resource is denied.", "details": ""}
EXPIRED = {**DENIED, "details": "The access token you provided has expired."}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _money(amount: Any, currency: str) -> dict[str, Any]:
    return {"CurrencyCode": currency, "CurrencyAmount": float(Decimal(str(amount)))}


def safet_reimbursement(claim_id: str, amount: Any, *, posted: datetime, currency: str = "USD",
                        reason_code: str = "SAFETReimbursement") -> dict[str, Any]:
    """A ``SAFETReimbursementEvent`` (a negative amount takes a reimbursement back)."""
    return {"PostedDate": iso(posted), "SAFETClaimId": claim_id, "ReimbursedAmount": _money(amount, currency),
            "ReasonCode": reason_code,
            "SAFETReimbursementItemList": [{"itemChargeList": [{"ChargeType": "Principal",
                                                                "ChargeAmount": _money(amount, currency)}],
                                            "productDescription": "Item", "quantity": "1"}]}


def chargeback(order_id: str, *, principal: Any, tax: Any = 0, shipping: Any = 0, posted: datetime,
               currency: str = "USD", marketplace: str = "Amazon.com") -> dict[str, Any]:
    """A ``ShipmentEvent`` of ``ChargebackEventList``: negative charges debit the seller, positive credit back."""
    charges = [{"ChargeType": name, "ChargeAmount": _money(value, currency)}
               for name, value in (("Principal", principal), ("Tax", tax), ("ShippingCharge", shipping)) if value]
    return {"AmazonOrderId": order_id, "MarketplaceName": marketplace, "PostedDate": iso(posted),
            "ShipmentItemAdjustmentList": [{"SellerSKU": "SKU-1", "OrderAdjustmentItemId": "1234567890",
                                            "QuantityShipped": 1, "ItemChargeAdjustmentList": charges}]}


def refund(order_id: str, amount: Any, *, posted: datetime, currency: str = "USD",
           fulfilled_by_amazon: bool = False) -> dict[str, Any]:
    """A ``ShipmentEvent`` of ``RefundEventList``; an Amazon-fulfilled order carries its FBA fee back."""
    fee = "FBAPerUnitFulfillmentFee" if fulfilled_by_amazon else "Commission"
    return {"AmazonOrderId": order_id, "MarketplaceName": "Amazon.com", "PostedDate": iso(posted),
            "ShipmentItemAdjustmentList": [{
                "SellerSKU": "SKU-1", "OrderAdjustmentItemId": "1234567891", "QuantityShipped": 1,
                "ItemChargeAdjustmentList": [{"ChargeType": "Principal", "ChargeAmount": _money(-Decimal(str(amount)),
                                                                                                currency)}],
                "ItemFeeAdjustmentList": [{"FeeType": fee, "FeeAmount": _money("1.50", currency)}]}]}


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


class FakeAmazon:
    def __init__(self, *, client_id: str = "amzn1.application-oa2-client.test", client_secret: str = "lwa-secret",
                 clock: Callable[[], datetime] | None = None) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._refresh: dict[str, str] = {}
        self._access: dict[str, tuple[str, bool]] = {}
        self._events: dict[str, list[tuple[datetime, str, dict[str, Any]]]] = {}
        self._pages: dict[str, tuple[str, list[tuple[str, dict[str, Any]]], int, int]] = {}
        self._failures: list[tuple[int, bool, bytes | None]] = []
        self._forbidden: set[str] = set()
        self._revoked: set[str] = set()
        self._cut_on: int | None = None
        self.finance_count = 0
        self.calls: list[tuple[str, dict[str, str], int]] = []
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ set-up

    def start(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_url(self) -> str:
        return self.endpoint + TOKEN

    def add_seller(self, seller_id: str, refresh_token: str) -> None:
        self._refresh[refresh_token] = seller_id
        self._events.setdefault(seller_id, [])

    def add_events(self, seller_id: str, list_name: str, events: list[dict[str, Any]]) -> None:
        with self._lock:
            for event in events:
                posted = _when(event["PostedDate"])
                assert posted is not None
                self._events.setdefault(seller_id, []).append((posted, list_name, event))
            self._events[seller_id].sort(key=lambda item: item[0])

    def fail_next(self, status: int, *, times: int = 1, rate_header: bool = True, body: bytes | None = None) -> None:
        self._failures.extend([(status, rate_header, body)] * times)

    def expire_tokens(self) -> None:
        with self._lock:
            self._access = {token: (seller, True) for token, (seller, _) in self._access.items()}

    def revoke(self, refresh_token: str) -> None:
        self._revoked.add(refresh_token)

    def forbid(self, seller_id: str) -> None:
        self._forbidden.add(seller_id)

    def cut_on_call(self, n: int) -> None:
        """The ``n``-th finance call from now gets no answer at all (the connection is closed)."""
        self._cut_on = self.finance_count + n

    def finance_calls(self) -> list[dict[str, str]]:
        return [params for path, params, _ in self.calls if path == FINANCES]

    # ------------------------------------------------------------ answering

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return 401, {}, {"error": "invalid_client", "error_description": "Client authentication failed"}
        refresh = form.get("refresh_token", "")
        if form.get("grant_type") != "refresh_token" or refresh not in self._refresh or refresh in self._revoked:
            return 400, {}, {"error": "invalid_grant",
                             "error_description": "The request has an invalid grant parameter : refresh_token"}
        access = "Atza|" + secrets.token_urlsafe(16)
        with self._lock:
            self._access[access] = (self._refresh[refresh], False)
        return 200, {}, {"access_token": access, "refresh_token": refresh, "token_type": "bearer", "expires_in": 3600}

    def finances(self, params: dict[str, str], access: str | None) -> tuple[int, dict[str, str], Any] | None:
        self.finance_count += 1
        if self._cut_on is not None and self.finance_count == self._cut_on:
            self._cut_on = None
            return None
        found = self._access.get(access or "")
        if found is None:
            return 403, {}, {"errors": [DENIED]}
        seller, expired = found
        if expired:
            return 403, {}, {"errors": [EXPIRED]}
        if seller in self._forbidden:
            return 403, {}, {"errors": [DENIED]}
        if self._failures:
            status, rate_header, body = self._failures.pop(0)
            headers = {"x-amzn-RateLimit-Limit": "0.5"} if rate_header else {}
            if body is not None:
                return status, headers, body
            return status, headers, {"errors": [QUOTA if status == 429 else INTERNAL]}
        headers = {"x-amzn-RateLimit-Limit": "0.5", "x-amzn-RequestId": secrets.token_hex(8)}
        token = params.get("NextToken")
        if token:
            page = self._pages.pop(token, None)
            if page is None or page[0] != seller:
                return 400, headers, {"errors": [{**INVALID, "details": "NextToken is not valid."}]}
            _, matching, start, size = page
        else:
            refused = self._refusal(params)
            if refused:
                return 400, headers, {"errors": [{**INVALID, "details": refused}]}
            after, before = _when(params.get("PostedAfter")), _when(params.get("PostedBefore"))
            size = int(params.get("MaxResultsPerPage") or 100)
            with self._lock:
                matching = [(name, event) for posted, name, event in self._events.get(seller, [])
                            if after is not None and after <= posted and (before is None or posted < before)]
            start = 0
        chunk = matching[start:start + size]
        events: dict[str, list[dict[str, Any]]] = {}
        for name, event in chunk:
            events.setdefault(name, []).append(event)
        payload: dict[str, Any] = {"FinancialEvents": events}
        if start + size < len(matching):
            following = secrets.token_urlsafe(12)
            self._pages[following] = (seller, matching, start + size, size)
            payload["NextToken"] = following
        return 200, headers, {"payload": payload}

    def _refusal(self, params: dict[str, str]) -> str | None:
        size = params.get("MaxResultsPerPage", "100")
        if not size.isdigit() or not 1 <= int(size) <= 100:
            return "MaxResultsPerPage must be from 1 to 100."
        after, before = _when(params.get("PostedAfter")), _when(params.get("PostedBefore"))
        if after is None:
            return "PostedAfter is required (ISO 8601)."
        if "PostedBefore" in params and before is None:
            return "PostedBefore is not a valid ISO 8601 date."
        latest = self.clock() - timedelta(minutes=2)
        if before is not None and before > latest:
            return "PostedBefore must be no later than two minutes before the request."
        if before is not None and before <= after:
            return "PostedAfter must be before PostedBefore."
        if (before or latest) - after > timedelta(days=180):
            return "PostedAfter and PostedBefore must be at most 180 days apart."
        return None


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        fake: FakeAmazon = self.server.fake  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if url.path != TOKEN:
            self._reply(404, {}, {"errors": [{"code": "NotFound", "message": "Resource not found."}]})
            return
        form = dict(parse_qsl(body, keep_blank_values=True))
        status, headers, answer = fake.token(form)
        fake.calls.append((TOKEN, {k: v for k, v in form.items() if k == "grant_type"}, status))
        self._reply(status, headers, answer)

    def do_GET(self) -> None:
        fake: FakeAmazon = self.server.fake  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        if url.path != FINANCES:
            self._reply(404, {}, {"errors": [{"code": "NotFound", "message": "Resource not found."}]})
            return
        answer = fake.finances(params, self.headers.get("x-amz-access-token"))
        if answer is None:
            fake.calls.append((FINANCES, params, 0))
            self.close_connection = True
            self.connection.close()
            return
        fake.calls.append((FINANCES, params, answer[0]))
        self._reply(*answer)

    def _reply(self, status: int, headers: dict[str, str], answer: Any) -> None:
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(answer, bytes) else "text/html")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
