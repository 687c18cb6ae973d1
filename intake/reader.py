"""Which of Amazon's emails this is, and the facts in it, in English and Chinese wording.

The wording comes from Amazon's own pages (``shared/seeds``) and sellers' reports: the chargeback
notification ("respond … within seven calendar days of the email date" / 七个日历日), its follow-ups,
the SAFE-T confirmation, the investigator's request ("Reply by"), the decision (Grant / No-Grant,
"Appeal by"). Order IDs and amounts go through ``rules.parsing``; deadlines through ``rules.deadlines``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rules import deadlines
from rules.deadlines import Deadline, DeadlineKind, end_of_day
from rules.emails import EmailKind, Missing, OrderFact, Reading
from rules.errors import DomainError
from rules.kinds import ComplaintType
from rules.marketplaces import Marketplace
from rules.parsing import ORDER_IN_TEXT, SUPPORTED_CURRENCIES, normalize, parse_amount, parse_order_id

from .dates import Stated, first_stated, parse_stated
from .letter import Letter, address_of, addresses_of
from .senders import Family, is_amazon, sender_family, subject_family

# ---------------------------------------------------------------- wording (NFKC-normalised, case-folded text)

_SAFET = re.compile(r"safe-?t\b|safe-?t索赔")
_CHARGEBACK = re.compile(r"charge-?backs?\b|信用卡拒付|拒付")
# The reply window as Amazon words it: "within seven calendar days of the email date" on the help page,
# "Please respond within 7 days" in the notification itself (the days are calendar days either way).
_SEVEN_DAYS = re.compile(r"(?:seven|7) (?:calendar )?days|七个日历日|7 ?个日历日|7 ?天内|七天内")
_DISPUTE = re.compile(r"chargeback dispute involving|dispute involving the following transaction"
                      r"|有一笔(?:信用卡)?拒付争议|以下交易(?:存在|涉及)(?:信用卡)?拒付")
_IN_FAVOUR = re.compile(r"resolved in your favou?r|decided in your favou?r|in favou?r of the seller"
                        r"|(?:are|were|will) not (?:be )?(?:held )?(?:financially )?responsible for this chargeback"
                        r"|以对您有利的方式解决|裁定对您有利|您无需(?:为此)?承担")
_MORE_INFO = re.compile(r"(?:additional|more|further|supplemental) information|information (?:we|that we) requested"
                        r"|提供更多信息|更多信息|其他信息|补充信息|进一步的信息")
_NO_GRANT = re.compile(r"\bno[- ]?grant\b|not (?:been )?granted|\bdenied\b|unable to (?:approve|reimburse)"
                       r"|未批准|不予批准|未获批准|驳回|拒绝了您的")
_GRANT = re.compile(r"\bgrant(?:ed)?\b|(?:has been|was|is) approved|has been reimbursed"
                    r"|已批准|获得批准|予以批准|已获批准")
_CONFIRMED = re.compile(r"received your (?:safe-?t )?claim|confirm(?:s|ing)? (?:the )?receipt"
                        r"|has been (?:submitted|received)|已收到您的|确认收到")
_DEBITED = re.compile(r"(?:have|has been|was|were) debited|debited (?:from )?your account"
                      r"|(?:financially )?responsible for this chargeback|financially responsible for this"
                      r"|已从您的账户中扣除|已扣除|已扣款|已被扣款|由您承担")
_NOTICE = re.compile(r"represent your case|反映您的情况|request(?:ing|s)? (?:transaction )?(?:details|information)"
                     r"|索要(?:交易)?(?:详情|信息)")
_REPLY_BY = re.compile(r"\breply by\b|\brespond by\b|\bresponse by\b|\bno later than\b|\bdue by\b"
                       r"|回复截止(?:日期|时间)?|截止(?:日期|时间)")
# "the time frame stated in the request" (help G202145040) when it is a count of days, not a date.
_WITHIN_DAYS = re.compile(r"within (?P<n>[0-9]{1,2}) (?:calendar )?days?|(?P<zh>[0-9]{1,2}) ?(?:个日历日|天)内")
_APPEAL_BY = re.compile(r"\bappeal by\b|申诉截止(?:日期|时间)?")
_ZH_BEFORE = re.compile(r"请(?:在|于)[ \t]{0,5}(?P<v>[0-9][^\n]{3,40}?)[ \t]{0,5}(?:之前|以前|前)"
                        r"[ \t]{0,5}(?P<what>提出申诉|申诉|回复|回应|提供)")

_COMPLAINTS = (
    (ComplaintType.NOT_RECEIVED, r"not received|did not receive|didn't receive|never received|未收到|没有收到"),
    (ComplaintType.MATERIALLY_DIFFERENT, r"not as described|materially different|significantly different|defective"
                                         r"|与描述不符|重大差异|有缺陷|商品有瑕疵"),
    (ComplaintType.UNAUTHORIZED, r"unauthori[sz]ed|stolen card|fraudulent (?:use|transaction)|未经授权|被盗"),
    (ComplaintType.NOT_RECOGNISED, r"not recogni[sz]e|unrecogni[sz]ed|does not recogni[sz]e|无法识别|不认识|未识别"),
)

_ORDER = ORDER_IN_TEXT  # the rules' own pattern for order IDs in running text (any dash, NFKC'd digits)
_CODES = "|".join(SUPPORTED_CURRENCIES)
_MONEY = re.compile(
    rf"(?P<pre>US\$|CA\$|C\$|A\$|MX\$|\$|€|£|¥|₹|(?:{_CODES})\s?)?\s?"
    rf"(?<![0-9.,\-])(?P<num>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(?![0-9-])"
    rf"\s?(?P<post>{_CODES}|美元|人民币|欧元|英镑|元)?")
_AMOUNT_LABEL = re.compile(r"amount|total|reimburse(?:d|ment)?(?: of)?|debited|金额|赔偿|扣除|扣款")
# Bounded repeats only: an unbounded ``\s*`` beside an optional label and another ``\s*`` backtracked on spaces.
_CLAIM_NUMBER = re.compile(
    r"(?:safe-?t[ \t]{0,3}claim|safe-?t|claim|索赔编号|索赔[ \t]{0,3}id|索赔号)"
    r"(?:[ \t]{1,3}(?:id|number|no\.?)|[ \t]{0,3}#)?[ \t]{0,5}[:：#]?[ \t]{0,5}(?P<n>[a-z0-9][a-z0-9-]{3,39})",
    re.IGNORECASE)
_WORDS = {"美元": "USD", "人民币": "CNY", "元": "CNY", "欧元": "EUR", "英镑": "GBP"}
_SYMBOL_CODES = {"US$": "USD", "CA$": "CAD", "C$": "CAD", "A$": "AUD", "MX$": "MXN", "€": "EUR", "£": "GBP", "₹": "INR"}

# Forwarded header blocks: Gmail, Outlook, Apple Mail, Thunderbird, and Chinese clients (QQ, 163, Foxmail).
# Linear by construction: one bounded prefix class, the name, at most a few spaces, the colon, then the rest of
# the line as it is (trimmed in Python: ``.*?\s*\**\s*$`` backtracked cubically on a run of spaces).
_HEADER_LINE = re.compile(r"[>\s*]{0,20}(?P<name>from|sent|date|subject|to|cc|发件人|发送时间|日期|时间|主题|收件人"
                          r"|抄送)[ \t]{0,5}[:：](?P<value>[^\n]*)", re.IGNORECASE)
MAX_HEADER_LINE = 1000
"""A quoted header line longer than this is read from its first characters only."""
_FROM_NAMES = {"from", "发件人"}
_DATE_NAMES = {"sent", "date", "发送时间", "日期", "时间"}
_SUBJECT_NAMES = {"subject", "主题"}
_TO_NAMES = {"to", "收件人"}


@dataclass(frozen=True)
class QuotedHeaders:
    sender: str
    subject: str
    date_text: str
    end: int
    recipients: tuple[str, ...] = ()
    """Where the block ends in the text: the original body starts there."""


def quoted_headers(text: str) -> QuotedHeaders | None:
    """The deepest forwarded header block in a body (the original email's), with a From and a Date line."""
    found: QuotedHeaders | None = None
    block: dict[str, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        offset += len(line)
        match = _HEADER_LINE.match(normalize(line[:MAX_HEADER_LINE]))
        if match:
            block.setdefault(match["name"].lower(), match["value"].strip().strip("*").strip())
            continue
        if block and line.strip():
            found = _block(block, offset - len(line)) or found
            block = {}
    if block:
        found = _block(block, offset) or found
    return found


def _block(block: dict[str, str], end: int) -> QuotedHeaders | None:
    sender = next((block[n] for n in _FROM_NAMES if n in block), None)
    when = next((block[n] for n in _DATE_NAMES if n in block), None)
    if sender is None or when is None:
        return None
    subject = next((block[n] for n in _SUBJECT_NAMES if n in block), "")
    to = next((block[n] for n in _TO_NAMES if n in block), "")
    return QuotedHeaders(address_of(sender.replace("[mailto:", "<").replace("]", ">")) or sender.strip().lower(),
                         subject, when, end, addresses_of(to.replace("[mailto:", "<").replace("]", ">")))


def classify(text: str, *, sender: str = "", subject: str = "") -> EmailKind:
    """The kind of email: first who sent it and what its subject says (``intake.senders``), then its wording
    (``text``: subject and body, case-folded, NFKC)."""
    family = sender_family(sender) or subject_family(subject)
    if family is Family.NOT_A_CASE:
        return EmailKind.NONE
    if family is Family.CHARGEBACK_DECISION:
        return _decision(text) or EmailKind.NONE
    if family is Family.CHARGEBACK_NOTICE and sender_family(sender) is Family.CHARGEBACK_NOTICE:
        if _SEVEN_DAYS.search(text) or _DISPUTE.search(text):
            return EmailKind.CHARGEBACK_NOTICE
        if decided := _decision(text):  # the same sender writes the outcome too
            return decided
        return EmailKind.CHARGEBACK_INFO_REQUEST if _MORE_INFO.search(text) else EmailKind.CHARGEBACK_NOTICE
    return _by_wording(text)


def _decision(text: str) -> EmailKind | None:
    if _IN_FAVOUR.search(text):  # checked first: "nothing will be debited" must not read as a debit
        return EmailKind.CHARGEBACK_WON
    if _DEBITED.search(text):
        return EmailKind.CHARGEBACK_DEBIT
    return None


def _by_wording(text: str) -> EmailKind:
    safet, chargeback = bool(_SAFET.search(text)), bool(_CHARGEBACK.search(text))
    notice = bool(_SEVEN_DAYS.search(text) or _DISPUTE.search(text))
    if safet and not (chargeback and notice):
        if _NO_GRANT.search(text) or _GRANT.search(text) or _APPEAL_BY.search(text):
            return EmailKind.SAFET_DECISION
        if _CONFIRMED.search(text):  # a confirmation says Amazon "might request additional information"
            return EmailKind.SAFET_CONFIRMATION
        if _REPLY_BY.search(text) or _MORE_INFO.search(text):
            return EmailKind.SAFET_INFO_REQUEST
        return EmailKind.NONE
    if chargeback:
        decided = _decision(text) if not notice else None
        if decided is not None:
            return decided
        if _MORE_INFO.search(text) and not notice:
            return EmailKind.CHARGEBACK_INFO_REQUEST
        if notice or _NOTICE.search(text):
            return EmailKind.CHARGEBACK_NOTICE
    return EmailKind.NONE


def find_order_ids(text: str) -> list[tuple[int, str]]:
    """Every distinct order ID in NFKC'd text, with where it first appears (``rules.parsing.find_order_ids``
    gives the IDs alone; the reader needs the positions to pair each order with its amount)."""
    seen: dict[str, int] = {}
    for match in _ORDER.finditer(text):
        try:
            seen.setdefault(parse_order_id(match.group(0)), match.start())
        except DomainError:
            continue
    return [(at, order_id) for order_id, at in seen.items()]


def _currency(pre: str | None, post: str | None, default: str) -> str | None:
    for token in (post, (pre or "").strip()):
        if not token:
            continue
        if token in SUPPORTED_CURRENCIES:
            return token
        if token in _WORDS:
            return _WORDS[token]
        if token in _SYMBOL_CODES:
            return _SYMBOL_CODES[token]
        if token == "$":
            return default if default in ("USD", "CAD", "AUD", "MXN") else "USD"
        if token == "¥":
            return default if default in ("JPY", "CNY") else None  # ambiguous without the marketplace
    return None


def find_amount(text: str, default_currency: str = "USD") -> tuple[int, str] | None:
    """The email's amount: one written after a label ("Amount:", "金额："), else the first with a currency."""
    candidates: list[tuple[int, int, int, str]] = []  # (unlabelled?, position, cents, currency)
    for match in _MONEY.finditer(text):
        if _ORDER.match(text, match.start("num")):
            continue
        currency = _currency(match["pre"], match["post"], default_currency)
        before = text[max(0, match.start() - 40): match.start()]
        labelled = bool(_AMOUNT_LABEL.search(before)) and not _ORDER.search(before[-25:])
        if currency is None and labelled and re.fullmatch(r"[0-9,]+\.[0-9]{2}", match["num"]):
            currency = default_currency  # "金额: 129.99": a labelled amount in the marketplace's currency
        if currency is None:
            continue
        try:
            cents = parse_amount(match["num"], currency)
        except DomainError:
            continue
        candidates.append((0 if labelled else 1, match.start(), cents, currency))
    if not candidates:
        return None
    _, _, cents, currency = min(candidates)
    return cents, currency


def _complaint(text: str) -> ComplaintType | None:
    hits = [(m.start(), kind) for kind, pattern in _COMPLAINTS if (m := re.search(pattern, text))]
    return min(hits)[1] if hits else None


def _stated(text: str, label: re.Pattern[str], zh_what: tuple[str, ...], zone: ZoneInfo) -> Stated | None:
    for match in label.finditer(text):
        found = first_stated(re.sub(r"^[\s:：]+", "", text[match.end(): match.end() + 80].split("\n")[0]), zone)
        if found is not None:
            return found
    for match in _ZH_BEFORE.finditer(text):
        if match["what"] in zh_what:
            found = parse_stated(match["v"], zone)
            if found is not None:
                return found
    return None


def _within_days(text: str, sent_at: datetime, zone: ZoneInfo) -> Stated | None:
    """A time frame written as days from the email ("within 5 days"): the end of that day in the zone."""
    match = _WITHIN_DAYS.search(text)
    if match is None:
        return None
    days = int(match["n"] or match["zh"])
    if not 0 < days <= 60:
        return None
    day = sent_at.astimezone(zone).date() + timedelta(days=days)
    return Stated(end_of_day(day, zone), False, False)


def _claim_number(text: str) -> str | None:
    for match in _CLAIM_NUMBER.finditer(text):
        value = match["n"]
        if not _ORDER.fullmatch(value) and re.search(r"[0-9]", value):
            return value
    return None


NEEDS = {
    EmailKind.CHARGEBACK_NOTICE: (Missing.ORDER_ID, Missing.AMOUNT, Missing.SENT_AT),
    EmailKind.CHARGEBACK_INFO_REQUEST: (Missing.ORDER_ID, Missing.STATED_DUE),
    EmailKind.CHARGEBACK_DEBIT: (Missing.ORDER_ID, Missing.AMOUNT),
    EmailKind.CHARGEBACK_WON: (Missing.ORDER_ID,),
    EmailKind.SAFET_CONFIRMATION: (Missing.ORDER_ID,),
    EmailKind.SAFET_INFO_REQUEST: (Missing.ORDER_ID, Missing.SENT_AT),
    EmailKind.SAFET_DECISION: (Missing.ORDER_ID, Missing.DECISION),
    EmailKind.NONE: (Missing.KIND,),
}


def read_letter(letter: Letter, *, zone: ZoneInfo, default_currency: str = "USD") -> Reading:
    """Everything intake knows about one email. ``zone`` is the team's: dates written without a zone are read there."""
    original = letter.attached
    forwarded = original is not None
    sender, subject, sent_at, assumed = letter.sender, letter.subject, letter.sent_at, False
    recipients = letter.recipients
    text = letter.text
    if original is not None:
        sender, subject, sent_at = original.sender or sender, original.subject or subject, original.sent_at
        recipients = original.recipients or recipients
        text = f"{original.text}\n{letter.text}"
    else:
        quoted = quoted_headers(text)
        if quoted is not None:
            forwarded = True
            sender, subject = quoted.sender or sender, quoted.subject or subject
            recipients = quoted.recipients or recipients  # Amazon wrote to the original's To, not the forward's
            # A client quotes the original's date in its own clock: the forward's Date header has its offset.
            stated = parse_stated(quoted.date_text, letter.sent_offset or zone)
            sent_at, assumed = (stated.at, stated.zone_assumed) if stated and stated.has_time else (None, False)
            text = text[quoted.end:] + "\n" + text[: quoted.end]
    body = normalize(f"{subject}\n{text}")
    folded = body.casefold()
    kind = classify(folded, sender=sender, subject=subject)
    orders = find_order_ids(body)
    facts: list[OrderFact] = []
    email_amount = find_amount(body, default_currency)
    currency = email_amount[1] if email_amount else None
    for index, (at, order_id) in enumerate(orders):
        if len(orders) == 1:
            amount = email_amount
        else:
            end = orders[index + 1][0] if index + 1 < len(orders) else len(body)
            amount = find_amount(body[at:end], default_currency)
        facts.append(OrderFact(order_id, amount[0] if amount and amount[1] == currency else None))
    reply_by = _stated(folded, _REPLY_BY, ("回复", "回应", "提供"), zone) if kind in (
        EmailKind.SAFET_INFO_REQUEST, EmailKind.CHARGEBACK_INFO_REQUEST) else None
    if kind is EmailKind.CHARGEBACK_INFO_REQUEST and reply_by is None and sent_at is not None:
        reply_by = _within_days(folded, sent_at, zone)
    appeal_by = _stated(folded, _APPEAL_BY, ("提出申诉", "申诉"), zone) if kind is EmailKind.SAFET_DECISION else None
    granted = None
    if kind is EmailKind.SAFET_DECISION:
        granted = False if _NO_GRANT.search(folded) else True if _GRANT.search(folded) else None
    reading = Reading(
        kind=kind, orders=tuple(facts), currency=currency, sent_at=sent_at, sent_at_zone_assumed=assumed,
        forwarded=forwarded, sender=sender, mailbox=letter.sender, recipients=recipients, subject=subject[:300],
        complaint=_complaint(folded) if kind.is_chargeback else None,
        claim_number=_claim_number(body) if kind.is_safet else None,
        reply_by=reply_by.at if reply_by else None, appeal_by=appeal_by.at if appeal_by else None, granted=granted,
    )
    return _with_missing(reading)


def _with_missing(reading: Reading) -> Reading:
    have = {
        Missing.ORDER_ID: bool(reading.orders) or (reading.kind.is_safet and reading.claim_number is not None),
        Missing.AMOUNT: any(o.amount_cents for o in reading.orders),
        Missing.SENT_AT: reading.sent_at is not None,
        Missing.STATED_DUE: reading.reply_by is not None,
        Missing.DECISION: reading.granted is not None,
        Missing.KIND: reading.kind is not EmailKind.NONE,
    }
    missing = tuple(need for need in NEEDS[reading.kind] if not have[need])
    return replace(reading, missing=missing)


def implied_deadline(reading: Reading, market: Marketplace) -> Deadline | None:
    """The deadline the email sets, by its marketplace's rules: the reply window from a chargeback email's
    instant, its business days from an investigator's request (or Amazon's earlier "Reply by"), Amazon's
    stated date otherwise — kept even when the email's own date could not be read."""
    sent = reading.sent_at
    if reading.kind is EmailKind.CHARGEBACK_NOTICE and sent is not None:
        return market.chargeback_reply(email_at=sent)
    if reading.kind is EmailKind.SAFET_INFO_REQUEST and sent is not None:
        return deadlines.with_stated_date(market.safet_info_reply(sent), reading.reply_by)
    if reading.kind is EmailKind.SAFET_INFO_REQUEST and reading.reply_by is not None:
        return deadlines.amazon_stated(DeadlineKind.SAFET_INFO_REPLY, reading.reply_by, reading.reply_by)
    if reading.kind is EmailKind.CHARGEBACK_INFO_REQUEST and reading.reply_by is not None:
        return deadlines.amazon_stated(DeadlineKind.CHARGEBACK_INFO_REPLY, reading.reply_by, sent or reading.reply_by)
    if reading.kind is EmailKind.SAFET_DECISION and reading.granted is False and reading.appeal_by is not None:
        return deadlines.amazon_stated(DeadlineKind.APPEAL_BY, reading.appeal_by, sent or reading.appeal_by)
    return None


def is_verified(reading: Reading, allowed: tuple[str, ...]) -> bool:
    """Whether the email may be read on its own: the mailbox that actually sent it is allowed, and a forward's
    quoted original is Amazon's. A "From:" line in a body is what the email says, never a credential."""
    return is_allowed_sender(reading.mailbox, allowed) and (not reading.forwarded or is_amazon(reading.sender))


def is_allowed_sender(address: str, allowed: tuple[str, ...]) -> bool:
    """Whether an address is on the allow-list: an exact address, or a domain and its subdomains."""
    address = address.strip().lower()
    if "@" not in address:
        return False
    domain = address.rsplit("@", 1)[1]
    for entry in (e.strip().lower() for e in allowed if e.strip()):
        if "@" in entry:
            if address == entry:
                return True
        elif domain == entry.lstrip(".") or domain.endswith("." + entry.lstrip(".")):
            return True
    return False
