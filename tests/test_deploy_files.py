"""Docker is not available in CI, so compose.yml and the Dockerfile are only checked by reading."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yml").read_text(encoding="utf-8"))


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):  # compose also allows ["KEY=value", ...]
        env = dict(item.split("=", 1) for item in env)
    return env


def test_compose_runs_two_replicas_on_one_postgres_database():
    services = _compose()["services"]
    assert {"postgres", "migrate", "app1", "app2"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert "healthcheck" in services["postgres"]

    urls = {_env(services[name])["DATABASE_URL"] for name in ("migrate", "app1", "app2")}
    assert len(urls) == 1
    url = urls.pop()
    assert url.startswith("postgresql+psycopg://") and "@postgres:" in url

    assert services["migrate"]["command"] == ["safet", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("app1", "app2"):
        app = services[name]
        assert app["image"] == services["migrate"]["image"]
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert app["env_file"] == ".env"
        assert _env(app)["SAFET_SWEEP_SECONDS"] == "60"  # sweeps are safe to run concurrently


def test_dockerfile_basics():
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    froms = [ln for ln in lines if ln.startswith("FROM ")]
    assert froms and all(ln.split()[1] == "python:3.11-slim" for ln in froms)
    users = [ln for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0")
    cmd = [ln for ln in lines if ln.startswith("CMD ")]
    assert json.loads(cmd[-1][4:]) == ["safet", "serve", "--host", "0.0.0.0", "--port", "3000"]
    text = "\n".join(lines)
    assert "HEALTHCHECK" in text and "/healthz" in text and "urllib" in text
