"""What to do next before each kind of deadline, and once it has passed: the sentences of the warnings and
overdue notices (``views.notices``), with the card's button names as placeholders."""

from __future__ import annotations

from rules.deadlines import DeadlineKind
from rules.text import N_

NEXT_STEP = {
    DeadlineKind.SAFET_INFO_REPLY: N_(
        "Next: answer the investigator in Seller Central → Manage SAFE-T Claims → Awaiting Seller Response, "
        "then press *{answered}* on the card. Unanswered, Amazon closes the claim automatically."),
    DeadlineKind.CHARGEBACK_REPLY: N_(
        "Next: in Seller Central → Performance → Chargeback Claims → Action Required, refund the buyer or "
        "represent the case (shipping date, method, tracking, buyer messages), then press *{refund}* or "
        "*{represent}* on the card. Unanswered, Amazon may debit the account."),
    DeadlineKind.CHARGEBACK_INFO_REPLY: N_(
        "Next: send the information Amazon asked for in Seller Central → Performance → Chargeback Claims, "
        "within the time frame of the request, then press *{answered}* on the card."),
    DeadlineKind.APPEAL_BY: N_(
        "Next: appeal once, with new information, through Seller Central's message centre, then press "
        "*{appeal}* on the card. Reopening without new information is discouraged."),
    DeadlineKind.OUTCOME_WINDOW: N_(
        "Nothing to do: if no debit email arrives by then, the case is presumed in the seller's favour."),
    DeadlineKind.FILE_BY: N_(
        "Next: file the claim in Seller Central → Orders → Manage SAFE-T Claims → File a new SAFE-T Claim, then "
        "press *{file}* on the card. After this date Amazon refuses the claim and the refund is lost."),
}

OVERDUE_STEP = {
    DeadlineKind.SAFET_INFO_REPLY: N_(
        "Amazon closes an unanswered claim automatically: answer in Seller Central at once if it is still open "
        "there, then press *{answered}* on the card."),
    DeadlineKind.CHARGEBACK_REPLY: N_(
        "Amazon may debit the account for this chargeback. If Seller Central still lists it under Performance → "
        "Chargeback Claims → Action Required (需操作), respond there now and press *{refund}* or *{represent}*; "
        "if Amazon's email says the account was debited, press *{debited}*."),
    DeadlineKind.CHARGEBACK_INFO_REPLY: N_(
        "Amazon may decide without this information and debit the account: send it in Seller Central now, "
        "then press *{answered}*; if Amazon's email says the account was debited, press *{debited}*."),
    DeadlineKind.APPEAL_BY: N_(
        "The “Appeal by” date passed: Seller Central may no longer accept an appeal, and the denial stands."),
    DeadlineKind.OUTCOME_WINDOW: N_("The outcome window ended."),
    DeadlineKind.FILE_BY: N_("The filing window closed: Amazon no longer takes this claim."),
}
