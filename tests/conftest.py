"""Suite-wide fixtures, and the CI guard: under CI=true the real services are required."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from participation.models import Phase
from tests import factories

ON_CI = os.environ.get("CI", "").lower() == "true"
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    if not ON_CI:
        return
    problems = []
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL under CI=true (SQLite refused)")
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        problems.append("REDIS_URL must point at Redis under CI=true")
    else:
        import redis

        try:
            redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=3).ping()
        except redis.RedisError as error:
            problems.append(f"Redis at REDIS_URL does not answer: {error}")
    if not SHARED_DIR.is_dir():
        problems.append(f"{SHARED_DIR} (shared Pabulib elections) is missing")
    if problems:
        raise pytest.UsageError("CI=true but: " + "; ".join(problems))


@pytest.fixture(autouse=True, scope="session")
def _plain_http_in_tests() -> None:
    """Deployment settings (DEBUG off) want HTTPS; the test client and live server speak HTTP.

    Session-scoped so that it holds before the live server builds its middleware.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Hashing demo and factory passwords with PBKDF2 would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def process_in_phase(db):
    """Factory fixture: a published process whose current phase is `kind`."""

    def make(kind: str = Phase.Kind.PROPOSALS, **process_fields):
        process = factories.ProcessFactory(**process_fields)
        now = timezone.now()
        factories.PhaseFactory(
            process=process,
            kind=kind,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=10),
        )
        return process

    return make


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Run tasks in-process, except in tests marked `worker`, which use the real worker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = request.node.get_closest_marker("worker") is None
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
