"""A real Celery worker process for the tests that exercise tasks through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import ON_CI

ROOT = Path(__file__).resolve().parents[1]


def require_real_services() -> None:
    """Skip (or fail under CI) unless PostgreSQL and Redis are configured."""
    reasons = []
    if connection.vendor != "postgresql":
        reasons.append("the database is not PostgreSQL (set DATABASE_URL)")
    if not settings.REDIS_URL:
        reasons.append("no Redis (set REDIS_URL)")
    if reasons:
        message = "a real Celery worker needs " + " and ".join(reasons)
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def celery_worker(mail_dir: Path) -> Iterator[subprocess.Popen]:
    """Start `celery worker` on the test database; stop it afterwards."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "-Q", "celery,notifications,results", "--pool", "solo", "--concurrency", "1",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
    ]  # fmt: skip
    log_path = mail_dir / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def wait_for(condition: Callable[[], bool], *, seconds: float = 60, log: Path | None = None):
    """Poll until `condition()` holds; fail with the worker's log if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    detail = log.read_text()[-4000:] if log and log.exists() else ""
    pytest.fail(f"condition not met within {seconds} s; worker log:\n{detail}")
