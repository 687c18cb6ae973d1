"""What the app says about Amazon's ledger: a recorded amount that differs from what Amazon moved (with "Take
Amazon's figure"), a reimbursement taken back, a payment no claim matched (with "Match to a case"), a grant
never paid, an entry that does not fit the case, and credentials Amazon refused. Pure: records in, Block Kit
out. Every figure says whose it is: Amazon's ledger, or what the team recorded."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from rules.kinds import CaseKind
from rules.ledger import EntryKind, Step
from rules.records import CaseRecord
from views import ids
from views.notices import Message, Reader, _card_link, _context, _lines, _section, _subject, mention, quote
from views.text import escape

UNPAID = "unpaid"
REFUSED = "refused"
BANK = ":bank:"


def _money(cents: int | None, currency: str, r: Reader) -> str:
    return r.tr.money(abs(cents) if cents is not None else None, currency)


def _day(moment: datetime, r: Reader) -> str:
    return r.tr.day(moment.astimezone(r.zone).date())


def ledger_notice(stage: str, r: Reader, *, case: CaseRecord | None, amount_cents: int | None = None,
                  currency: str = "USD", posted_at: datetime | None = None, reference: str = "",
                  kind: EntryKind | None = None, key: str | None = None, total_cents: int | None = None,
                  account: str = "", error: str = "", permalink: str | None = None) -> Message:
    """One ledger notice. ``amount_cents``: the entry's amount as posted; ``total_cents``: what the ledger moved
    on the case in all, as the team would record it (paid, or debited)."""
    tr = r.tr
    posted = _day(posted_at, r) if posted_at is not None else "—"
    amount = _money(amount_cents, currency, r)
    buttons: list[ButtonElement] = []
    subject = _subject(case, tr) if case is not None else None
    owner = mention(case.owner_id) if case is not None else ""
    if stage == Step.DIFFERS and case is not None:
        recorded = _money(case.outcome_amount_cents, case.currency, r)
        ledger = _money(total_cents, case.currency, r)
        if case.kind is CaseKind.SAFET:
            said = tr._("{owner} Amazon's ledger shows {ledger} paid on this claim (latest {amount} on {day}); the "
                        "claim is recorded as granted at {recorded}.", owner=owner, ledger=ledger, amount=amount,
                        day=posted, recorded=recorded)
        else:
            said = tr._("{owner} Amazon's ledger shows {ledger} debited for this chargeback on {day}; it is recorded "
                        "as {recorded}.", owner=owner, ledger=ledger, day=posted, recorded=recorded)
        step = tr._("Next: check the figure in Seller Central → Payments, then press *{button}* to record "
                    "Amazon's figure, or leave the recorded one.", button=tr._("Take Amazon's figure"))
        headline = tr._("{emoji} *Amounts differ* · {subject}", emoji=BANK, subject=subject)
        buttons.append(ButtonElement(text=PlainTextObject(text=tr._("Take Amazon's figure")[:75]),
                                     action_id=ids.ACTION_LEDGER_TAKE_FIGURE, value=key or "", style="primary"))
    elif stage == Step.REVERSAL and case is not None:
        headline = tr._("{emoji} *Reimbursement taken back* · {subject}", emoji=BANK, subject=subject)
        said = tr._("{owner} Amazon's ledger took back {amount} of this claim's reimbursement on {day}.",
                    owner=owner, amount=amount, day=posted)
        step = tr._("Next: look for Amazon's reason in Seller Central → Payments → Transaction view; if it is "
                    "wrong, ask Amazon through the claim's case.")
    elif stage == Step.DISAGREES and case is not None:
        headline = tr._("{emoji} *Amazon's ledger disagrees* · {subject}", emoji=BANK, subject=subject)
        said = tr._("{owner} Amazon's ledger shows {amount} on this case on {day}, but the case is recorded as "
                    "“{state}”.", owner=owner, amount=_signed(amount_cents, currency, r), day=posted,
                    state=case.state)
        step = tr._("Next: check the case in Seller Central and update it here.")
    elif stage == Step.UNMATCHED or (stage == Step.DISAGREES and case is None):
        headline = tr._("{emoji} *A payment with no case* · SAFE-T claim {claim}", emoji=BANK,
                        claim=escape(reference[:64]))
        what = tr._("reimbursed") if kind is not EntryKind.SAFET_REVERSAL else tr._("took back")
        said = tr._("Amazon's ledger {what} {amount} for SAFE-T claim {claim} on {day}, and no case here has that "
                    "claim number.", what=what, amount=amount, claim=escape(reference[:64]), day=posted)
        step = tr._("Next: press *{button}* and name the claim's order ID or SAFE-T claim number.",
                    button=tr._("Match to a case"))
        buttons.append(ButtonElement(text=PlainTextObject(text=tr._("Match to a case")[:75]),
                                     action_id=ids.ACTION_LEDGER_MATCH, value=key or ""))
    elif stage == UNPAID and case is not None:
        headline = tr._("{emoji} *Granted, not paid* · {subject}", emoji=BANK, subject=subject)
        said = tr._("{owner} This claim is recorded as granted ({recorded}), and Amazon's ledger shows no payment "
                    "for it yet.", owner=owner, recorded=_money(case.outcome_amount_cents, case.currency, r))
        step = tr._("Next: look for the SAFE-T reimbursement in Seller Central → Payments → Transaction view; if it "
                    "is not there, ask Amazon through the claim's case.")
    else:
        headline = tr._("{emoji} *Amazon refused the ledger's credentials* · {account}", emoji=":no_entry:",
                        account=escape(account))
        said = tr._("Nothing is read from this account's ledger until they are fixed. Amazon said:") + "\n" + \
            quote(error)
        step = tr._("Next: check the account's refresh token and the app's authorization in Seller Central → "
                    "Apps and Services → Manage Your Apps; `safet ledger status` shows the last error.")
    body = _lines(headline, said, step)
    blocks: list[Block] = [_section(body)]
    if buttons:
        blocks.append(ActionsBlock(block_id=f"ledger:{(key or '')[:40]}", elements=buttons))
    context = _context(tr._("From Amazon's ledger (SP-API Finances)"), _card_link(permalink, tr))
    if context.elements:
        blocks.append(context)
    return Message(text=_lines(headline, said).replace("\n", " ")[:3000], blocks=tuple(blocks))


def _signed(cents: int | None, currency: str, r: Reader) -> str:
    return r.tr.money(cents, currency)


def match_modal(tr, *, key: str, reference: str, amount: str):  # type: ignore[no-untyped-def]
    """"Match to a case": name the claim a reimbursement belongs to (its order ID or SAFE-T claim number)."""
    from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, SectionBlock
    from slack_sdk.models.views import View

    from views.notices import MarkdownTextObject

    return View(
        type="modal", callback_id=ids.MODAL_LEDGER_MATCH, private_metadata=key[:64],
        title=PlainTextObject(text=tr._("Match to a case")[:24]), submit=PlainTextObject(text=tr._("Match")[:24]),
        close=PlainTextObject(text=tr._("Cancel")[:24]),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=tr._(
                "Amazon's ledger reimbursed {amount} for SAFE-T claim {claim}. Which claim is it?",
                amount=amount, claim=escape(reference[:64])))),
            InputBlock(block_id="claim", label=PlainTextObject(text=tr._("Order ID or SAFE-T claim number")),
                       element=PlainTextInputElement(action_id="value", max_length=64)),
        ],
    )
