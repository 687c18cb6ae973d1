"""(being written)"""

from slack_bolt import App

from slack_app.app import Deps


def register(app: App, deps: Deps) -> None:
    pass
