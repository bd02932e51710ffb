"""The two primitives every generated value comes from: seeded draws and SHA-256."""

from __future__ import annotations

import hashlib
import random


def sha256_hex(text: str) -> str:
    """SHA-256 hex digest, as Meltano hashed environment names and the like."""
    return hashlib.sha256(text.encode()).hexdigest()


def seeded_rng(*parts: object) -> random.Random:
    """A random generator seeded by ``parts``: the same draws on every run."""
    return random.Random(":".join(str(p) for p in parts))
