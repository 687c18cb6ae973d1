"""Check the Slack app manifest (manifest.yml) against Slack's published JSON schema.

    python -m tools.manifest_check manifest.yml [--schema PATH]

prints ``OK ...`` and exits 0, or prints one error per line (with the JSON path of the
offending value) and exits 1; exits 2 when the manifest or schema cannot be read.

Besides the schema itself this honours the schema's non-standard ``regex`` keyword
(used for ``background_color``, which plain Draft 7 ignores) and adds a few checks the
schema cannot express: scope names are well formed and not repeated, command names and
shortcut callback IDs are unique, and slash commands/shortcuts come with the
``commands`` scope.

``declared_surface`` lists what the manifest subscribes to, so a test can compare it
with the listeners the Bolt app registers. This module deliberately does not import
slack_bolt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError

SCHEMA_ENV = "SAFET_MANIFEST_SCHEMA"
SCHEMA_FILENAME = "manifest.schema.1.0.0.json"
# Slack's schema (MIT licence beside it) is kept in the repository, so a clone checks on its own.
DEFAULT_SCHEMA_PATH = Path(__file__).resolve().parent / "slack" / SCHEMA_FILENAME

# Slack scope names: lower case words joined by ".", "_", "-" with ":" before the access
# level, e.g. "commands", "chat:write.public", "admin.conversations:read", "incoming-webhook".
_SCOPE_RE = re.compile(r"^[a-z][a-z0-9_.-]*(?::[a-z][a-z0-9_.-]*)*$")
_MAX_MESSAGE = 300


def default_schema_path() -> Path:
    """``$SAFET_MANIFEST_SCHEMA`` if set, else the copy in ``tools/slack/``."""
    override = os.environ.get(SCHEMA_ENV)
    return Path(override) if override else DEFAULT_SCHEMA_PATH


def load_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a manifest in YAML (or JSON, which YAML also parses); it must be a mapping."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise TypeError(f"{path}: a manifest must be a mapping, got {type(data).__name__}")
    return data


def load_schema(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    with open(path or default_schema_path(), encoding="utf-8") as fh:
        return json.load(fh)


def _regex_keyword(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    # Slack's schema says "regex" where JSON Schema says "pattern"; enforce it anyway.
    if validator.is_type(instance, "string") and not re.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_ManifestValidator = validators.extend(Draft7Validator, {"regex": _regex_keyword})


def _short(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _extra_errors(manifest: dict[str, Any]) -> list[str]:
    """Checks Slack enforces on import but the JSON schema does not express."""
    errors: list[str] = []
    oauth = manifest.get("oauth_config")
    scopes = oauth.get("scopes") if isinstance(oauth, dict) else None
    scopes = scopes if isinstance(scopes, dict) else {}
    for kind, names in scopes.items():
        if not isinstance(names, list):
            continue  # the schema reports the wrong type
        for i, name in enumerate(names):
            if isinstance(name, str) and not _SCOPE_RE.match(name):
                errors.append(f"$.oauth_config.scopes.{kind}[{i}]: {name!r} is not a valid scope name")
        for name, count in Counter(n for n in names if isinstance(n, str)).items():
            if count > 1:
                errors.append(f"$.oauth_config.scopes.{kind}: scope {name!r} is listed {count} times")

    features = manifest.get("features")
    features = features if isinstance(features, dict) else {}
    for key, field in (("slash_commands", "command"), ("shortcuts", "callback_id")):
        items = features.get(key)
        if not isinstance(items, list):
            continue
        values = Counter(it.get(field) for it in items if isinstance(it, dict) and it.get(field))
        for value, count in values.items():
            if count > 1:
                errors.append(f"$.features.{key}: {field} {value!r} is declared {count} times")

    bot_scopes = scopes.get("bot") if isinstance(scopes.get("bot"), list) else []
    if (features.get("slash_commands") or features.get("shortcuts")) and "commands" not in bot_scopes:
        errors.append("$.oauth_config.scopes.bot: slash commands and shortcuts need the 'commands' scope")
    return errors


def validate_manifest(
    manifest: dict[str, Any], schema_path: str | os.PathLike[str] | None = None
) -> list[str]:
    """Return readable errors (``"<json path>: <message>"``); an empty list means valid.

    ``schema_path`` defaults to :func:`default_schema_path`.
    """
    schema = load_schema(schema_path)
    _ManifestValidator.check_schema(schema)
    validator = _ManifestValidator(schema)
    found = sorted(
        validator.iter_errors(manifest), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    errors = [f"{e.json_path}: {_short(e.message)}" for e in found]
    return errors + _extra_errors(manifest)


def declared_surface(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """What Slack will send the app: slash command names, shortcut callback IDs, bot events."""
    features = manifest.get("features") or {}
    settings = manifest.get("settings") or {}
    events = (settings.get("event_subscriptions") or {}).get("bot_events") or []
    return {
        "commands": {c["command"] for c in features.get("slash_commands") or [] if c.get("command")},
        "shortcuts": {s["callback_id"] for s in features.get("shortcuts") or [] if s.get("callback_id")},
        "events": set(events),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.manifest_check",
        description="Validate a Slack app manifest against Slack's JSON schema.",
    )
    parser.add_argument(
        "manifest", nargs="?", default="manifest.yml", help="manifest file (default: %(default)s)"
    )
    parser.add_argument(
        "--schema",
        default=None,
        help=f"schema JSON (default: ${SCHEMA_ENV} or {DEFAULT_SCHEMA_PATH})",
    )
    args = parser.parse_args(argv)
    schema_path = Path(args.schema) if args.schema else default_schema_path()

    try:
        manifest = load_manifest(args.manifest)
        errors = validate_manifest(manifest, schema_path)
    except (OSError, TypeError, ValueError, yaml.YAMLError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        print(f"{args.manifest}: {len(errors)} error(s)", file=sys.stderr)
        return 1
    surface = declared_surface(manifest)
    print(
        f"OK {args.manifest} ({len(surface['commands'])} command(s), {len(surface['shortcuts'])} shortcut(s), "
        f"{len(surface['events'])} bot event(s); schema {schema_path})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
