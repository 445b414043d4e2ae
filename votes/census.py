"""Residents lists (census) and people known by keyed hashes only.

Identifiers are normalised (Unicode NFKC, case, spaces and separators removed) and then reduced
to an HMAC-SHA256 with ``settings.CENSUS_KEY``, scoped to the process so that the same
identifier gives unrelated hashes in two processes. Nothing here is stored in clear.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from django.conf import settings

from participation.models import Process

MAX_IDENTIFIER_LENGTH = 200
_SEPARATORS = re.compile(r"[\s\-_./]+")


def identifier_normalise(identifier: str) -> str:
    """The identifier as compared: NFKC, case-folded, without spaces and separators."""
    text = unicodedata.normalize("NFKC", identifier).casefold()
    return _SEPARATORS.sub("", text)


def _keyed_hash(process: Process, kind: str, text: str) -> str:
    message = f"{kind}:{process.pk}:{text}".encode()
    return hmac.new(settings.CENSUS_KEY.encode(), message, hashlib.sha256).hexdigest()


def identifier_hash(process: Process, identifier: str) -> str:
    """Keyed hash of a census identifier in this process (what CensusEntry stores)."""
    return _keyed_hash(process, "census", identifier_normalise(identifier))


def person_hash(process: Process, *, full_name: str, birth_date: date) -> str:
    """Keyed hash of a person met by a mediator, known by name and date of birth."""
    name = unicodedata.normalize("NFKD", full_name).casefold()
    name = "".join(char for char in name if not unicodedata.combining(char))
    name = " ".join(re.sub(r"[^\w]+", " ", name).split())
    return _keyed_hash(process, "person", f"{name}:{birth_date.isoformat()}")


def identifiers_parse(text: str) -> list[str]:
    """Identifiers from pasted text or a CSV file: the first column of each non-empty line.

    A first line that looks like a header (``identifier``, ``id``, ``identifiant``…) is skipped.
    """
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    identifiers = []
    for row in csv.reader(io.StringIO(text), dialect):
        if row and row[0].strip():
            identifiers.append(row[0].strip())
    if identifiers and identifier_normalise(identifiers[0]) in _HEADERS:
        identifiers = identifiers[1:]
    return identifiers


_HEADERS = {"id", "identifier", "identifiers", "identifiant", "identifiants", "numero", "numéro"}


def identifiers_valid(identifiers: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split identifiers into usable ones and rejected ones (empty once normalised, too long)."""
    usable, rejected = [], []
    for identifier in identifiers:
        normalised = identifier_normalise(identifier)
        if normalised and len(normalised) <= MAX_IDENTIFIER_LENGTH:
            usable.append(identifier)
        else:
            rejected.append(identifier)
    return usable, rejected
