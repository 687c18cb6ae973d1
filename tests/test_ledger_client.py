"""Finances v0 through the real client library against the fake Amazon: pages, Amazon's refusals, its rate."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("sp_api")

from ledger.client import Bucket, LedgerRefused, LedgerUnavailable
from tests.fake_amazon import chargeback, safet_reimbursement
from tests.ledger_fixtures import NOW, SELLER, TOKEN, Sleeps, connection, reader

MODEL = Path(__file__).with_name("spapi") / "financesV0.json"
DAY = timedelta(days=1)


def _reimbursements(fake, count):  # type: ignore[no-untyped-def]
    fake.add_events(SELLER, "SAFETReimbursementEventList", [
        safet_reimbursement(f"CLAIM-{i:05d}", "12.34", posted=NOW - DAY * 3 + timedelta(minutes=i))
        for i in range(count)])


def test_a_window_is_read_page_by_page_with_next_token(amazon):  # type: ignore[no-untyped-def]
    _reimbursements(amazon, 250)
    pages = list(reader(connection(amazon)).pages(NOW - DAY * 5, NOW - timedelta(minutes=5)))
    assert [len(p["FinancialEvents"]["SAFETReimbursementEventList"]) for p in pages] == [100, 100, 50]
    calls = amazon.finance_calls()
    assert calls[0]["MaxResultsPerPage"] == "100" and "PostedAfter" in calls[0]
    assert all(set(c) >= {"NextToken"} for c in calls[1:])


def test_every_page_matches_amazons_published_schema(amazon):  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    import httpx

    _reimbursements(amazon, 3)
    amazon.add_events(SELLER, "ChargebackEventList", [chargeback("111-0000001-0000001", principal="-20.00",
                                                                 tax="-1.65", posted=NOW - DAY)])
    token = httpx.post(amazon.token_url, data={"grant_type": "refresh_token", "refresh_token": TOKEN,
                                               "client_id": "amzn1.application-oa2-client.test",
                                               "client_secret": "lwa-secret"}).json()["access_token"]
    page = httpx.get(amazon.endpoint + "/finances/v0/financialEvents", headers={"x-amz-access-token": token},
                     params={"PostedAfter": "2026-11-01T00:00:00Z", "PostedBefore": "2026-12-03T17:00:00Z"}).json()
    model = json.loads(MODEL.read_text())
    jsonschema.validate(page, {**model, "$ref": "#/definitions/ListFinancialEventsResponse"})
    assert page["payload"]["FinancialEvents"]["ChargebackEventList"][0]["AmazonOrderId"] == "111-0000001-0000001"


@pytest.mark.parametrize("rate_header", [True, False])
def test_a_429_backs_off_at_amazons_rate_and_tries_again(amazon, rate_header):  # type: ignore[no-untyped-def]
    _reimbursements(amazon, 5)
    amazon.fail_next(429, times=2, rate_header=rate_header)
    sleeps = Sleeps()
    pages = list(reader(connection(amazon), sleeps).pages(NOW - DAY * 5, NOW - timedelta(minutes=5)))
    assert len(pages[0]["FinancialEvents"]["SAFETReimbursementEventList"]) == 5
    assert sleeps.slept[:1] and sleeps.slept[0] >= 2.0  # 1 / 0.5 requests a second
    assert sleeps.slept[-1] > sleeps.slept[0]  # doubled


def test_429s_past_the_retries_stop_the_sync_as_unavailable(amazon):  # type: ignore[no-untyped-def]
    amazon.fail_next(429, times=10)
    with pytest.raises(LedgerUnavailable) as stopped:
        list(reader(connection(amazon)).pages(NOW - DAY, NOW - timedelta(minutes=5)))
    assert stopped.value.code == "throttled"


@pytest.mark.parametrize("body", [None, b"<html>Service Unavailable</html>"])
def test_a_5xx_is_tried_again_even_without_amazons_error_body(amazon, body):  # type: ignore[no-untyped-def]
    _reimbursements(amazon, 2)
    amazon.fail_next(503, body=body)
    pages = list(reader(connection(amazon)).pages(NOW - DAY * 5, NOW - timedelta(minutes=5)))
    assert len(pages[0]["FinancialEvents"]["SAFETReimbursementEventList"]) == 2


def test_an_expired_token_is_refreshed_once(amazon):  # type: ignore[no-untyped-def]
    _reimbursements(amazon, 2)
    client = reader(connection(amazon))
    list(client.pages(NOW - DAY * 5, NOW - timedelta(minutes=5)))
    amazon.expire_tokens()
    pages = list(client.pages(NOW - DAY * 5, NOW - timedelta(minutes=5)))
    assert len(pages[0]["FinancialEvents"]["SAFETReimbursementEventList"]) == 2
    assert [s for p, _, s in amazon.calls if p == "/auth/o2/token"] == [200, 200]


def test_a_revoked_refresh_token_is_refused_without_retrying(amazon):  # type: ignore[no-untyped-def]
    amazon.revoke(TOKEN)
    with pytest.raises(LedgerRefused) as refused:
        list(reader(connection(amazon)).pages(NOW - DAY, NOW - timedelta(minutes=5)))
    assert refused.value.code == "lwa_invalid_grant"
    assert TOKEN not in str(refused.value) and "lwa-secret" not in str(refused.value)
    assert not amazon.finance_calls()


def test_a_403_that_a_fresh_token_does_not_cure_is_refused(amazon):  # type: ignore[no-untyped-def]
    amazon.forbid(SELLER)
    with pytest.raises(LedgerRefused) as refused:
        list(reader(connection(amazon)).pages(NOW - DAY, NOW - timedelta(minutes=5)))
    assert refused.value.code == "http_403"
    assert len(amazon.finance_calls()) == 1


def test_a_wrong_client_secret_is_refused(amazon):  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerRefused):
        list(reader(connection(amazon, secret="wrong")).pages(NOW - DAY, NOW - timedelta(minutes=5)))


def test_the_bucket_spends_the_burst_then_paces_at_half_a_request_a_second():  # type: ignore[no-untyped-def]
    sleeps = Sleeps()
    bucket = Bucket(clock=sleeps.clock, sleep=sleeps)
    for _ in range(32):
        bucket.take()
    assert sleeps.slept == [2.0, 2.0]
