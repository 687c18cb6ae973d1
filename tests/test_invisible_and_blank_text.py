"""What a person types reads as it shows: a required field of spaces (or of zero-width characters) is
refused on its field, and right-to-left overrides and zero-width characters never reach what is stored
nor the evidence ZIP's entry names."""

from __future__ import annotations

import io
import zipfile

import pytest

from store.queries import get_case
from tests.case_steps import CASES, calls, claim_values, file_claim, next_call, open_chargeback, open_form, press
from tests.slack_harness import text_input, wait_until


def claim_form(slack) -> dict:  # type: ignore[no-untyped-def]
    before = calls(slack, "views.open")
    slack.command("file")
    return next_call(slack, "views.open", before).args["view"]


@pytest.mark.parametrize("blank", ["   ", "\u200b\u200b", " \u200d\u2060 \ufeff", "\n\t"])
def test_a_required_explanation_of_spaces_or_zero_width_characters_is_refused_on_its_field(slack, blank):  # type: ignore[no-untyped-def]
    reply = slack.submit(claim_form(slack), claim_values(explanation=text_input(blank))).json()
    assert reply["response_action"] == "errors" and list(reply["errors"]) == ["explanation"]
    assert get_case(slack.store, 1) is None


def test_a_required_reason_of_zero_width_characters_is_refused_on_its_field(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    form = open_form(slack, case_id, "case_action:record_debit")
    reply = slack.submit(form, {"amount": text_input("129.99"), "reason": text_input("\u200b \u2060")}).json()
    assert reply["errors"] == {"reason": "Write the reason Amazon's email gives."}
    assert [e.action for e in get_case(slack.store, case_id).events] == ["open"]


def test_typed_text_is_stored_without_bidi_overrides_or_zero_width_characters(slack):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack, explanation=text_input("Buyer\u202e absent\u200b; see photo"))
    case = get_case(slack.store, case_id)
    assert case is not None and "\u202e" not in str(case) and "\u200b" not in str(case)
    assert "Buyer absent; see photo" in str(case)


def test_a_file_named_with_a_right_to_left_override_keeps_its_real_extension_in_the_zip(slack):  # type: ignore[no-untyped-def]
    evil = "invoice\u202egnp.exe"  # shows as "invoiceexe.png"
    stored = slack.fake.add_file(b"MZ...", name=evil)
    case_id = file_claim(slack, attachments={"a": {"type": "file_input", "files": [stored]}})
    assert all("\u202e" not in e.label for e in get_case(slack.store, case_id).evidence)
    press(slack, case_id, "case_evidence_packet")
    upload = wait_until(lambda: slack.fake.uploads(CASES) and slack.fake.uploads(CASES)[0])
    names = zipfile.ZipFile(io.BytesIO(upload.content)).namelist()
    assert "files/01-invoicegnp.exe" in names and not any("\u202e" in n for n in names)


def test_invisible_characters_are_stripped_from_names_and_text():  # type: ignore[no-untyped-def]
    from rules.parsing import visible
    from views.evidence_packet import _safe_name

    assert visible("a\u200bb\u202ec\u2066d\ufeff") == "abcd"
    assert _safe_name("\u202e\u200b.pdf") == "pdf"
    assert visible("运费款项 Trip Credit") == "运费款项 Trip Credit"
