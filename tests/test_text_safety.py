"""User text never pings anyone: `<!channel>`, `<!here>`, `<@U999>` and `&` typed into every free-text field
of the SAFE-T modal reach Slack only escaped — in the modal's answer, the card, its thread, ephemeral replies,
and App Home (and the modal its *Open* button shows)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from handlers.case_card import after_change
from store import cases
from store.queries import find_case
from tests.slack_harness import Reply, select_input, text_input

HOSTILE = "<!channel> <!here> <@U999> Tom & Jerry"
ESCAPED = "&lt;!channel&gt; &lt;!here&gt; &lt;@U999&gt; Tom &amp; Jerry"
RAW_PINGS = ("<!channel>", "<!here>", "<@U999>")
BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
ORDER = "123-1234567-1234567"
# Where Slack shows text as typed, not as mrkdwn: input values, button values, hidden metadata.
NOT_RENDERED = {"initial_value", "value", "private_metadata", "placeholder"}
RENDERING_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.update",
                     "views.push", "views.publish")


def raw_user_text(payload: Any, path: str = "$") -> Iterator[str]:
    """Where a ping or a bare ``&`` appears in what Slack would render."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key not in NOT_RENDERED:
                yield from raw_user_text(value, f"{path}.{key}")
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            yield from raw_user_text(value, f"{path}[{index}]")
    elif isinstance(payload, str):
        for ping in RAW_PINGS:
            if ping in payload:
                yield f"{path}: raw {ping} in {payload[:200]!r}"
        if BARE_AMPERSAND.search(payload):
            yield f"{path}: bare & in {payload[:200]!r}"




def hostile_claim(order_id: str = ORDER, product_order_id: str | None = None) -> dict[str, Any]:
    return {
        "order_id": text_input(order_id), "product_order_id": text_input(product_order_id),
        "reason": select_input("trip_credit"), "explanation": text_input(HOSTILE),
        "claim_number": text_input(HOSTILE), "filing_locale": select_input("en"),
    }


def everything_slack_received(slack, replies: list[Reply]) -> list[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    time.sleep(0.3)  # let lazy listeners finish
    sent: list[tuple[str, Any]] = [(f"reply {n}", reply.json()) for n, reply in enumerate(replies) if reply.body]
    for call in slack.fake.calls():
        if call.method in RENDERING_METHODS:
            sent.append((call.method, {k: v for k, v in call.args.items() if k in ("text", "blocks", "view")}))
    return sent


def test_hostile_text_in_every_free_text_field_is_refused_without_being_echoed(slack):  # type: ignore[no-untyped-def]
    slack.command("file")
    reply = slack.submit(slack.opened_view(), hostile_claim(order_id=HOSTILE, product_order_id=HOSTILE))
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert list(raw_user_text(answer)) == []


def test_hostile_text_reaches_slack_only_escaped_everywhere_it_is_shown(slack, now):  # type: ignore[no-untyped-def]
    replies = []
    slack.command("file")
    saved = slack.submit(slack.opened_view(), hostile_claim())
    assert saved.json()["response_action"] == "update"
    replies.append(saved)
    card = slack.fake.wait_for("chat.postMessage", count=2)  # the card and its thread's first line
    case = find_case(slack.store, ORDER)
    assert case is not None and case.explanation == HOSTILE and case.claim_number == HOSTILE

    # More thread lines, carrying the same text as notes.
    deps, client = slack.runtime.deps, slack.runtime.client
    after_change(deps, client, cases.record_filing(slack.store, case.id, actor="U1", now=now, claim_number=HOSTILE))
    after_change(deps, client, cases.log_info_request(slack.store, case.id, actor="U1", now=now, arrived_at=now,
                                                      note=HOSTILE))
    after_change(deps, client, cases.record_answer(slack.store, case.id, actor="U1", now=now, note=HOSTILE))

    for words in (f"show {ORDER}", "list", "list mine", "list investigation", "help"):
        reply = slack.command(words)
        assert reply.status == 200
        replies.append(reply)
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home",
                 "event_ts": f"{time.time():.6f}"})
    home = slack.fake.wait_for("views.publish")[0].args["view"]
    slack.click("home_open_case", str(case.id), view=home)
    slack.fake.wait_for("views.open", count=2)

    sent = everything_slack_received(slack, replies)
    problems = [f"{where} {problem}" for where, payload in sent for problem in raw_user_text(payload)]
    assert problems == []

    # The text was there, escaped: in the paste text, the card, the thread, `/safet show` and App Home's modal.
    assert ESCAPED in json.dumps(saved.json()["view"]["blocks"], ensure_ascii=False)
    assert ESCAPED in json.dumps(card[0].args["blocks"], ensure_ascii=False)
    thread = [c.args["text"] for c in slack.fake.calls("chat.postMessage") if c.args.get("thread_ts")]
    assert sum(ESCAPED in line for line in thread) >= 2
    show = json.dumps(replies[1].json()["blocks"], ensure_ascii=False)
    assert show.count(ESCAPED) >= 3, "explanation, claim number and history notes"
    modal = slack.fake.calls("views.open")[-1].args["view"]
    assert ESCAPED in json.dumps(modal["blocks"], ensure_ascii=False)


def test_an_unknown_subcommand_is_echoed_escaped(slack):  # type: ignore[no-untyped-def]
    answer = slack.answer("<!here>&")
    assert list(raw_user_text(answer)) == []
    assert "&lt;!here&gt;&amp;" in answer["text"]


@pytest.mark.parametrize("words", ["show <!channel> & co", "list <@U999>"])
def test_a_command_argument_echoed_in_a_refusal_is_escaped(slack, words):  # type: ignore[no-untyped-def]
    assert list(raw_user_text(slack.answer(words))) == []
