"""The text to paste in Seller Central fits Slack's 3000 characters per section by design: a long one
is shown in several parts, cut at line ends before escaping, so nothing is lost (the "Attached:" list
stays) and an entity like ``&amp;`` is never split."""

from __future__ import annotations

import re

import pytest

from tests.case_steps import claim_values
from tests.slack_harness import text_input
from views.paste_text import PART_CHARS, paste_parts
from views.text import escape, slack_unescape

SECTION_LIMIT = 3000


@pytest.mark.parametrize("text", [
    "short",
    "",
    "line one\n" * 800,
    "&" * 3000,  # each one becomes five characters once escaped
    ("word & <b> " * 700).strip(),
    "x" * 7000,  # one long word
    "中文说明" * 1000,
])
def test_parts_joined_are_the_text_and_each_fits_a_section_once_escaped(text):  # type: ignore[no-untyped-def]
    parts = paste_parts(text)
    assert "".join(parts) == text
    assert all(len(escape(part)) <= PART_CHARS for part in parts)
    assert len(parts) == 1 or all(parts)


def test_a_long_text_is_cut_at_a_line_end_rather_than_inside_a_line():
    text = "\n".join(f"Paragraph {n}: " + "evidence " * 30 for n in range(40))
    parts = paste_parts(text)
    assert len(parts) > 1
    assert all(part.endswith("\n") for part in parts[:-1])


def test_a_long_explanation_full_of_ampersands_is_shown_whole_in_parts_with_its_attached_list(slack):  # type: ignore[no-untyped-def]
    explanation = "\n".join(["Tools & parts <listed> here: " + "A&B " * 80] * 8)[:3000]
    slack.command("file")
    reply = slack.submit(slack.opened_view(), claim_values(explanation=text_input(explanation)))
    view = reply.json()["view"]
    boxes = [b["text"]["text"] for b in view["blocks"]
             if b["type"] == "section" and b["text"]["text"].startswith("```")]
    assert len(boxes) > 1
    assert all(len(box) <= SECTION_LIMIT for box in boxes)
    for box in boxes:  # no entity cut in two at either end
        inner = box[3:-3]
        assert not re.search(r"&[a-z]{0,3}$", inner) and not re.match(r"^[a-z]{1,3};", inner)
    shown = "\n".join(slack_unescape(box[3:-3]) for box in boxes)
    assert explanation.strip() in shown
    assert "Attached:\n- Service order ID" in shown and shown.rstrip().endswith("Anything else that supports the claim")
    labels = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]
    assert f"Part 1 of {len(boxes)}: paste the parts one after the other." in labels
