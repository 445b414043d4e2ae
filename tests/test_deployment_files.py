"""docker-compose.yml parses and declares the services the deployment needs."""

from pathlib import Path

import yaml  # PyYAML comes with drf-spectacular

ROOT = Path(__file__).resolve().parents[1]


def test_compose_file_declares_the_services_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "gunicorn" not in str(services["worker"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])
    for app in ("web", "worker", "beat"):
        env = services[app]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert services[app]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dockerfile_runs_gunicorn_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER encommun" in dockerfile
    assert "gunicorn" in dockerfile
    assert "collectstatic" in dockerfile
