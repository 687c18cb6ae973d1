"""Deliver claimed notices: look up the ones of unknown fate in their conversation's history first,
group the rest per channel (more than three: one digest, most urgent first), post round-robin across
channels, and settle each by what Slack answered.

Every post has one of three fates (``webapi.posting.Fate``): *posted* → marked sent with its ``ts``;
*not posted* → refused for good (marked failed) or put back untried-for-good (a 429, Slack out of
reach); *unknown* (5xx, reset, timeout) → put back with ``unknown_since``, so the next sweep reads
the conversation's history (once per conversation per sweep) and marks it sent if it is there,
before it is ever sent again. Nothing is re-sent blindly.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from store import outbox
from sweep.context import OutOfTime, Round
from sweep.result import Item
from views.notices import DIGEST_OVER, Message
from views.summary import digest
from webapi.posting import SLACK_ERRORS, Fate, SlackOutage, classify, fate_of

log = logging.getLogger("safet.sweep")

HISTORY_MARGIN = timedelta(minutes=2)
"""How far before a notice's unknown fate began to look for it (clock skew between hosts)."""
FAILURES_IN_A_ROW = 2
"""Posts in a row that fail (unknown fate or not sent) before the sweep stops: Slack is likely down."""

Queue = deque[tuple[Message, list[Item]]]


def _wall() -> datetime:
    return datetime.now(UTC)


def recover(run: Round, items: list[Item]) -> list[Item]:
    """Notices of unknown fate: if the conversation shows them (by metadata key), mark them sent with
    that message instead of posting again. One history read per conversation per sweep."""
    assert run.poster is not None
    since: dict[str, datetime] = {}
    for item in items:
        if item.uncertain_since is not None:
            since[item.target] = min(item.uncertain_since, since.get(item.target, item.uncertain_since))
    done: set[str] = set()
    for target, oldest in since.items():
        oldest = min(oldest, _wall()) - HISTORY_MARGIN
        cached = run.history.get(target)
        if cached is None or cached[0] > oldest:
            try:
                run.pacer.call("conversations.history")
                run.history[target] = (oldest, run.poster.posted_keys(target, oldest))
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                if kind == "transient":
                    raise SlackOutage.of(kind, reason) from None
                # No history to read (a missing scope such as im:history, an archived channel): better a
                # notice twice than a deadline missed, so post.
                log.warning("cannot read the history of %s (%s): its notices of unknown fate are posted", target,
                            reason)
                run.history[target] = (oldest, {})
        found = run.history[target][1]
        by_ts: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            if item.target == target and item.uncertain_since is not None and item.key in found:
                by_ts[found[item.key]].append(item)
        for ts, posted in by_ts.items():
            ids = [i for item in posted for i in item.ids]
            run.lease.settled(ids, outbox.mark_sent(run.store, ids, token=run.token, ts=ts, now=run.now,
                                                    attempted=False))
            run.report.recovered += len(posted)
            done.update(item.key for item in posted)
    return [item for item in items if item.key not in done]


def queues(run: Round, items: Sequence[Item]) -> dict[str, Queue]:
    """Per conversation: the daily summary first, then the notices most urgent first (a digest past three)."""
    by_target: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_target[item.target].append(item)
    result: dict[str, Queue] = {}
    for target, group in by_target.items():
        queue: Queue = deque()
        notices = sorted((i for i in group if i.kind != outbox.DAILY), key=lambda i: (i.rank, i.key))
        queue.extend((i.message, [i]) for i in group if i.kind == outbox.DAILY)
        if len(notices) > DIGEST_OVER:
            start = 0
            for message, count in digest([i.message for i in notices], run.reader(target).tr):
                queue.append((message, notices[start:start + count]))
                start += count
        else:
            queue.extend((i.message, [i]) for i in notices)
        result[target] = queue
    return result


def deliver(run: Round, items: Sequence[Item]) -> None:
    """Post round-robin across conversations, so pacing one channel never holds up another. What each
    round posted is marked sent in one write (a crash before it leaves the rows claimed: the next sweep
    finds them in the history by their keys, so deferring the mark never doubles a notice)."""
    pending = queues(run, items)
    while pending:
        if run.report.messages and run.out_of_time():  # at least one round always goes out
            raise OutOfTime  # the rest stays queued for the next sweep, most urgent of each channel sent
        posted: list[tuple[list[int], str]] = []
        try:
            for target in list(pending):
                message, carried = pending[target].popleft()
                if not pending[target]:
                    del pending[target]
                ts = post(run, target, message, carried)
                if ts is not None:
                    posted.append(([i for item in carried for i in item.ids], ts))
        finally:
            ids = [i for group, _ in posted for i in group]
            run.lease.settled(ids, outbox.mark_sent_many(run.store, posted, token=run.token, now=run.now))


def post(run: Round, target: str, message: Message, carried: list[Item]) -> str | None:
    """Post one message; its ``ts`` when Slack took it, else None (its rows already settled)."""
    assert run.poster is not None
    ids = [i for item in carried for i in item.ids]
    keys = [item.key for item in carried]
    run.lease.keep()
    run.pacer.wait(target)
    before = min(run.now, _wall())
    try:
        ts = run.poster.post(target, message, keys)
    except SLACK_ERRORS as error:
        _failed(run, target, carried, ids, keys, error, before)
        return None
    run.failures_in_a_row = 0
    run.report.posted += len(carried)
    run.report.messages += 1
    # A deadline notice changes what the card shows (the hint, the overdue mark); an outcome or an
    # approval comes from an action whose handler already redrew the card.
    for item in carried:
        if item.case_id is not None and item.kind == "deadline":
            run.touched[item.case_id] = min(item.rank, run.touched.get(item.case_id, item.rank))
    return ts


def _failed(run: Round, target: str, carried: list[Item], ids: list[int], keys: list[str], error: BaseException,
            before: datetime) -> None:
    kind, reason = classify(error)
    if fate_of(error) is Fate.UNKNOWN:
        log.warning("Slack's answer to %s for %s was lost (%s): looked up before it is sent again", keys, target,
                    reason)
        run.lease.settled(ids, outbox.mark_unknown(run.store, ids, token=run.token, reason=reason, since=before))
        run.report.unknown += len(carried)
        run.lost_reason = reason
        run.failures_in_a_row += 1
        if run.failures_in_a_row >= FAILURES_IN_A_ROW:
            raise SlackOutage.of("transient", reason)
        return
    if kind == "permanent":
        log.warning("Slack refused %s for %s: %s", keys, target, reason)
        run.lease.settled(ids, outbox.mark_failed(run.store, ids, token=run.token, reason=reason, now=run.now))
        run.report.failed += len(carried)
        return
    run.lease.settled(ids, outbox.release(run.store, ids, token=run.token, attempted=True, reason=reason))
    raise SlackOutage.of(kind, reason)
