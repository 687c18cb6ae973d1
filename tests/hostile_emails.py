"""Emails built to be slow or to crash a reader: whitespace runs after header-like names, thousands of
header-like lines, tens of thousands of encoded words, a thousand parts, deep nesting, a 1 MB line.
Shared by the tests (each must be read or refused, never a crash) and ``bench/intake_parse.py`` (the time)."""

from __future__ import annotations

from collections.abc import Callable

SIZE = 900_000
"""Under intake's size cap (1 MB), so each case reaches the reader instead of the size refusal."""


def _email(body: str, *, subject: str = "Chargeback claim", extra_headers: str = "") -> bytes:
    head = (f"From: Amazon <cb-seller-notification@amazon.com>\nTo: ops@acme-sellers.com\n"
            f"Date: Mon, 02 Nov 2026 09:15:27 -0800\nSubject: {subject}\n{extra_headers}"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n")
    return (head + body).encode("utf-8")


def plain() -> bytes:
    return _email("There is a chargeback dispute involving the following transaction.\n"
                  "Order ID: 111-2223334-4445556\nAmount: 72.15 USD\nPlease respond within 7 days.\n")


def _runs(name: str, spaces: int = 3000, lines: int = 1) -> bytes:
    line = f"{name}: a" + " " * spaces + "x\n"
    return _email(line * lines)


def _multipart(parts: int) -> bytes:
    body = "".join(f"--b\nContent-Type: text/plain\n\npart {n}\n" for n in range(parts)) + "--b--\n"
    return _email(body, extra_headers='Content-Type: multipart/mixed; boundary="b"\n').replace(
        b"Content-Type: text/plain; charset=utf-8\n\n--b", b"\n--b", 1)


def _nested(depth: int) -> bytes:
    inner = "Content-Type: text/plain\n\nhello\n"
    for level in range(depth):
        inner = f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n{inner}--b{level}--\n'
    return ("From: cb-seller-notification@amazon.com\nSubject: x\nMIME-Version: 1.0\n" + inner).encode()


CASES: dict[str, Callable[[], bytes]] = {
    "plain": plain,
    "from-then-3000-spaces": lambda: _runs("From"),
    "from-then-spaces-many-lines": lambda: _runs("From", 3000, 250),
    "chinese-header-then-spaces": lambda: _runs("发件人", 3000, 100),
    "safet-claim-then-spaces": lambda: _email(("SAFE-T claim" + " " * 3000 + "!\n") * 250),
    "claim-id-then-spaces": lambda: _email(("claim id" + " " * 3000 + ":\n") * 250),
    "please-before-then-spaces": lambda: _email(("请在1" + " " * 3000 + "x\n") * 250),
    "reply-by-then-spaces": lambda: _email(("Reply by" + " " * 3000 + "x\n") * 250),
    "header-like-lines": lambda: _email("From: a@b.c\nDate: x\nSubject: y\n" * 25_000),
    "encoded-words-in-subject": lambda: _email("body", subject="\n ".join(["=?utf-8?q?a?="] * 40_000)),
    "a-thousand-parts": lambda: _multipart(1000),
    "deep-nesting": lambda: _nested(200),
    "one-megabyte-line": lambda: _email("a" * SIZE),
    "one-line-of-digits": lambda: _email("1" * SIZE),
    "one-line-of-angle-brackets": lambda: _email("<" * SIZE),
    "money-like-runs": lambda: _email("$ 1, " * (SIZE // 5)),
    "order-like-runs": lambda: _email("111-2223334-" * (SIZE // 12)),
}
