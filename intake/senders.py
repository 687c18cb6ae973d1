"""Who sends which of Amazon's emails, and what their subjects say: data, each fact with where it was read.

Classification starts here (the sender, then the subject) and falls back to the body's wording
(``intake.reader``), so an email whose wording nobody typed into a test is still read by who sent it.
Addresses are compared lower-cased; a sender not listed here is classified by its subject and words alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rules.settings import DEFAULT_INTAKE_SENDERS


class Family(StrEnum):
    """What a sender or a subject says about an email before its body is read."""

    CHARGEBACK_NOTICE = "chargeback_notice"
    """A new chargeback (or Amazon's follow-up asking for more about it)."""
    CHARGEBACK_DECISION = "chargeback_decision"
    """The funding decision: debited, or resolved in the seller's favour."""
    SAFET = "safet"
    NOT_A_CASE = "not_a_case"
    """A-to-z guarantee claims, marketing: never a case here."""


@dataclass(frozen=True)
class Sender:
    address: str
    family: Family
    source: str


@dataclass(frozen=True)
class Subject:
    pattern: re.Pattern[str]
    family: Family
    source: str


ISSUE_20 = "Amazon's notifications as sellers quote them (safet issue #20, from Seller Central and seller forums)"
ASSUMED = "assumed from sellers' reports; no Amazon page lists it"

SENDERS = (
    Sender("cb-seller-notification@amazon.com", Family.CHARGEBACK_NOTICE, ISSUE_20),
    Sender("cb-seller-query@amazon.com", Family.CHARGEBACK_DECISION, ISSUE_20),
    Sender("atoz-guarantee-no-reply@amazon.com", Family.NOT_A_CASE, ISSUE_20),
    Sender("safet-claims@amazon.com", Family.SAFET, ASSUMED),
    Sender("seller-news@amazon.com", Family.NOT_A_CASE, ASSUMED),
    Sender("marketing-seller@amazon.com", Family.NOT_A_CASE, ASSUMED),
)
"""Exact addresses. Regional sites (amazon.co.uk, amazon.de, …) use the same local parts."""

SUBJECTS = (
    Subject(re.compile(r"chargeback dispute funding decision|拒付(?:争议)?(?:资金)?(?:处理)?决定"),
            Family.CHARGEBACK_DECISION, ISSUE_20),
    Subject(re.compile(r"a-to-z guarantee|亚马逊商城交易保障"), Family.NOT_A_CASE, ISSUE_20),
    Subject(re.compile(r"safe-?t"), Family.SAFET, ISSUE_20),
    Subject(re.compile(r"chargeback|信用卡拒付"), Family.CHARGEBACK_NOTICE, ISSUE_20),
)
"""Matched in order against the case-folded subject; the first that matches decides."""

_LOCAL_PART = re.compile(r"[^@]{1,64}")


def _site(domain: str) -> bool:
    """amazon.com, amazon.co.uk, amazon.de, …, or a subdomain of one: Amazon's own marketplace domains."""
    return any(domain == site or domain.endswith("." + site) for site in DEFAULT_INTAKE_SENDERS)


def sender_family(address: str) -> Family | None:
    """What the sender alone says (``None``: not a sender we know)."""
    address = address.strip().lower()
    local, _, domain = address.partition("@")
    if not _LOCAL_PART.fullmatch(local) or not _site(domain):
        return None
    for known in SENDERS:
        if known.address.partition("@")[0] == local:
            return known.family
    return None


def subject_family(subject: str) -> Family | None:
    folded = subject.casefold()[:300]
    return next((s.family for s in SUBJECTS if s.pattern.search(folded)), None)


def is_amazon(address: str) -> bool:
    """Whether an address is on one of Amazon's own domains (a forward's quoted original must be)."""
    return _site(address.strip().lower().rpartition("@")[2])


def looks_like_amazon(sender: str, subject: str) -> bool:
    """Whether an email claims, by its sender or subject alone, to be one of Amazon's case emails (checked
    before its body is read: a sender not allowed gets a quiet hint instead of silence)."""
    family = sender_family(sender) or subject_family(subject)
    return (family is not None and family is not Family.NOT_A_CASE) or is_amazon(sender)


def is_case_sender(sender: str, subject: str) -> bool:
    """An email Amazon sends about cases (by sender or subject): one the reader cannot place is worth a
    "could not read" reply rather than silence."""
    family = sender_family(sender) or subject_family(subject)
    return family is not None and family is not Family.NOT_A_CASE
