"""Bad config stops the tap before any request, with a message naming the problem."""

from __future__ import annotations

import json

import pytest

from tap_ga_legacy.settings import CONFIG_SCHEMA
from tests.support.tap import run_tap

SERVICE_ACCOUNT_LIKE_OAUTH_CLIENT = json.dumps(
    {"installed": {"client_id": "x.apps.googleusercontent.com", "client_secret": "s"}}
)


#: Config a schema check, a settings check or the credentials check refuses,
#: and the message that names the problem.
BAD_CONFIG = [
    pytest.param(
        {"start_date": "2021-03-10", "end_date": "2021-03-01"},
        "end_date 2021-03-01 is before start_date 2021-03-10",
        id="end-before-start",
    ),
    pytest.param(
        {"start_date": "2021-02-30"},
        "start_date: '2021-02-30' is not a valid date",
        id="no-such-day",
    ),
    pytest.param(
        {"end_date": "03/01/2021"},
        "end_date: '03/01/2021' is not a valid date",
        id="wrong-format",
    ),
    pytest.param(
        {"property_ids": [], "view_ids": []},
        "Set property_ids (GA4), view_ids (Universal Analytics), ui_view_ids"
        " (Meltano UI's pageviews) or archive_files: there is nothing to pull.",
        id="nothing-to-pull",
    ),
    pytest.param(
        {"view_ids": ["UA-132758957-3"]},
        "view_ids: 'UA-132758957-3' is not a GA id",
        id="tracking-id-not-view-id",
    ),
    pytest.param(
        {"credentials_json": SERVICE_ACCOUNT_LIKE_OAUTH_CLIENT},
        "credentials_json is not a service-account key",
        id="oauth-client-file-as-key",
    ),
    pytest.param(
        {"credentials_json": "{not json"},
        "credentials_json is not JSON",
        id="credentials-not-json",
    ),
    pytest.param(
        {"key_file_location": "/nonexistent/key.json"},
        "key_file_location: cannot read /nonexistent/key.json",
        id="missing-key-file",
    ),
    pytest.param(
        {"oauth_credentials": {"client_id": "x", "client_secret": "y"}},
        "oauth_credentials is missing refresh_token",
        id="oauth-without-refresh-token",
    ),
    pytest.param(
        {"view_ids": ["188392047", "0188392047"]},
        "view_ids: lists id 188392047 2 times ('188392047', '0188392047'):"
        " list it once.",
        id="same-id-written-twice",
    ),
    pytest.param(
        {"property_ids": ["١٨٨٣٩٢٠٤٧"]},
        "property_ids: '١٨٨٣٩٢٠٤٧' is not a GA id; expected ASCII digits only",
        id="arabic-indic-digits",
    ),
    pytest.param(
        {"view_ids": ["¹²³"]},
        "view_ids: '¹²³' is not a GA id; expected ASCII digits only",
        id="superscript-digits",
    ),
    pytest.param(
        {"archive_files": [{"path": "a.csv", "view_id": "٣"}]},
        "archive_files[0].view_id: '٣' is not a GA id",
        id="archive-view-id-digits",
    ),
    pytest.param(
        {"backoff_max_seconds": -1},
        "backoff_max_seconds: -1 is less than the minimum, 0.",
        id="negative-backoff",
    ),
    pytest.param(
        {"request_timeout_seconds": 1e300},
        "request_timeout_seconds: 1e+300 is more than the maximum, 86400.",
        id="endless-timeout",
    ),
    pytest.param(
        {"lookback_days": 800000},
        "lookback_days: 800000 is more than the maximum, 3660.",
        id="lookback-before-year-1",
    ),
    pytest.param(
        {"finality_hours": 100000000},
        "finality_hours: 1e+08 is more than the maximum, 8784.",
        id="finality-before-year-1",
    ),
    pytest.param(
        {"start_date": "9999-12-31", "end_date": "9999-12-31"},
        "start_date: 9999-12-31 is in the future (today is ",
        id="start-in-year-9999",
    ),
    pytest.param(
        {"lookback_days": "abc"},
        "lookback_days: 'abc' is not of type 'integer', 'null'",
        id="wrong-type-is-not-parsed",
    ),
    pytest.param(
        {"ui_view_ids": ["UA-132758957-2"]},
        "ui_view_ids: 'UA-132758957-2' is not a GA id",
        id="ui-tracking-id-not-view-id",
    ),
    pytest.param(
        {"ui_view_ids": ["188384771", "0188384771"]},
        "ui_view_ids: lists id 188384771 2 times ('188384771', '0188384771'):"
        " list it once.",
        id="ui-view-written-twice",
    ),
    pytest.param(
        {"ui_page_titles": "yes"},
        "ui_page_titles: 'yes' is not of type 'boolean'",
        id="ui-page-titles-not-boolean",
    ),
    pytest.param(
        {"dimensions": {"pageviews": {"page": "ga:pagePath"}}},
        "dimensions.pageviews: Additional properties are not allowed ('page'",
        id="unknown-pageviews-role",
    ),
    pytest.param(
        {"archive_files": [{"path": "a.csv", "view_id": "1", "format": "xls"}]},
        "archive_files.0.format: 'xls' is not one of ['events', 'pages',"
        " 'ua_interface_csv']",
        id="unknown-archive-format",
    ),
    pytest.param(
        {
            "archive_files": [
                {
                    "path": "a.csv",
                    "view_id": "1",
                    "format": "pages",
                    "columns": {"Projekt": "Event Label"},
                }
            ]
        },
        "archive_files[0].columns: 'Projekt': 'Event Label': map each column"
        " name to one of 'Date', 'Page', 'Page Title', 'Project ID', 'Meltano"
        " Version', 'Pageviews', 'Unique Pageviews', 'Day Index'.",
        id="pages-columns-map-to-page-roles",
    ),
    pytest.param(
        {"transport": "http2"},
        "transport: 'http2' is not one of ['rest', 'grpc']",
        id="unknown-transport",
    ),
]


def _refused(run, message: str, emulator) -> None:
    assert run.returncode != 0
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert not run.stdout, "nothing may be written to stdout, least of all state"
    assert emulator.state.requests == []


@pytest.mark.parametrize(("change", "message"), BAD_CONFIG)
def test_bad_config_fails_before_any_request(
    config: dict, emulator, tmp_path, change: dict, message: str
) -> None:
    _refused(run_tap({**config, **change}, tmp_path), message, emulator)


@pytest.mark.parametrize(
    ("change", "message"),
    [p for p in BAD_CONFIG if p.id in ("no-such-day", "credentials-not-json")],
)
def test_bad_config_exits_non_zero_in_a_shell(
    config: dict, emulator, tmp_path, change: dict, message: str
) -> None:
    """The executable, for the exit status and stderr a shell sees: one settings
    check and one credentials check (tests/tap/test_runners.py shows the
    in-process runs above tell the same)."""
    _refused(run_tap({**config, **change}, tmp_path, cli=True), message, emulator)


def test_secrets_never_reach_the_log(config: dict, tmp_path) -> None:
    secret = "-----BEGIN PRIVATE KEY-----\\nTOPSECRETKEYMATERIAL\\n-----END"
    key = json.dumps({"type": "authorized_user", "private_key": secret})
    run = run_tap({**config, "credentials_json": key}, tmp_path, cli=True)
    assert run.returncode != 0
    assert "TOPSECRETKEYMATERIAL" not in run.stderr


def test_discovery_needs_no_credentials_or_ids(tmp_path) -> None:
    run = run_tap({}, tmp_path, args=("--discover",))
    assert run.returncode == 0, run.stderr
    catalog = json.loads(run.stdout)
    events, pageviews, windows = catalog["streams"]
    assert events["tap_stream_id"] == "events"
    assert events["key_properties"] == ["event_key", "origin"]
    assert events["replication_key"] == "event_date"
    assert pageviews["tap_stream_id"] == "pageviews"
    assert pageviews["key_properties"] == ["pageview_key", "origin"]
    assert pageviews["replication_key"] == "event_date"
    assert windows["tap_stream_id"] == "report_windows"
    assert windows["key_properties"] == [
        "property_id",
        "api",
        "first_day",
        "last_day",
        "extracted_at",
    ]


def test_no_credentials_and_no_endpoint_is_one_clear_line(config, tmp_path):
    gcloud = tmp_path / "gcloud"  # no gcloud ADC file to fall back on
    env_config = {k: v for k, v in config.items() if k != "api_endpoint"}
    os_env = {"CLOUDSDK_CONFIG": str(gcloud), "GOOGLE_APPLICATION_CREDENTIALS": ""}
    run = run_tap(env_config, tmp_path, env=os_env, cli=True)
    assert run.returncode == 1
    assert "No credentials: set credentials_json" in run.stderr
    assert "or set api_endpoint to use the GA emulator" in run.stderr
    assert "Traceback" not in run.stderr
    assert not run.states


def test_every_numeric_setting_is_bounded_in_the_schema() -> None:
    """--about and Meltano show the bounds the check applies."""
    numeric = {
        name: schema
        for name, schema in CONFIG_SCHEMA["properties"].items()
        if {"integer", "number"} & set(schema["type"])
    }
    unbounded = [name for name, schema in numeric.items() if "maximum" not in schema]
    assert unbounded == ["page_size"], "page_size alone is capped, not refused"
    assert (
        "Greater than 0, at most 86400."
        in (numeric["request_timeout_seconds"]["description"])
    )


def test_a_choice_given_as_null_takes_its_default(config: dict, tmp_path) -> None:
    """A JSON config may hold null for a setting it leaves unset."""
    unset = {"transport": None, "on_sampled": None}
    run = run_tap({**config, **unset}, tmp_path)
    (tmp_path / "default").mkdir()
    default = run_tap(config, tmp_path / "default")
    assert run.returncode == 0, run.stderr
    assert run.records
    assert run.records == default.records
