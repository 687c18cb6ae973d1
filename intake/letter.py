"""An email as intake reads it: who sent it, when, its subject and its text.

Real messages go through Python's ``email`` package (headers, MIME parts, quoted-printable, charsets);
an HTML-only body is turned to text with ``html.parser``. Nothing here follows a link or runs anything.
Untrusted input is bounded before it is parsed: too large, too many parts, nested too deep, or MIME too
broken to read is a clear refusal (``Refused``), never a crash.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from rules.parsing import normalize

MAX_BYTES = 1_000_000
"""Amazon's notices are a few kB; a megabyte leaves room for a forwarded thread, not for attachments."""
MAX_PARTS = 60
MAX_DEPTH = 6
MAX_HEADER_BYTES = 64_000
"""All of an email's header lines together: Amazon's are about 2 kB; the header parser is slow on more."""
MAX_ENCODED_WORDS = 500
"""RFC 2047 encoded words (``=?charset?q?…?=``) in the whole message: each costs the header parser a lot."""
MAX_TEXT = 100_000
"""Characters of body text read; the facts sit at the top of Amazon's emails."""

_TEXT_TYPES = ("text/plain", "text/html")
_BROKEN = (email.errors.NoBoundaryInMultipartDefect, email.errors.StartBoundaryNotFoundDefect,
           email.errors.MultipartInvariantViolationDefect)


class Refused(Exception):
    """The email is not read at all; ``reason`` says why in a few words (for the reply and the CLI)."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Letter:
    """The outer email as it arrived (a forward's own headers; the forwarded block is read later)."""

    subject: str
    sender: str
    """The From address, lower case (``""`` when there is none)."""
    sent_at: datetime | None
    """The ``Date`` header as an aware UTC instant."""
    text: str
    sent_offset: timezone | None = None
    """The ``Date`` header's UTC offset: the sender's clock, in which a forward quotes the original's date."""
    attached: Letter | None = None
    """An email forwarded as an attachment (``message/rfc822``): the original, with its own headers."""
    recipients: tuple[str, ...] = ()
    """The ``To`` addresses, lower case: which seller account Amazon wrote to."""


# ---------------------------------------------------------------- headers


def header_instant(value: str | None) -> datetime | None:
    """An RFC 5322 date (``Tue, 1 Dec 2026 10:00:00 -0800``) as UTC; ``None`` when absent or unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(str(value).strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": the zone is unknown, the time is UTC (RFC 5322 §3.3)
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def header_offset(value: str | None) -> timezone | None:
    """The UTC offset a ``Date`` header was written in (``None`` for ``-0000`` or no date)."""
    try:
        moment = parsedate_to_datetime(str(value or "").strip())
    except (TypeError, ValueError, IndexError):
        return None
    offset = moment.utcoffset()
    return timezone(offset) if offset is not None else None


def addresses_of(value: str | None) -> tuple[str, ...]:
    """Every address in a ``To``/``Cc`` value (at most 20), lower case."""
    if not value:
        return ()
    try:
        pairs = getaddresses([value[:2000]])
    except (ValueError, IndexError, TypeError):
        return ()
    return tuple(address.strip().lower() for _, address in pairs[:20] if "@" in address)


def address_of(value: str | None) -> str:
    """The first address in a From header, lower case; display names ("Amazon") are ignored."""
    pairs = getaddresses([str(value or "")])
    return next((addr.strip().lower() for _, addr in pairs if "@" in addr), "")


# ---------------------------------------------------------------- HTML to text


class _TextOfHtml(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul",
                         "ol", "section", "article", "header", "footer", "blockquote", "hr"})
    _HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.chunks.append("\n")
        elif tag in ("td", "th"):
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """The words of an HTML body, one line per block; links' targets and scripts are dropped."""
    parser = _TextOfHtml()
    parser.feed(html[: MAX_TEXT * 4])
    parser.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.chunks).splitlines())
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------- messages


def _precheck(raw: bytes) -> None:
    """Refuse what would be costly to parse, before parsing it (the parser recurses per nested part)."""
    if len(raw) > MAX_BYTES:
        raise Refused(f"the email is too large ({len(raw) // 1000} kB; at most {MAX_BYTES // 1000} kB is read)",
                      "too_large")
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    if len(head) > MAX_HEADER_BYTES:
        raise Refused(f"the email's headers are too large ({len(head) // 1000} kB)", "too_large")
    if raw.count(b"=?") > MAX_ENCODED_WORDS:
        raise Refused("the email has too many encoded words to be one of Amazon's", "too_many_parts")
    lowered = raw.lower()
    if lowered.count(b"boundary=") > MAX_PARTS or lowered.count(b"content-type:") > MAX_PARTS * 2:
        raise Refused("the email has too many parts to be one of Amazon's", "too_many_parts")


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_type() == "text/html" else content


def _body(message: EmailMessage, depth: int) -> tuple[str, Letter | None]:
    """The best text of a message (plain preferred, else HTML) and an email attached to it."""
    if depth > MAX_DEPTH:
        raise Refused("the email's parts are nested too deep", "too_deep")
    if any(isinstance(d, _BROKEN) for d in message.defects):
        raise Refused("the email's MIME structure is broken (a multipart without its boundaries)", "malformed")
    content_type = message.get_content_type()
    if content_type == "message/rfc822":
        inner = message.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, EmailMessage):
            return "", _letter(inner, depth + 1)
        return "", None
    if message.is_multipart():
        plain, html, attached = "", "", None
        for part in message.iter_parts():
            if part.get_content_disposition() == "attachment" and part.get_content_type() != "message/rfc822":
                continue
            text, inner = _body(part, depth + 1)
            attached = attached or inner
            if not text:
                continue
            if part.get_content_type() == "text/html" and not plain:
                html = html or text
            elif not plain:
                plain = text
        return plain or html, attached
    if content_type in _TEXT_TYPES or message.get_content_maintype() == "text":
        return _part_text(message), None
    return "", None


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value; its raw text when the header parser gives up on hostile input (it raises
    assorted errors, IndexError among them)."""
    try:
        return str(message.get(name, "") or "")
    except (email.errors.MessageError, IndexError, ValueError, TypeError, AttributeError):
        return next((str(v) for k, v in message.raw_items() if k.lower() == name), "")


def _letter(message: EmailMessage, depth: int) -> Letter:
    text, attached = _body(message, depth)
    date = _header(message, "date")
    return Letter(
        subject=normalize(_header(message, "subject"))[:300],
        sender=address_of(_header(message, "from")),
        sent_at=header_instant(date),
        text=text[:MAX_TEXT],
        sent_offset=header_offset(date),
        attached=attached,
        recipients=addresses_of(_header(message, "to")),
    )


def looks_like_message(raw: bytes) -> bool:
    """Whether the bytes start with RFC 5322 header lines (an .eml), not with pasted prose."""
    head = raw[:4000].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    names = re.findall(rb"^([A-Za-z][A-Za-z0-9-]{1,40}):", head, flags=re.MULTILINE)
    return {n.lower() for n in names} & {b"from", b"date", b"subject", b"content-type", b"mime-version"} != set() \
        and len(names) >= 2


def read_message(raw: bytes) -> Letter:
    """A real email (an ``.eml`` file, Slack's email file) as a ``Letter``, or ``Refused``."""
    _precheck(raw)
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return _letter(message, 0)
    except RecursionError:
        raise Refused("the email's parts are nested too deep", "too_deep") from None
    except (email.errors.MessageError, UnicodeError, ValueError, TypeError) as error:
        raise Refused(f"the email cannot be read as MIME ({type(error).__name__})", "malformed") from None


def read_text(text: str, *, subject: str = "", sender: str = "", date: str | None = None) -> Letter:
    """Pasted text, or Slack's own fields of an email file (subject, from, the ``Date`` header, plain text)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise Refused(f"the text is too large (at most {MAX_BYTES // 1000} kB is read)", "too_large")
    return Letter(subject=normalize(subject)[:300], sender=address_of(sender), sent_at=header_instant(date),
                  text=text[:MAX_TEXT], sent_offset=header_offset(date))


def looks_like_html(raw: bytes) -> bool:
    head = raw[:2000].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<div", b"<p", b"<table", b"<body", b"<meta"))


def read_bytes(raw: bytes, *, subject: str = "", sender: str = "", date: str | None = None) -> Letter:
    """A file's bytes: an email when they look like one, else HTML or plain text (UTF-8, unreadable bytes
    replaced) with the headers Slack gave beside them (Slack serves an email file as its HTML rendering)."""
    if looks_like_message(raw):
        return read_message(raw)
    if len(raw) > MAX_BYTES:
        _precheck(raw)
    text = raw.decode("utf-8-sig", errors="replace")
    return read_text(html_to_text(text) if looks_like_html(raw) else text, subject=subject, sender=sender, date=date)
