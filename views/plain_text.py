"""Block Kit back to plain text, for the terminal (``safet demo``, ``safet sweep --dry-run``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from views.notices import Message

_EMOJI = {
    ":alarm_clock:": "⏰", ":rotating_light:": "🚨", ":large_orange_circle:": "🟠", ":large_blue_circle:": "🔵",
    ":large_green_circle:": "🟢", ":red_circle:": "🔴", ":white_circle:": "⚪", ":white_check_mark:": "✅",
    ":leftwards_arrow_with_hook:": "↩️", ":warning:": "⚠️", ":mag:": "🔍", ":sunrise:": "🌅",
    ":package:": "📦", ":paperclip:": "📎", ":white_square:": "⬜",
}
_TOKEN = re.compile(r"<([^<>]*)>")


def _plain(mrkdwn: str, names: Mapping[str, str]) -> str:
    def token(match: re.Match[str]) -> str:
        inner = match[1]
        if inner.startswith("@"):
            user = inner[1:].split("|", 1)[0]
            return "@" + names.get(user, user)
        if inner.startswith("!date^"):
            return inner.split("|", 1)[1] if "|" in inner else inner
        if inner.startswith("!"):
            return "@" + inner[1:].split("|", 1)[0]
        url, _, label = inner.partition("|")
        return f"{label} ({url})" if label else url

    text = _TOKEN.sub(token, mrkdwn)
    for code, glyph in _EMOJI.items():
        text = text.replace(code, glyph)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_text(blocks: Sequence[Block | dict[str, Any]], *, names: Mapping[str, str] | None = None) -> str:
    """Block Kit as plain text: headers, sections (and fields), context in small print, dividers,
    buttons in brackets; Slack tokens (mentions, date tokens, links) read as their fallbacks."""
    names = names or {}
    out: list[str] = []
    for block in blocks:
        data = block.to_dict() if isinstance(block, Block) else block
        kind = data.get("type")
        if kind == "header":
            title = _plain(data["text"]["text"], names)
            out += [title, "═" * min(len(title) + 2, 72)]
        elif kind == "section":
            if data.get("text"):
                out.append(_plain(data["text"]["text"], names))
            out += [_plain(f["text"], names) for f in data.get("fields", [])]
        elif kind == "context":
            texts = [_plain(e["text"], names) for e in data.get("elements", []) if "text" in e]
            out.append("   " + " · ".join(texts))
        elif kind == "divider":
            out.append("─" * 40)
        elif kind == "actions":
            out.append("  ".join(f"[{_plain(e['text']['text'], names)}]" for e in data.get("elements", [])
                                 if e.get("text")))
    return "\n".join(out)


def message_text(message: Message, *, names: Mapping[str, str] | None = None) -> str:
    return blocks_text(message.blocks, names=names)

