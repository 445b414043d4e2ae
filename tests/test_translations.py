"""Every user-facing string is translatable, and the French catalogue is complete."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import ON_CI

ROOT = Path(__file__).resolve().parents[1]
FRENCH = "frontend/locale/fr/LC_MESSAGES/django.po"
SOURCES = ["config", "participation", "proposals", "votes", "frontend", "manage.py"]


def _untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]


def test_french_catalogue_has_no_missing_or_fuzzy_translation():
    po = polib.pofile(str(ROOT / FRENCH))
    assert _untranslated(po) == []


def test_french_catalogue_covers_every_string_of_the_code(tmp_path):
    """Extract the strings again from a copy of the sources: none may be new or untranslated."""
    if shutil.which("xgettext") is None:
        if ON_CI:
            pytest.fail("GNU gettext (xgettext) is needed to extract the messages")
        pytest.skip("GNU gettext (xgettext) is not installed")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "static")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=ignore)
        else:
            shutil.copy(source, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    po = polib.pofile(str(tmp_path / FRENCH))
    assert _untranslated(po) == [], "run `make messages` and translate the new strings"
