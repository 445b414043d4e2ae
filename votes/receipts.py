"""Receipt codes: the secret a voter keeps to check and change their ballot.

A code carries 140 random bits written in Crockford's base 32 (no I, L, O or U, so it reads
aloud and copies by hand without ambiguity), in seven groups of four: ``7KQ2-…``. The ballot
stores only the SHA-256 of the normalised code; the voter record stores a keyed hash of it
(``receipt_tag``) so that only the code's holder can change the ballot.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 7
GROUP_SIZE = 4
CODE_LENGTH = GROUPS * GROUP_SIZE  # 28 symbols x 5 bits = 140 bits
# What people type by mistake, read back as the symbol they meant.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def receipt_new() -> str:
    """A fresh receipt code, e.g. ``7KQ2-M9XD-…`` (140 bits from the OS' secure generator)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(
        symbols[start : start + GROUP_SIZE] for start in range(0, CODE_LENGTH, GROUP_SIZE)
    )


def receipt_normalise(code: str) -> str | None:
    """The code's symbols without separators, upper-cased; None if it cannot be a code."""
    symbols = "".join(code.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(symbols) != CODE_LENGTH or any(symbol not in ALPHABET for symbol in symbols):
        return None
    return symbols


def receipt_hash(code: str) -> str:
    """SHA-256 (hex) of the normalised code: what a ballot stores (ValueError if malformed)."""
    symbols = receipt_normalise(code)
    if symbols is None:
        raise ValueError("not a receipt code")
    return hashlib.sha256(symbols.encode()).hexdigest()


def receipt_tag(code: str) -> str:
    """Keyed hash of the normalised code: what the voter record stores."""
    symbols = receipt_normalise(code)
    if symbols is None:
        raise ValueError("not a receipt code")
    key = settings.CENSUS_KEY.encode()
    return hmac.new(key, b"receipt:" + symbols.encode(), hashlib.sha256).hexdigest()
