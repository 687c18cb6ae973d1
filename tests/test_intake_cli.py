"""`safet intake FILE`: what the reader finds, printed for an operator; nothing is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from slack_app.cli import main

CORPUS = Path(__file__).parent / "emails"


@pytest.fixture(autouse=True)
def team_zone(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("SAFET_TIMEZONE", "America/Los_Angeles")
    monkeypatch.delenv("SAFET_INTAKE_SENDERS", raising=False)


def test_a_chargeback_email_prints_its_orders_amounts_and_deadline(capsys):  # type: ignore[no-untyped-def]
    assert main(["intake", str(CORPUS / "cb_notice_several.eml")]) == 0
    out = capsys.readouterr().out
    assert "kind:      chargeback_notice" in out
    assert "order:     118-0000002-0000002  amount 20.50 USD" in out
    assert "deadline:  chargeback_reply due Thu 2026-11-12 12:00:00 PST (2026-11-12T20:00:00Z)" in out


def test_a_chinese_decision_prints_no_grant_and_its_appeal_date(capsys):  # type: ignore[no-untyped-def]
    assert main(["intake", str(CORPUS / "safet_nogrant_zh.eml")]) == 0
    out = capsys.readouterr().out
    assert "decision:  No-Grant" in out and "appeal by: Sat 2026-12-12 23:59:00 PST" in out


def test_a_spoofed_sender_is_named_as_off_the_allow_list(capsys):  # type: ignore[no-untyped-def]
    main(["intake", str(CORPUS / "spoof_suffix.eml")])
    assert "NOT verified" in capsys.readouterr().out


def test_a_refused_or_incomplete_email_exits_1_saying_why(capsys, tmp_path):  # type: ignore[no-untyped-def]
    assert main(["intake", str(CORPUS / "nested_bomb.eml")]) == 1
    assert "refused: the email has too many parts" in capsys.readouterr().out
    assert main(["intake", str(CORPUS / "cb_notice_several_zh.txt")]) == 1
    assert "missing:   sent_at" in capsys.readouterr().out
    big = tmp_path / "big.eml"
    big.write_bytes(b"From: a@amazon.com\r\n\r\n" + b"x" * 10_000_000)
    assert main(["intake", str(big)]) == 1
    assert "too large" in capsys.readouterr().out
    assert main(["intake", str(tmp_path / "missing.eml")]) == 1
