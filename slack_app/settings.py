"""The settings the app runs with: the environment's (``slack_app.config``) and, when it names one, the accounts
file's (``slack_app.accounts``), read once. Neither of those two modules imports the other (a contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from slack_app.accounts import load_accounts
from slack_app.config import ConfigError, Settings, read_environment

__all__ = ["ConfigError", "Settings", "load_settings"]


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True,
                  check_calendar: bool = True) -> Settings:
    """Read the settings; raise ``ConfigError`` with a one-line reason when one is wrong (the accounts file: one
    line per problem, all of them).

    ``check_calendar=False`` leaves the holiday calendar to ``check_holidays``, for a caller that
    runs it elsewhere (``safet serve`` checks in a short-lived child, keeping the server's master small).
    """
    settings = read_environment(env, dotenv=dotenv, check_calendar=check_calendar)
    if not settings.accounts_file:
        return settings
    return replace(settings, book=load_accounts(settings.accounts_file, check_calendar=check_calendar))
