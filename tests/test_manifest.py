"""manifest.yml is valid by Slack's schema and names the IDs the code uses."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from tools import manifest_check
from tools.manifest_check import declared_surface, load_manifest, validate_manifest
from views import ids

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "manifest.yml"

EXPECTED_BOT_SCOPES = [
    "im:history",
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "im:write",
    "channels:history",
    "groups:history",
    "usergroups:read",
    "files:read",
    "files:write",  # the report's chart and CSV export (files_upload_v2)
]


@pytest.fixture()
def manifest() -> dict:
    return load_manifest(MANIFEST_PATH)


def test_schema_file_is_present():
    path = manifest_check.default_schema_path()
    assert path.is_file(), f"Slack manifest schema not found at {path}; set {manifest_check.SCHEMA_ENV}"


def test_manifest_is_valid(manifest):
    assert validate_manifest(manifest) == []


def test_display_information(manifest):
    info = manifest["display_information"]
    assert info["name"] == "SAFE-T Desk"
    assert 175 <= len(info["long_description"]) <= 4000
    assert 1 <= len(info["description"]) <= 140


def test_bot_scopes_are_exactly_what_the_app_uses(manifest):
    bot = manifest["oauth_config"]["scopes"]["bot"]
    assert len(bot) == len(set(bot)), "duplicate bot scopes"
    assert sorted(bot) == sorted(EXPECTED_BOT_SCOPES)
    assert set(manifest["oauth_config"]["scopes"]) == {"bot"}, "the app needs no user scopes"


def test_declared_surface_matches_view_ids(manifest):
    assert declared_surface(manifest) == {
        "commands": {ids.COMMAND},
        "shortcuts": {
            ids.SHORTCUT_FILE_CLAIM,
            ids.SHORTCUT_RECORD_CHARGEBACK,
            ids.SHORTCUT_CLAIM_FROM_MESSAGE,
            ids.SHORTCUT_RECORD_FROM_MESSAGE,
        },
        "events": {"app_home_opened", "message.channels", "message.groups"},
    }


def test_shortcut_types(manifest):
    types = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert types == {
        ids.SHORTCUT_FILE_CLAIM: "global",
        ids.SHORTCUT_RECORD_CHARGEBACK: "global",
        ids.SHORTCUT_CLAIM_FROM_MESSAGE: "message",
        ids.SHORTCUT_RECORD_FROM_MESSAGE: "message",
    }


def test_settings(manifest):
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    # One endpoint (Bolt's /slack/events) serves commands, events and interactivity.
    command = manifest["features"]["slash_commands"][0]
    urls = {
        command["url"],
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert command["should_escape"] is False


def _drop_name(m):
    del m["display_information"]["name"]


def _long_shortcut_name(m):
    m["features"]["shortcuts"][2]["name"] = "Start SAFE-T claim from message"  # > 24 chars


def _short_long_description(m):
    m["display_information"]["long_description"] = "Too short."


def _command_without_slash(m):
    m["features"]["slash_commands"][0]["command"] = "safet"


def _unknown_top_level_key(m):
    m["feature"] = {}


def _bad_background_color(m):
    m["display_information"]["background_color"] = "#zzzzzz"


def _bad_scope_name(m):
    m["oauth_config"]["scopes"]["bot"].append("Chat Write")


def _duplicate_scope(m):
    m["oauth_config"]["scopes"]["bot"].append("chat:write")


def _missing_commands_scope(m):
    m["oauth_config"]["scopes"]["bot"].remove("commands")


def _duplicate_shortcut(m):
    m["features"]["shortcuts"].append(copy.deepcopy(m["features"]["shortcuts"][0]))


@pytest.mark.parametrize(
    ("breakage", "expected_path"),
    [
        (_drop_name, "$.display_information"),
        (_long_shortcut_name, "$.features.shortcuts[2].name"),
        (_short_long_description, "$.display_information.long_description"),
        (_command_without_slash, "$.features.slash_commands[0].command"),
        (_unknown_top_level_key, "$"),
        (_bad_background_color, "$.display_information.background_color"),
        (_bad_scope_name, "$.oauth_config.scopes.bot[11]"),
        (_duplicate_scope, "$.oauth_config.scopes.bot"),
        (_missing_commands_scope, "$.oauth_config.scopes.bot"),
        (_duplicate_shortcut, "$.features.shortcuts"),
    ],
)
def test_broken_manifest_is_reported(manifest, breakage, expected_path):
    broken = copy.deepcopy(manifest)
    breakage(broken)
    errors = validate_manifest(broken)
    assert errors, f"{breakage.__name__} was not detected"
    assert any(e.startswith(expected_path + ":") for e in errors), errors


def test_cli_ok(capsys):
    assert manifest_check.main([str(MANIFEST_PATH)]) == 0
    assert capsys.readouterr().out.startswith("OK ")


def test_cli_reports_errors(tmp_path, manifest, capsys):
    broken = copy.deepcopy(manifest)
    del broken["display_information"]["name"]
    path = tmp_path / "manifest.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    assert manifest_check.main([str(path)]) == 1
    assert "$.display_information: 'name' is a required property" in capsys.readouterr().err


def test_cli_schema_env_override(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(manifest_check.SCHEMA_ENV, str(tmp_path / "missing.json"))
    assert manifest_check.default_schema_path() == tmp_path / "missing.json"
    assert manifest_check.main([str(MANIFEST_PATH)]) == 2
    assert "missing.json" in capsys.readouterr().err
