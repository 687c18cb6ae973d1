"""Connecting accounts to Amazon's ledger: the accounts file's ledger table, the one-account variables, the
overrides, and the commands — none of which ever prints a secret."""

from __future__ import annotations

import pytest

from ledger.connections import Off, connection_for
from slack_app.accounts import parse_accounts
from slack_app.cli import main
from slack_app.config import ConfigError
from slack_app.settings import load_settings
from tests.fake_amazon import safet_reimbursement
from tests.ledger_fixtures import NOW, SELLER, TOKEN

LWA = {"SAFET_LWA_CLIENT_ID": "amzn1.application-oa2-client.test", "SAFET_LWA_CLIENT_SECRET": "lwa-secret"}


def accounts(ledger: dict) -> dict:  # type: ignore[type-arg]
    return {"accounts": {"acme": {"name": "Acme", "channel": "C0ACME", "ledger": ledger}}}


def test_an_accounts_ledger_table_is_read_with_its_defaults() -> None:
    book = parse_accounts(accounts({"selling_partner_id": "A1B2C3D4E5F6G7", "refresh_token_env": "ACME_TOKEN"}),
                          "accounts.toml")
    link = book.account("acme").ledger
    assert link is not None and (link.region, link.every_minutes, link.unpaid_after_days) == ("na", 60, 7)


@pytest.mark.parametrize(("ledger", "said"), [
    ({"selling_partner_id": "A1B2C3D4E5F6G7", "region": "us"}, "region must be one of na, eu, fe"),
    ({"selling_partner_id": "A1B2C3D4E5F6G7", "refresh_token_env": "Atzr|IwEBIJ-secret"}, "never the token"),
    ({"selling_partner_id": "nope"}, "merchant token"),
    ({"selling_partner_id": "A1B2C3D4E5F6G7", "every_minutes": 1}, "every_minutes"),
    ({"selling_partner_id": "A1B2C3D4E5F6G7", "refresh_token": "x"}, "unknown setting 'refresh_token'"),
])
def test_a_wrong_ledger_table_is_refused_on_its_own_line(ledger: dict, said: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as refused:
        parse_accounts(accounts(ledger), "accounts.toml")
    assert said in str(refused.value)
    assert "IwEBIJ-secret" not in str(refused.value)


def test_without_an_accounts_file_the_refresh_token_connects_the_one_account() -> None:
    settings = load_settings({"SAFET_SPAPI_REFRESH_TOKEN": TOKEN, "SAFET_SPAPI_REGION": "eu", **LWA}, dotenv=False)
    link = settings.accounts.default.ledger
    assert link is not None and link.region == "eu"
    connection = connection_for(settings.accounts.default, settings, {"SAFET_SPAPI_REFRESH_TOKEN": TOKEN, **LWA})
    assert not isinstance(connection, Off) and TOKEN not in repr(connection)


@pytest.mark.parametrize(("env", "said"), [
    ({"SAFET_SPAPI_REFRESH_TOKEN": "x", "SAFET_SPAPI_REGION": "asia"}, "SAFET_SPAPI_REGION"),
    ({"SAFET_SPAPI_ENDPOINT": "ftp://127.0.0.1"}, "SAFET_SPAPI_ENDPOINT"),
    ({"SAFET_SPAPI_ENDPOINT": "https://user:pw@sellingpartnerapi-na.amazon.com"}, "SAFET_SPAPI_ENDPOINT"),
    ({"SAFET_LWA_TOKEN_URL": "api.amazon.com/auth/o2/token"}, "SAFET_LWA_TOKEN_URL"),
])
def test_wrong_ledger_settings_stop_start_up(env: dict, said: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as refused:
        load_settings(env, dotenv=False)
    assert said in str(refused.value)


def test_an_account_without_its_variables_is_off_and_says_which_by_name() -> None:
    settings = load_settings({"SAFET_SPAPI_REFRESH_TOKEN": TOKEN}, dotenv=False)
    off = connection_for(settings.accounts.default, settings, {"SAFET_SPAPI_REFRESH_TOKEN": TOKEN})
    assert isinstance(off, Off) and "SAFET_LWA_CLIENT_ID" in off.why and TOKEN not in off.why
    unconnected = connection_for(load_settings({}, dotenv=False).accounts.default, load_settings({}, dotenv=False), {})
    assert isinstance(unconnected, Off) and "not connected" in unconnected.why


def test_ledger_sync_and_status_from_the_command_line(amazon, tmp_path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    monkeypatch.chdir(tmp_path)
    for name, value in {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "SAFET_SPAPI_REFRESH_TOKEN": TOKEN,
                        "SAFET_SPAPI_ENDPOINT": amazon.endpoint, "SAFET_LWA_TOKEN_URL": amazon.token_url,
                        **LWA}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("slack_app.ledger_cli.now_utc", lambda: NOW)
    amazon.add_events(SELLER, "SAFETReimbursementEventList",
                      [safet_reimbursement("C-1", "10.00", posted=NOW - timedelta(days=1))])
    assert main(["db", "upgrade"]) == 0
    assert main(["ledger", "sync"]) == 0
    said = capsys.readouterr().out
    assert "1 new entry (unmatched 1)" in said
    assert main(["ledger", "status"]) == 0
    status = capsys.readouterr().out
    assert "connected (region na)" in status and "2026-12-03 17:58 UTC" in status
    amazon.revoke(TOKEN)
    from sp_api.auth import access_token_client

    access_token_client.cache.clear()
    assert main(["ledger", "sync"]) == 1
    main(["ledger", "status"])
    out = capsys.readouterr()
    assert "invalid_grant" in out.out + out.err
    assert TOKEN not in out.out + out.err and "lwa-secret" not in out.out + out.err


def test_without_the_client_library_the_ledger_is_off_and_says_how_to_install_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "sp_api", None)  # as after `pip install .`, without the [ledger] extra
    env = {"SAFET_SPAPI_REFRESH_TOKEN": TOKEN, **LWA}
    settings = load_settings(env, dotenv=False)
    off = connection_for(settings.accounts.default, settings, env)
    assert isinstance(off, Off) and "pip install 'safet[ledger]'" in off.why
