"""Settings from the environment (and an optional ``.env`` file in the working directory). The accounts file the
environment may name is read by ``slack_app.settings``, which composes the two: this module never reads it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rules.ladder import parse_ladder
from rules.settings import (
    DEFAULT_DATABASE_URL,
    DEFAULT_INTAKE_SENDERS,
    SLACK_API_URL,
    ConfigError,
    Settings,
    check_holidays,
)

__all__ = ["ConfigError", "Settings", "check_holidays", "read_environment"]


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def _bool(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def read_environment(env: Mapping[str, str] | None = None, *, dotenv: bool = True,
                     check_calendar: bool = True) -> Settings:
    """Read the environment's settings (the accounts file only named, not read: ``slack_app.settings``); raise
    ``ConfigError`` with a one-line reason when one is wrong.

    ``check_calendar=False`` leaves the holiday calendar to ``check_holidays``, for a caller that
    runs it elsewhere (``safet serve`` checks in a short-lived child, keeping the server's master small).
    """
    if env is None:
        if dotenv and os.path.exists(".env"):
            from dotenv import load_dotenv

            load_dotenv(".env", override=False)
        env = os.environ
    timezone = env.get("SAFET_TIMEZONE", "").strip() or "America/Los_Angeles"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"SAFET_TIMEZONE {timezone!r} is not an IANA time zone (e.g. America/Los_Angeles).") from None
    try:
        warnings = parse_ladder(env.get("SAFET_WARNINGS"))
    except ValueError as error:
        raise ConfigError(str(error)) from None
    above = env.get("SAFET_APPROVAL_ABOVE", "").strip()
    approval_above_cents = None
    if above:
        from rules.errors import DomainError
        from rules.parsing import parse_amount

        try:
            approval_above_cents = parse_amount(above, "USD")
        except DomainError:
            raise ConfigError(f"SAFET_APPROVAL_ABOVE must be an amount like 500 or 500.00, not {above!r}.") from None
    sweep_seconds = _int(env, "SAFET_SWEEP_SECONDS", 60) or 0
    if sweep_seconds < 0:
        raise ConfigError("SAFET_SWEEP_SECONDS must be 0 (no in-process sweep) or a number of seconds.")
    digest_hour = _int(env, "SAFET_DIGEST_HOUR", 9)
    if digest_hour is not None and not 0 <= digest_hour <= 23:
        raise ConfigError("SAFET_DIGEST_HOUR must be an hour from 0 to 23.")
    report_day, report_hour = _weekly_report(env)
    holidays_code = env.get("SAFET_HOLIDAYS", "").strip() or "US"
    if check_calendar:
        check_holidays(holidays_code)
    accounts_file = env.get("SAFET_ACCOUNTS_FILE", "").strip() or None
    spapi_region = None
    if not accounts_file and env.get("SAFET_SPAPI_REFRESH_TOKEN", "").strip():
        spapi_region = env.get("SAFET_SPAPI_REGION", "").strip().lower() or "na"
        if spapi_region not in ("na", "eu", "fe"):
            raise ConfigError(f"SAFET_SPAPI_REGION must be na, eu or fe, not {spapi_region!r}.")
    return Settings(
        spapi_region=spapi_region,
        spapi_endpoint=_url(env, "SAFET_SPAPI_ENDPOINT", path=False),
        lwa_token_url=_url(env, "SAFET_LWA_TOKEN_URL", path=True),
        accounts_file=accounts_file,
        bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        api_url=env.get("SLACK_API_URL", "").strip() or SLACK_API_URL,
        database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        timezone=timezone,
        holidays=holidays_code,
        alert_channel=env.get("SAFET_ALERT_CHANNEL", "").strip() or None,
        team_id=env.get("SAFET_TEAM_ID", "").strip() or None,
        leads=tuple(x.strip() for x in env.get("SAFET_LEADS", "").replace(";", ",").split(",") if x.strip()),
        sweep_seconds=sweep_seconds,
        warnings=warnings,
        digest_hour=digest_hour,
        default_locale=env.get("SAFET_DEFAULT_LOCALE", "").strip() or "en",
        channel_locale=env.get("SAFET_CHANNEL_LOCALE", "").strip() or "en",
        require_approval=_bool(env, "SAFET_REQUIRE_APPROVAL"),
        approval_above_cents=approval_above_cents,
        intake_channel=env.get("SAFET_INTAKE_CHANNEL", "").strip() or None,
        intake_senders=_list(env, "SAFET_INTAKE_SENDERS") or DEFAULT_INTAKE_SENDERS,
        report_day=report_day,
        report_hour=report_hour,
    )


def _url(env: Mapping[str, str], name: str, *, path: bool) -> str | None:
    """An override of one of Amazon's hosts: http(s)://host[:port] (with a path for the token URL)."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    from urllib.parse import urlsplit

    url = urlsplit(raw)
    if url.scheme not in ("http", "https") or not url.netloc or (not path and url.path not in ("", "/")) \
            or url.query or url.fragment or "@" in url.netloc:
        shape = "scheme://host[:port]/path" if path else "scheme://host[:port]"
        raise ConfigError(f"{name} must look like {shape} (http for a local fake, https otherwise).")
    return raw.rstrip("/") if not path else raw


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(x.strip().lower() for x in env.get(name, "").replace(";", ",").split(",") if x.strip())


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekly_report(env: Mapping[str, str]) -> tuple[int, int | None]:
    """SAFET_REPORT_DAY (monday…sunday, mon…sun, or 1–7 from Monday) and SAFET_REPORT_HOUR (0–23; unset: off)."""
    raw = env.get("SAFET_REPORT_DAY", "").strip().lower() or "monday"
    names = {name: i for i, name in enumerate(WEEKDAYS)} | {name[:3]: i for i, name in enumerate(WEEKDAYS)}
    names |= {str(i + 1): i for i in range(7)}
    if raw not in names:
        raise ConfigError(f"SAFET_REPORT_DAY must be a weekday (monday … sunday), not {raw!r}.")
    hour = _int(env, "SAFET_REPORT_HOUR", None)
    if hour is not None and not 0 <= hour <= 23:
        raise ConfigError("SAFET_REPORT_HOUR must be an hour from 0 to 23 (unset: no weekly report).")
    return names[raw], hour
