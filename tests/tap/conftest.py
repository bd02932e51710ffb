"""Fixtures of the tap's credential tests: a real RSA key and a key file for it."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@pytest.fixture(scope="module")
def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def service_account_key(emulator, private_key_pem) -> dict:
    return {
        "type": "service_account",
        "project_id": "meltano-telemetry",
        "private_key_id": "abc123",
        "private_key": private_key_pem,
        "client_email": "tap@meltano-telemetry.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": f"{emulator.url}/token",
    }
