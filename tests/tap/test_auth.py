"""Credentials: a real OAuth token exchange with the emulator's token endpoint."""

from __future__ import annotations

import json

from ga_emulator.server import REVOKED_REFRESH_TOKEN
from tests.support.dataset import PROPERTY_ID, VIEW_ID, expected_rows
from tests.support.tap import run_tap

ROWS = len(expected_rows(PROPERTY_ID)) + len(expected_rows(VIEW_ID))


def test_service_account_json_gets_a_token_and_pulls(
    config, emulator, tmp_path, service_account_key, private_key_pem
):
    run = run_tap(
        {**config, "credentials_json": json.dumps(service_account_key)}, tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert len(run.records) == ROWS
    assert emulator.state.tokens, "the tap exchanged a signed JWT for a token"
    assert private_key_pem.splitlines()[1] not in run.stderr


def test_key_file_location(config, emulator, tmp_path, service_account_key):
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(service_account_key))
    run = run_tap({**config, "key_file_location": str(key_file)}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.records) == ROWS


def test_oauth_refresh_token(config, emulator, tmp_path):
    oauth = {
        "client_id": "client.apps.googleusercontent.com",
        "client_secret": "very-secret-value",
        "refresh_token": "1//refresh",
        "token_uri": f"{emulator.url}/token",
    }
    run = run_tap({**config, "oauth_credentials": oauth}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.records) == ROWS
    assert "very-secret-value" not in run.stderr


def test_revoked_refresh_token_stops_with_a_reason(config, emulator, tmp_path):
    oauth = {
        "client_id": "client.apps.googleusercontent.com",
        "client_secret": "very-secret-value",
        "refresh_token": REVOKED_REFRESH_TOKEN,
        "token_uri": f"{emulator.url}/token",
    }
    run = run_tap({**config, "oauth_credentials": oauth}, tmp_path)
    assert run.returncode != 0
    assert (
        "oauth_credentials: the token endpoint refused the credentials:"
        " invalid_grant: Token has been expired or revoked." in run.stderr
    )
    assert not run.states, "no state from a run that pulled nothing"
    assert "very-secret-value" not in run.stderr
