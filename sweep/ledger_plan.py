"""What a claimed ``ledger`` notice says: its entry and its case (or, for refused credentials, its account's
last error), loaded in bulk for the batch; a notice with nothing left to say is cancelled with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.kinds import State
from rules.ledger import Step
from rules.records import CaseRecord
from store import ledger_syncs
from store.ledger import EntryRecord, ledger_total, load_entries
from store.outbox import DueNotice
from sweep.context import Round
from views.ledger_notices import REFUSED, UNPAID, ledger_notice
from views.notices import Message


@dataclass(frozen=True)
class LedgerFacts:
    entries: dict[str, EntryRecord]
    errors: dict[str, str]

    @classmethod
    def of(cls, run: Round, rows: Sequence[DueNotice]) -> LedgerFacts:
        entries = load_entries(run.store, (r.ledger_key for r in rows if r.ledger_key))
        errors = {}
        if any(r.stage == REFUSED for r in rows if r.kind == "ledger"):
            errors = {a: s.error or "" for a, s in ledger_syncs.sync_states(run.store).items()}
        return cls(entries, errors)

    def message(self, run: Round, row: DueNotice, case: CaseRecord | None) -> Message | str:
        """The notice, or why it is no longer worth posting."""
        reader = run.reader(row.target)
        link = run.permalink(case) if case is not None else None
        if row.stage == REFUSED:
            account = row.key.split(":")[1] if row.key.count(":") >= 1 else ""
            if not self.errors.get(account):
                return "the ledger's credentials work again"
            name = run.settings.accounts.account(account).name
            return ledger_notice(REFUSED, reader, case=None, account=name, error=self.errors[account])
        if row.stage == UNPAID:
            if case is None or case.ledger_posted_at is not None or case.state is not State.REIMBURSED:
                return "the claim was paid or changed"
            return ledger_notice(UNPAID, reader, case=case, permalink=link)
        entry = self.entries.get(row.ledger_key or "")
        if entry is None or str(entry.step) != row.stage:
            return "the ledger entry was matched since"
        total = ledger_total(run.store, case.id) if case is not None and entry.step is Step.DIFFERS else None
        if entry.step is Step.DIFFERS and case is not None and case.outcome_amount_cents == total:
            return "the case already shows Amazon's figure"
        return ledger_notice(row.stage or "", reader, case=case, amount_cents=entry.amount_cents,
                             currency=entry.currency, posted_at=entry.posted_at, reference=entry.reference,
                             kind=entry.kind, key=entry.key, total_cents=total, permalink=link)
