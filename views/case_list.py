"""(being written) `/safet list`, `/safet show`, `/safet help` as ephemeral messages."""

from __future__ import annotations

from typing import Any


def case_list(cases, which, tr, *, zone, now) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"text": "\n".join(f"{c.order_id} {c.state}" for c in cases) or "none"}


def case_detail(case, tr, *, zone, holidays, now) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"text": f"{case.order_id} {case.state}"}


def help_message(tr, unknown=None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"text": "usage"}
