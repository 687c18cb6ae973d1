"""What each `safet` command does. Imported only when a command runs."""

from __future__ import annotations

import os
import sys
import time
import traceback
from datetime import date, datetime
from pathlib import Path

from slack_app.clock import now_utc
from slack_app.config import ConfigError, Settings, check_holidays
from slack_app.database import open_store, upgrade
from slack_app.settings import load_settings


def db_command(action: str) -> int:
    from store.db import current_revision

    settings = load_settings()
    if action == "upgrade":
        upgrade(settings.database_url)
        print(f"schema at revision {current_revision(settings.database_url)} ({_safe_url(settings.database_url)})")
        return 0
    print(current_revision(settings.database_url) or "empty (run: safet db upgrade)")
    return 0


def accounts_command() -> int:
    """`safet accounts`: each account, its channel and leads, and each marketplace's rules with their sources."""
    from rules.marketplaces import PROFILE_FIELDS, weekend_names

    book = load_settings().accounts
    print(f"{len(book.accounts)} account(s), from {book.source}; new cases without a channel's account go to "
          f"{book.default.key}")
    for account in book.accounts:
        print(f"\n{account.key}: {account.name}")
        print(f"  marketplaces: {', '.join(account.marketplaces)}")
        print(f"  channel: {account.channel or '— (cards go to the person filing)'}")
        print(f"  leads: {', '.join(account.leads) or '—'}")
        hour = "none" if account.digest_hour is None else f"{account.digest_hour:02d}:00"
        print(f"  language: {account.locale}; daily summary: {hour}")
        print(f"  SAFE-T claims: {account.safet_program or 'seller-fulfilled and Selling Services (the form asks)'}")
        link = account.ledger
        print(f"  Amazon's ledger: region {link.region}, synced every {link.every_minutes} min, token in "
              f"${link.refresh_token_env}" if link else "  Amazon's ledger: not connected (docs/ledger.md)")
    for market in book.markets:
        print(f"\nmarketplace {market.code} ({market.site})")
        values = {"timezone": market.timezone, "holidays": market.holidays, "weekend": weekend_names(market.weekend),
                  "currency": market.currency, **{n: getattr(market.profile, n) for n in PROFILE_FIELDS}}
        for name, value in values.items():
            shown = "none" if value is None else value
            print(f"  {name}: {shown}  [{market.source(name)}]")
    return 0


def roster_command(action: str, path: str | None, *, account: str | None = None) -> int:
    from rules.errors import DomainError
    from store.roster import clear_roster, import_roster

    settings = load_settings()
    book = settings.accounts
    if account is not None and not book.known(account):
        print(f"safet: no account {account!r} (accounts: {', '.join(a.key for a in book.accounts)})", file=sys.stderr)
        return 2
    key = book.account(account).key
    store = open_store(settings)
    try:
        if action == "clear":
            print(f"roster of {key} cleared ({clear_roster(store, key)} orders removed); any order can be claimed")
            return 0
        assert path is not None
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as error:
            print(f"safet: cannot read {path}: {error.strerror}", file=sys.stderr)
            return 1
        try:
            result = import_roster(store, text, now=now_utc(), account=key)
        except DomainError as error:
            print(f"safet: {path}: {error}", file=sys.stderr)
            return 1
        print(f"read {result.read} orders, added {result.added}, roster of {key} now holds {result.total}")
        for line, value in result.skipped[:20]:
            print(f"  line {line}: not an order ID: {value!r}", file=sys.stderr)
        if len(result.skipped) > 20:
            print(f"  … and {len(result.skipped) - 20} more lines skipped", file=sys.stderr)
        return 0
    finally:
        store.dispose()


def serve(host: str, port: int, *, workers: int = 1, threads: int = 8) -> int:
    """HTTP mode on gunicorn (threads), with Bolt's WSGI adapter."""
    settings = load_settings(check_calendar=False)
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    status = _preflight(settings)
    if status:
        return status
    from slack_app.server import run_gunicorn

    run_gunicorn(settings, host=host, port=port, workers=workers, threads=threads)
    return 0


def check_slack(settings: Settings, keep=None, *, sleep=time.sleep, most: float = 60.0) -> int:  # type: ignore[no-untyped-def]
    """``auth.test`` once at start: a refused token stops start-up with one line (exit 2); Slack out
    of reach is said in one line per try, retried with back-off (1 s, 2 s, 4 s … at most ``most``).
    What it says (the workspace URL) is kept for the client ``keep``, which then needs no call of its own."""
    from slack_sdk.errors import SlackApiError

    from webapi.client import make_client, remember_identity
    from webapi.posting import SLACK_ERRORS, classify

    client = make_client(settings, max_retries=0)  # the back-off is ours, one line per try
    delay = 1.0
    while True:
        try:
            auth = client.auth_test()
        except SLACK_ERRORS as error:
            kind, reason = classify(error)
            if isinstance(error, SlackApiError) and kind != "transient":
                print(f"safet: Slack refused SLACK_BOT_TOKEN ({reason}): check the token and the app's "
                      "installation in the workspace.", file=sys.stderr, flush=True)
                return 2
            print(f"safet: Slack could not be reached at {settings.api_url} ({reason}); "
                  f"trying again in {delay:.0f} s", file=sys.stderr, flush=True)
            sleep(delay)
            delay = min(delay * 2, most)
            continue
        remember_identity(keep or client, auth)
        print(f"safet: connected to Slack as {auth.get('user')} in {auth.get('team')}", file=sys.stderr, flush=True)
        return 0


def _preflight(settings: Settings) -> int:
    """Check the holiday calendar, migrate SQLite and check the bot token in a short-lived child
    process: they load large libraries (holidays, Alembic, the ORM, slack_sdk) that the gunicorn
    master never needs afterwards."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            check_holidays(settings.holidays)
            for market in settings.accounts.markets:
                check_holidays(market.holidays)
            if settings.database_url.startswith("sqlite"):
                upgrade(settings.database_url)
            code = check_slack(settings)
        except ConfigError as error:
            print(f"safet: {error}", file=sys.stderr)
            code = 2
        except Exception:  # noqa: BLE001 - reported, and the server does not start
            traceback.print_exc()
            print("safet: could not create or migrate the database (see above).", file=sys.stderr)
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def socket() -> int:
    """Socket Mode: no public URL needed."""
    settings = load_settings()
    settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from slack_app.app import create_runtime
    from webapi.client import make_client

    client = make_client(settings)
    status = check_slack(settings, client)
    if status:
        return status
    runtime = create_runtime(settings, open_store(settings), client=client)
    runtime.start_background()
    try:
        SocketModeHandler(runtime.app, settings.app_token).start()
    finally:
        runtime.stop_background()
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def sweep(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """`safet sweep`: settle what is due and post every due notice once, at ``now`` (default: now).

    Exit 0 when every due notice went out (or, with ``dry_run``, after printing what would be posted
    and closed, changing nothing); 1 with a one-line reason when Slack could not be reached or
    refused the token (what is left stays queued for the next sweep), or refused some notices for
    good (those are marked failed and never retried).
    """
    from sweep import scheduler

    settings = load_settings()
    if not dry_run:
        settings.require("SLACK_BOT_TOKEN")
    store = open_store(settings)
    at = now or now_utc()
    try:
        if dry_run:
            report = scheduler.sweep(store, None, settings, now=at, dry_run=True)
            print(f"Dry run at {at.astimezone(settings.zone):%a %Y-%m-%d %H:%M %Z} ({settings.timezone}): "
                  "nothing is changed and nothing is posted.\n")
            print("\n".join(report.preview))
            print(f"\n{report.summary()}")
            return 0
        from webapi.client import make_client
        from webapi.people import Directory

        client = make_client(settings)
        directory = Directory(store, default_locale=settings.default_locale, team_zone=settings.zone,
                              leads=settings.leads, clock=lambda: at)
        from handlers.deps import Deps
        from slack_app.app import sweep_first_jobs, sweep_jobs

        deps = Deps(settings=settings, store=store, directory=directory, clock=lambda: at)
        report = scheduler.sweep(store, client, settings, now=at, directory=directory, also=sweep_jobs(deps),
                                 before=sweep_first_jobs(deps))
        print(report.summary())
        if report.failed:
            print(f"safet: Slack refused {report.failed} notice(s) for good (archived channel, app not invited…); "
                  "App Home counts them and the next daily summary lists them", file=sys.stderr)
        for error in report.errors:
            print(f"safet: {error}", file=sys.stderr)
        return 0 if report.ok and not report.failed else 1
    finally:
        store.dispose()


def demo(database_url: str, *, days: int = 7, locale: str = "en") -> int:
    """`safet demo`: a sample team's week in the terminal, no Slack needed. Fills a fresh SQLite file
    (deleted first) with cases in every state, then plays the week hour by hour through the sweep."""
    from sweep.demo import run_demo

    return run_demo(database_url, days=days, locale=locale, today=now_utc())


def intake(path: str) -> int:
    """`safet intake FILE`: what the reader finds in one email, for operators checking a mailbox export.

    Exit 0 when the email is one of Amazon's kinds with every fact it needs; 1 when it was refused, is
    not one of them, or misses a fact (each is printed).
    """
    from decimal import Decimal

    from intake import MAX_BYTES, Refused, implied_deadline, is_verified, read_for_account
    from intake.letter import read_bytes
    from rules.parsing import currency_decimals

    settings = load_settings(check_calendar=False)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        print(f"safet: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        reading, account = read_for_account(read_bytes(raw), settings.accounts)
    except Refused as refused:
        print(f"refused: {refused.reason}")
        return 1
    zone = settings.zone

    def when(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%a %Y-%m-%d %H:%M:%S %Z} ({moment:%Y-%m-%dT%H:%M:%SZ})" if moment else "—"

    allowed = "verified: the mailbox is on the allow-list" if is_verified(reading, settings.intake_senders) else \
        "NOT verified: the intake channel does not read it on its own; the shortcut still reads it"
    via = f" via {reading.mailbox}" if reading.mailbox and reading.mailbox != reading.sender else ""
    lines = [f"kind:      {reading.kind.value}", f"account:   {account.key} ({account.marketplace})",
             f"sender:    {reading.sender or '—'}{via} ({allowed})",
             f"subject:   {reading.subject or '—'}",
             f"sent at:   {when(reading.sent_at)}" + (" — forwarded original's date" if reading.forwarded else "")
             + (" — no zone written, read in the sender's/team's zone" if reading.sent_at_zone_assumed else "")]
    for order in reading.orders:
        amount = "—"
        if order.amount_cents is not None and reading.currency:
            amount = f"{Decimal(order.amount_cents).scaleb(-currency_decimals(reading.currency))} {reading.currency}"
        lines.append(f"order:     {order.order_id}  amount {amount}")
    for label, value in (("complaint", reading.complaint), ("claim no.", reading.claim_number),
                         ("reply by", when(reading.reply_by) if reading.reply_by else None),
                         ("appeal by", when(reading.appeal_by) if reading.appeal_by else None),
                         ("decision", {True: "Grant", False: "No-Grant"}.get(reading.granted))):  # type: ignore[arg-type]
        if value:
            lines.append(f"{label + ':':<11}{value}")
    deadline = implied_deadline(reading, settings.accounts.market_of(account.key))
    if deadline is not None:
        lines.append(f"deadline:  {deadline.kind.value} due {when(deadline.due_at)} "
                     f"({'Amazon stated' if deadline.set_by_amazon else deadline.rule.value})")
    if reading.missing:
        lines.append("missing:   " + ", ".join(m.value for m in reading.missing))
    print("\n".join(lines))
    return 0 if reading.readable else 1


def export(first: date, last: date, path: str) -> int:
    """`safet export`: the cases (and their events, beside them) of the local days ``first`` to ``last``."""
    from rules.errors import DomainError
    from rules.report_records import days_period
    from store.reports import export_cases
    from views.export_csv import Export

    settings = load_settings()
    try:
        period = days_period(first, last, settings.zone)
    except DomainError as error:
        print(f"safet: {error}", file=sys.stderr)
        return 2
    cases_path = Path(path)
    events_path = cases_path.with_name(f"{cases_path.stem}-events{cases_path.suffix or '.csv'}")
    store = open_store(settings)
    try:
        with open(cases_path, "w", encoding="utf-8", newline="") as cases_out, \
                open(events_path, "w", encoding="utf-8", newline="") as events_out:
            files = Export(cases_out, events_out)
            for chunk in export_cases(store, period.start, period.end):
                files.add(chunk)
    except OSError as error:
        print(f"safet: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(f"wrote {files.count} cases to {cases_path} and their events to {events_path} "
          f"({first.isoformat()} to {last.isoformat()}, {settings.timezone})")
    return 0
