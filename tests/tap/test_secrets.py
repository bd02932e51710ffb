"""No credential ever shows in a message: every error path, with marker values.

Each credential setting, as a JSON string and as an object, goes through each
way it can be wrong (type, JSON, shape, a damaged or foreign key, a refused or
unreachable token endpoint). The tap must stop with exit 1 and one line naming
the setting and the cause, before any report request, and no marker may
appear in stdout (records, state), stderr or anywhere else it prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ga_emulator.server import REVOKED_REFRESH_TOKEN, REVOKED_SERVICE_ACCOUNT
from tests.support.tap import run_tap

MARKER = "SECRETMARKER"
NUMBER_MARKER = 7357735773
#: A port nothing listens on.
UNREACHABLE = "http://127.0.0.1:9/token"
DAMAGED = "does not load as an RSA private key"
NOT_SECRET = "(value not shown: secret)"
#: A valid private key of the wrong kind: Google keys are RSA.
EC_PEM = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode()
)


@dataclass
class Case:
    """One way a credential setting can be wrong, and the line it must give."""

    setting: str
    value: Any
    message: str
    #: Pass the value through a TAP_GA_LEGACY_* variable (``--config ENV``).
    env: bool = False
    #: Further texts that must not appear (a real key's body, a number).
    secrets: list[str] = field(default_factory=list)


def _pem_body_line(pem: str) -> str:
    return pem.splitlines()[2]


def _oauth(emulator_url: str, **change: Any) -> dict[str, Any]:
    return {
        "client_id": f"{MARKER}-client.apps.googleusercontent.com",
        "client_secret": f"{MARKER}-client-secret",
        "refresh_token": f"1//{MARKER}-refresh",
        "token_uri": f"{emulator_url}/token",
        **change,
    }


def _cases(key: dict[str, Any], emulator_url: str) -> dict[str, Case]:
    pem = key["private_key"]
    real_line = _pem_body_line(pem)
    lines = pem.splitlines()
    damaged_pem = "\n".join([lines[0], MARKER, *lines[2:]])
    truncated_pem = "\n".join(lines[: len(lines) // 2])
    authorized_user = _oauth(emulator_url, type="authorized_user")
    sa = "credentials_json"
    oa = "oauth_credentials"
    refused_oauth = "the token endpoint refused the credentials: invalid_grant:"
    return {
        # -- credentials_json ------------------------------------------------
        "sa-number": Case(
            sa, NUMBER_MARKER, f"{sa}: must be string or object, not an integer"
        ),
        "sa-array": Case(sa, [MARKER], f"{sa}: must be string or object, not an array"),
        "sa-bad-json": Case(sa, "{" + MARKER, f"{sa} is not JSON;"),
        "sa-json-array": Case(sa, json.dumps([MARKER]), f"{sa} is not an object;"),
        "sa-oauth-shape": Case(
            sa, authorized_user, "It holds OAuth user credentials: set them as oauth"
        ),
        "sa-oauth-shape-json": Case(
            sa, json.dumps(authorized_user), "is not a service-account key"
        ),
        "sa-no-email": Case(
            sa,
            {**key, "client_email": "", "private_key": MARKER},
            "missing client_email",
        ),
        "sa-key-not-text": Case(
            sa, {**key, "private_key": [MARKER]}, "private_key must be a string"
        ),
        "sa-damaged-key": Case(sa, {**key, "private_key": damaged_pem}, DAMAGED),
        "sa-damaged-key-json": Case(
            sa, json.dumps({**key, "private_key": damaged_pem}), DAMAGED
        ),
        "sa-truncated-key": Case(
            sa, {**key, "private_key": truncated_pem}, DAMAGED, secrets=[real_line]
        ),
        "sa-ec-key": Case(
            sa,
            {**key, "private_key": EC_PEM},
            DAMAGED,
            secrets=[_pem_body_line(EC_PEM)],
        ),
        "sa-refused": Case(
            sa,
            json.dumps({**key, "client_email": REVOKED_SERVICE_ACCOUNT}),
            f"{sa}: the token endpoint refused the credentials: invalid_grant:"
            " Invalid JWT Signature.",
            secrets=[real_line],
        ),
        "sa-unreachable": Case(
            sa,
            {**key, "token_uri": UNREACHABLE},
            f"{sa}: cannot reach the token endpoint http://127.0.0.1:9:",
            secrets=[real_line],
        ),
        "sa-from-env": Case(
            sa, "{" + MARKER, f"{sa} is not JSON;", env=True, secrets=[real_line]
        ),
        # -- oauth_credentials -----------------------------------------------
        "oauth-number": Case(
            oa, NUMBER_MARKER, f"{oa}: must be object or string, not an integer"
        ),
        "oauth-bad-json": Case(oa, "{" + MARKER, f"{oa} is not JSON;"),
        "oauth-json-array": Case(oa, json.dumps([MARKER]), f"{oa} is not an object;"),
        "oauth-no-refresh-token": Case(
            oa, _oauth(emulator_url, refresh_token=""), f"{oa} is missing refresh_token"
        ),
        "oauth-secret-not-text": Case(
            oa,
            _oauth(emulator_url, client_secret=NUMBER_MARKER),
            f"{oa}.client_secret: must be string, not an integer {NOT_SECRET}",
        ),
        "oauth-secret-not-text-json": Case(
            oa,
            json.dumps(_oauth(emulator_url, client_secret=NUMBER_MARKER)),
            f"{oa}: client_secret must be a string.",
        ),
        "oauth-token-uri-not-text": Case(
            oa,
            _oauth(emulator_url, token_uri=NUMBER_MARKER),
            f"{oa}.token_uri: must be string, not an integer {NOT_SECRET}",
        ),
        "oauth-refused": Case(
            oa,
            _oauth(emulator_url, refresh_token=REVOKED_REFRESH_TOKEN),
            f"{oa}: {refused_oauth} Token has been expired or revoked.",
        ),
        "oauth-refused-json": Case(
            oa,
            json.dumps(_oauth(emulator_url, refresh_token=REVOKED_REFRESH_TOKEN)),
            f"{oa}: {refused_oauth} Token has been expired or revoked.",
        ),
        "oauth-refused-from-env": Case(
            oa,
            json.dumps(_oauth(emulator_url, refresh_token=REVOKED_REFRESH_TOKEN)),
            f"{oa}: {refused_oauth} Token has been expired or revoked.",
            env=True,
        ),
        "oauth-bad-json-from-env": Case(
            oa, "{" + MARKER, f"{oa} is not JSON;", env=True
        ),
        "oauth-unreachable": Case(
            oa,
            _oauth(emulator_url, token_uri=UNREACHABLE),
            f"{oa}: cannot reach the token endpoint http://127.0.0.1:9:",
        ),
    }


@pytest.fixture
def cases(service_account_key, emulator) -> dict[str, Case]:
    return _cases(service_account_key, emulator.url)


#: The case names, known before the emulator and the key exist.
CASE_IDS = list(_cases({"private_key": "a\nb\nc\nd"}, "http://127.0.0.1:1"))


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_no_secret_in_any_message(
    config, emulator, tmp_path, cases: dict[str, Case], case_id: str
) -> None:
    case = cases[case_id]
    env = {}
    if case.env:
        env[f"TAP_GA_LEGACY_{case.setting.upper()}"] = (
            case.value if isinstance(case.value, str) else json.dumps(case.value)
        )
        run = run_tap(config, tmp_path, args=("--config", "ENV"), env=env)
    else:
        run = run_tap({**config, case.setting: case.value}, tmp_path)
    printed = run.stdout + run.stderr
    assert run.returncode == 1, printed[-2000:]
    assert case.message in run.stderr, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    for secret in (MARKER, str(NUMBER_MARKER), *case.secrets):
        assert secret not in printed
    assert not run.records
    assert not run.states
    assert emulator.state.requests == [], "no report request before the stop"
    errors = [line for line in run.stderr.splitlines() if "| ERROR" in line]
    # The cause, then (for a config check) the SDK's closing summary.
    assert errors[0].endswith(case.message) or case.message in errors[0]
    assert len(errors) <= 2, errors
