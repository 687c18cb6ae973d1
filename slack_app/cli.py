"""The ``safet`` command line. Heavy imports wait until a command runs, so ``--help`` is instant."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset; write e.g. 2026-11-20T15:00:00-08:00")
    return moment.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safet",
        description="File and track Amazon SAFE-T claims and chargeback responses from Slack.",
        epilog="Settings come from environment variables (or a .env file); see README.md.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="run the app over HTTP (gunicorn): POST /slack/events, GET /healthz")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (default 1)")
    serve.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")

    commands.add_parser("socket", help="run the app over Socket Mode (needs SLACK_APP_TOKEN)")

    sweep = commands.add_parser("sweep", help="post due warnings and notices once, close what is due, then exit")
    sweep.add_argument("--now", type=_instant, help="the sweep's instant, ISO 8601 with offset (default: now)")
    sweep.add_argument("--dry-run", action="store_true", help="print what would be posted or closed; change nothing")

    demo = commands.add_parser("demo", help="try the app without Slack: a sample team's week, in the terminal")
    demo.add_argument("--database", default="sqlite:///safet-demo.sqlite3", help="a fresh SQLite file to fill")
    demo.add_argument("--days", type=int, default=7)
    demo.add_argument("--locale", default="en", help="en or zh_CN")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="create or migrate the schema (Alembic) to the latest version")
    db_commands.add_parser("current", help="print the schema's current revision")

    commands.add_parser("accounts", help="show the seller accounts, their channels and marketplaces' rules")

    roster = commands.add_parser("roster", help="the team's assigned orders (only these can be claimed)")
    roster_commands = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    load = roster_commands.add_parser("import", help="load orders from a CSV/TSV order report (column order-id)")
    load.add_argument("file")
    clear = roster_commands.add_parser("clear", help="empty the roster (then any order can be claimed)")
    for sub in (load, clear):
        sub.add_argument("--account", help="the seller account's key (default: the default account)")

    ledger = commands.add_parser("ledger", help="Amazon's ledger (SP-API Finances): what Amazon paid and debited")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    sync = ledger_commands.add_parser("sync", help="read each connected account's new ledger events and match "
                                                   "them to cases (the sweep posts what they change)")
    sync.add_argument("--account", help="one account's key (default: every connected account)")
    sync.add_argument("--since", type=_day, help="read from this UTC day, YYYY-MM-DD (default: where the last "
                                                 "sync stopped, or the account's first_sync_days)")
    ledger_commands.add_parser("status", help="each account's connection, last sync, watermark and last error")

    intake = commands.add_parser("intake", help="read one of Amazon's emails (.eml or pasted .txt) and print what "
                                                "it says; records nothing")
    intake.add_argument("file")
    export = commands.add_parser("export", help="cases opened or decided in a period, as CSV for the finance sheet")
    export.add_argument("--from", dest="first", type=_day, required=True, help="first local day, YYYY-MM-DD")
    export.add_argument("--to", dest="last", type=_day, required=True, help="last local day (included), YYYY-MM-DD")
    export.add_argument("file", help="the cases file to write (the events go beside it, NAME-events.csv)")
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day; write e.g. 2026-11-01") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from slack_app.config import ConfigError

    try:
        return _run(args)
    except ConfigError as error:
        print(f"safet: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    from slack_app import runtime

    if args.command == "db":
        return runtime.db_command(args.db_command)
    if args.command == "accounts":
        return runtime.accounts_command()
    if args.command == "roster":
        return runtime.roster_command(args.roster_command, getattr(args, "file", None), account=args.account)
    if args.command == "serve":
        return runtime.serve(args.host, args.port, workers=args.workers, threads=args.threads)
    if args.command == "socket":
        return runtime.socket()
    if args.command == "sweep":
        return runtime.sweep(now=args.now, dry_run=args.dry_run)
    if args.command == "intake":
        return runtime.intake(args.file)
    if args.command == "ledger":
        from slack_app import ledger_cli

        return ledger_cli.ledger_command(args.ledger_command, account=getattr(args, "account", None),
                                         since=getattr(args, "since", None))
    if args.command == "export":
        return runtime.export(args.first, args.last, args.file)
    if args.command == "demo":
        return runtime.demo(args.database, days=args.days, locale=args.locale)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
