"""The daily summary: planned once a day per channel at the digest hour, as an outbox row keyed
``daily:{channel}:{day}`` (a second sweep plans nothing), and drawn when it is posted, from the store
as it is then: what is overdue, what is due today or tomorrow, what could not be posted."""

from __future__ import annotations

from dataclasses import replace
from datetime import time as wall_time
from datetime import timedelta

from rules.deadlines import end_of_day, local_instant
from store import outbox
from store.ledger_refunds import claimable_refunds
from store.outbox import DueNotice
from sweep.context import Round
from sweep.result import Item
from views.summary import daily_summary


def plan_daily(run: Round) -> None:
    """One summary a day in each account's channel, at the account's hour in its marketplace's zone."""
    book = run.settings.accounts
    for account in book.accounts:
        hour, channel, zone = account.digest_hour, account.channel, book.market_of(account.key).zone
        if hour is None or not channel:
            continue
        local = run.now.astimezone(zone)
        if local.hour < hour:
            continue
        post_at = local_instant(local.date(), wall_time(hour), zone)
        outbox.queue_daily(run.store, channel=channel, day=local.date().isoformat(), post_at=post_at, now=run.now)


def daily_item(run: Round, row: DueNotice) -> Item:
    """With several accounts, a channel's summary holds its account's cases only."""
    book = run.settings.accounts
    account = book.for_channel(row.target)
    zone = book.market_of(account.key).zone if account else run.settings.zone
    local_day = run.now.astimezone(zone).date()
    own = account.key if account and book.several else None
    facts = outbox.daily_facts(run.store, now=run.now, until=end_of_day(local_day + timedelta(days=1), zone),
                               account=own)
    facts = replace(facts, refunds_closing=claimable_refunds(run.store, now=run.now, account=own, limit=0)[1])
    message = daily_summary(facts, run.reader(row.target))
    return Item(key=row.key, target=row.target, kind=outbox.DAILY, rank=(-1, row.post_at), message=message,
                ids=(row.id,), uncertain_since=row.uncertain_since)
