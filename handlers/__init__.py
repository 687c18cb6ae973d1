"""Every Slack surface the app answers, registered in one place (reads like the manifest)."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    case_actions,
    chargebacks,
    commands,
    errors,
    evidence,
    home,
    intake,
    intake_channel,
    ledger,
    replays,
    report,
    safet_claims,
    shortcuts,
)
from handlers.deps import Deps


def register(app: App, deps: Deps) -> None:
    errors.register(app, deps)          # domain refusals → clear messages, one place
    replays.register(app, deps)         # a replayed signed click or submission is taken once
    commands.register(app, deps)        # /safet file | chargeback | list | show | help
    safet_claims.register(app, deps)    # SAFE-T modal: reason select, submit
    chargebacks.register(app, deps)     # chargeback modal submit
    case_actions.register(app, deps)    # case card buttons and their follow-up modals
    evidence.register(app, deps)        # the card's Evidence packet button: ZIP to the thread
    home.register(app, deps)            # App Home tab
    shortcuts.register(app, deps)       # global and message shortcuts
    intake.register(app, deps)          # Amazon's emails: "Record from this message", the reply's buttons
    intake_channel.register(app, deps)  # Amazon's emails arriving in an intake channel, answered once
    report.register(app, deps)          # the report's Export CSV button
    ledger.register(app, deps)          # Amazon's ledger notices: Take Amazon's figure, Match to a case
