"""The tap's settings: the JSON schema users see, and the checks beyond it.

JSON Schema catches wrong types, values out of bounds and choices that do not
exist (``schema_errors``, which never quotes a secret); ``parse_settings``
catches the rest (dates that do not exist, a range that ends before it starts,
no property at all, an id that is not one) and turns a config dict into
``Settings``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from singer_sdk import typing as th
from singer_sdk.typing import (
    DEFAULT_JSONSCHEMA_VALIDATOR,
    extend_validator_with_defaults,
)

if TYPE_CHECKING:
    from jsonschema import ValidationError

from tap_ga_legacy.archive_files import COLUMN_ROLES, EVENTS_FORMAT
from tap_ga_legacy.errors import RETRIABLE_REASONS, RETRIABLE_STATUSES
from tap_ga_legacy.reports import EVENTS, PAGEVIEWS, SPECS

if TYPE_CHECKING:
    from tap_ga_legacy.reports import Report, ReportSpec

#: What an ``archive_files`` entry can read (archive_files.COLUMN_ROLES), by
#: the name a config gives it. ``ua_interface_csv`` is the older name of
#: ``events``, kept so that configs written before ``pages`` still work.
ARCHIVE_FORMATS = {
    **{name: name for name in COLUMN_ROLES},
    "ua_interface_csv": EVENTS_FORMAT,
}
GA4_MAX_PAGE_SIZE = 250_000
UA_MAX_PAGE_SIZE = 100_000
#: Upper bounds of the numeric settings: beyond them a run cannot work (a
#: date before year 1, a sleep or timeout the OS refuses, a float overflow in
#: the backoff), and no sensible config comes near them.
MAX_WINDOW_DAYS = 366
MAX_LOOKBACK_DAYS = 3660
MAX_FINALITY_HOURS = 8784
MAX_WAIT_SECONDS = 86_400
MAX_RETRIES = 100

#: The events report's GA names per API (reports.EVENTS declares them).
UA_DEFAULT_FIELDS = dict(EVENTS.defaults["ua"])
GA4_DEFAULT_FIELDS = dict(EVENTS.defaults["ga4"])


def _or(items: list) -> str:
    """``a, b or c``."""
    words = [str(item) for item in items]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _bounded(
    name: str,
    kind: type[th.IntegerType | th.NumberType],
    low: float,
    high: float,
    description: str,
    *,
    above: bool = False,
    **kwargs: Any,
) -> th.Property:
    """A numeric setting whose bounds are in its schema and its description.

    ``above``: ``low`` itself is refused. The description says the bounds so
    that Meltano's and ``--about``'s tables show them too.
    """
    limit = {"exclusive_minimum": low} if above else {"minimum": low}
    bounds = f"greater than {low:g}" if above else f"at least {low:g}"
    return th.Property(
        name,
        kind(**limit, maximum=high),
        description=f"{description} {bounds.capitalize()}, at most {high:g}.",
        **kwargs,
    )


def _choice(name: str, title: str, what: str, choices: dict[str, str]) -> th.Property:
    """A setting of fixed choices, the first its default, each explained.

    The schema's ``enum`` and the description come from ``choices`` alone, so
    Meltano's options and the docs name the same values. The enum holds null
    too, as the setting's type does: null means the default.
    """
    explained = [f"`{value}` ({why})" for value, why in choices.items()]
    return th.Property(
        name,
        th.StringType(allowed_values=[*choices, None]),
        default=next(iter(choices)),
        title=title,
        description=f"{what}: {_or(explained)}.",
    )


def _ids_setting(
    name: str, title: str, example: str, description: str, **kwargs: Any
) -> th.Property:
    """A setting listing GA ids; its description says how ``_ids`` reads them."""
    return th.Property(
        name,
        th.ArrayType(th.StringType),
        title=title,
        examples=[[example]],
        description=f"{description} ASCII digits, compared as numbers:"
        f" `0{example}` is `{example}`.",
        **kwargs,
    )


def _fields_schema(
    name: str, spec: ReportSpec, api: str, what: str = ""
) -> th.Property:
    """The ``dimensions`` entry ``name``: ``spec``'s GA names for ``api``."""
    return th.Property(
        name,
        th.ObjectType(
            *(
                th.Property(
                    role,
                    th.StringType,
                    default=spec.defaults[api][role],
                    description=f"{api.upper()} field for {spec.descriptions[role]}.",
                )
                for role in spec.roles
            ),
            additional_properties=False,
        ),
        description=f"{what or api.upper()} field names; unset keys keep their"
        " defaults.",
    )


#: What to pull: GA4 properties, UA views, interface exports, and the API
#: field names of each column.
_SOURCES = (
    _ids_setting(
        "property_ids",
        "GA4 property ids",
        "312647579",
        "GA4 property ids to pull through the Data API.",
    ),
    _ids_setting(
        "view_ids",
        "UA view ids",
        "188392047",
        "Universal Analytics view ids to pull through the Reporting API v4"
        " (Meltano's CLI view was `188392047`).",
    ),
    _ids_setting(
        "ui_view_ids",
        "UA views of Meltano UI",
        "188384771",
        "Universal Analytics view ids whose pageviews to pull into the"
        " `pageviews` stream (Meltano UI's view was `188384771`, property"
        " UA-132758957-2); none by default.",
        default=[],
    ),
    th.Property(
        "ui_page_titles",
        th.BooleanType,
        default=False,
        title="UI page titles",
        description="Also ask for `ga:pageTitle` in the `pageviews` report: rows"
        " then split by title too, and `page_title` is filled (null otherwise).",
    ),
    th.Property(
        "archive_files",
        th.ArrayType(
            th.ObjectType(
                th.Property(
                    "path",
                    th.StringType,
                    required=True,
                    description="Glob of the files, e.g. `exports/*.csv` (relative"
                    " to the directory the tap runs in; `**` matches subfolders), or"
                    " one file's name, taken as is when that file exists.",
                ),
                th.Property(
                    "view_id",
                    th.StringType,
                    required=True,
                    description="The UA view id the files were exported from; their"
                    " rows are keyed on it like the API's.",
                ),
                th.Property(
                    "format",
                    th.StringType(allowed_values=list(ARCHIVE_FORMATS)),
                    default=EVENTS_FORMAT,
                    description="What the files hold, as saved from the UA"
                    " interface (Export > CSV): `events` (Top Events, into"
                    " `events`; `ua_interface_csv` is its older name) or `pages`"
                    " (a custom report of Date, Page, Project ID, Meltano Version,"
                    " Pageviews and Unique Pageviews, into `pageviews`).",
                ),
                th.Property(
                    "columns",
                    th.ObjectType(additional_properties=th.StringType),
                    description="For an export in an interface language the tap"
                    " does not know (it knows en, de, nl, fr, es): each column name"
                    " of the files mapped to GA's English one, e.g. `{\"Kategorie"
                    ' události": "Event Category"}` (`Date`, `Event Category`,'
                    " `Event Action`, `Event Label`, `Total Events`, `Day Index`; for"
                    " `pages`: `Page`, `Page Title`, `Project ID`, `Meltano"
                    " Version`, `Pageviews`, `Unique Pageviews`).",
                ),
                additional_properties=False,
            )
        ),
        title="Archive files",
        examples=[[{"path": "exports/*.csv", "view_id": "188392047"}]],
        description="GA interface CSV exports to read into the `events` stream,"
        " or `pageviews` with `format: pages` (`origin` `archive_file`), for"
        " days GA can no longer serve. A file is read again only when its"
        " content changed (state keeps each file's path and SHA-256); a"
        " malformed file, or a path that matches no file, stops the tap. Column"
        " names as the interface writes them in en, de, nl, fr or es, or mapped"
        " by `columns` (docs/archive-files.md).",
    ),
    th.Property(
        "dimensions",
        th.ObjectType(
            _fields_schema("ga4", EVENTS, "ga4"),
            _fields_schema("ua", EVENTS, "ua"),
            _fields_schema("pageviews", PAGEVIEWS, "ua", "The pageviews report's UA"),
            additional_properties=False,
        ),
        title="API field names",
        examples=[{"ga4": {"project_dimension": "customEvent:project_id"}}],
        description="API field names of each column: the `events` stream's per API"
        " (`ga4` and `ua` objects with keys "
        + ", ".join(f"`{r}`" for r in EVENTS.roles)
        + "), and the `pageviews` stream's (UA only: a `pageviews` object with keys "
        + ", ".join(f"`{r}`" for r in PAGEVIEWS.roles)
        + ").",
    ),
)

#: Which days, in what report windows, and when a day is final.
_WINDOWS = (
    th.Property(
        "start_date",
        th.DateType,
        required=True,
        title="Start date",
        examples=["2019-06-01"],
        description="First day to pull (YYYY-MM-DD) when a property has no state;"
        " not a day in the future.",
    ),
    th.Property(
        "end_date",
        th.DateType,
        title="End date",
        examples=["2022-06-03"],
        description="Last day to pull, inclusive (YYYY-MM-DD). Default: yesterday"
        " in the property's own time zone (GA4 `metadata.timeZone`; UTC for UA"
        " views) by Google's clock, since GA's current day is incomplete. Not a"
        " day in the future; a saved bookmark after it stops the run (clear the"
        " state to pull again).",
    ),
    _bounded(
        "lookback_days",
        th.IntegerType,
        0,
        MAX_LOOKBACK_DAYS,
        "On incremental runs, pull this many days up to and including"
        " the bookmark again: GA data keeps changing for 24-48 h.",
        default=3,
        title="Lookback days",
    ),
    _bounded(
        "window_days",
        th.IntegerType,
        1,
        MAX_WINDOW_DAYS,
        "Days of the first report window. State is saved after each"
        " window, so a killed run resumes there. A window GA answers sampled or"
        " with `(other)` rows is split in halves down to single days; a window"
        " whose rows fill under a quarter of a page lets the next one double, up"
        " to `max_window_days`.",
        default=7,
        title="Window days",
    ),
    _bounded(
        "max_window_days",
        th.IntegerType,
        1,
        MAX_WINDOW_DAYS,
        "Largest window that growing windows reach (sparse history"
        " then costs a few requests a year instead of one a week).",
        default=31,
        title="Max window days",
    ),
    _bounded(
        "finality_hours",
        th.IntegerType,
        0,
        MAX_FINALITY_HOURS,
        "GA4: a day is final once this many hours have passed since"
        " its end in the property's time zone. Rows of days not final yet are"
        " emitted, but the bookmark never passes the last final day, so the next"
        " run pulls them again whatever `lookback_days` says (UA: until"
        " `isDataGolden`).",
        default=72,
        title="Finality hours",
    ),
    _choice(
        "on_sampled",
        "On sampled",
        "What to do with a single day GA still answers sampled or with `(other)` rows",
        {
            "split": "emit it, flag it in `report_windows`, warn",
            "fail": "stop without moving the bookmark, naming the property, the"
            " day and what GA reported",
        },
    ),
)

#: How the tap signs in; with none of these, anonymously to `api_endpoint`
#: or else with Application Default Credentials.
_CREDENTIALS = (
    th.Property(
        "credentials_json",
        th.CustomType({"type": ["string", "object"]}),
        secret=True,
        title="Service-account key JSON",
        examples=[
            json.dumps(
                {
                    "type": "service_account",
                    "client_email": "tap@example-project.iam.gserviceaccount.com",
                    "private_key": "-----BEGIN PRIVATE KEY-----\nPLACEHOLDER\n"
                    "-----END PRIVATE KEY-----\n",
                    "token_uri": "https://oauth2.googleapis.com/token",
                }
            )
        ],
        description="Service-account key: the key file's content, as a JSON string"
        " or an object.",
    ),
    th.Property(
        "key_file_location",
        th.StringType,
        title="Service-account key file",
        examples=["/path/to/service-account-key.json"],
        description="Path to a service-account key file.",
    ),
    th.Property(
        "oauth_credentials",
        # An object, or the JSON string of one, as an environment variable has it.
        th.CustomType(
            {
                **th.ObjectType(
                    th.Property(
                        "client_id",
                        th.StringType,
                        secret=True,
                        description="OAuth client id.",
                    ),
                    th.Property(
                        "client_secret",
                        th.StringType,
                        secret=True,
                        description="OAuth client secret.",
                    ),
                    th.Property(
                        "refresh_token",
                        th.StringType,
                        secret=True,
                        description="Refresh token granted for the"
                        " analytics.readonly scope.",
                    ),
                    th.Property(
                        "token_uri",
                        th.URIType,
                        description="Token endpoint; default Google's.",
                    ),
                ).type_dict,
                "type": ["object", "string"],
            }
        ),
        secret=True,
        title="OAuth credentials",
        examples=[
            {
                "client_id": "placeholder.apps.googleusercontent.com",
                "client_secret": "placeholder",
                "refresh_token": "placeholder",
            }
        ],
        description="OAuth user credentials: `client_id`, `client_secret` and"
        " `refresh_token`, as an object or a JSON string.",
    ),
)

#: How requests go: endpoint, transport, paging, timeouts, retries, quotas.
_REQUESTS = (
    th.Property(
        "api_endpoint",
        th.URIType,
        title="API endpoint",
        examples=["http://127.0.0.1:8080"],
        description="Base URL replacing Google's API hosts, e.g. the emulator's"
        " `http://127.0.0.1:PORT`. With it and no credentials the tap sends"
        " anonymous requests; without it and without credentials it uses"
        " Application Default Credentials.",
    ),
    _choice(
        "transport",
        "GA4 transport",
        "Transport of the GA4 client",
        {
            "rest": "JSON over HTTP, decoded without protobuf objects: fastest",
            "grpc": "the google-analytics-data gRPC client",
        },
    ),
    th.Property(
        "page_size",
        th.IntegerType(minimum=1),
        title="Page size",
        examples=[UA_MAX_PAGE_SIZE],
        description=f"Rows per request. Default and maximum: {GA4_MAX_PAGE_SIZE:,}"
        f" for GA4, {UA_MAX_PAGE_SIZE:,} for UA (larger values are capped). The"
        " tap asks for fewer when a page would exceed 16 MB of JSON, so memory"
        " stays flat whatever the page size.",
    ),
    _bounded(
        "request_timeout_seconds",
        th.NumberType,
        0,
        MAX_WAIT_SECONDS,
        "Seconds to wait for one API response before retrying it.",
        above=True,
        default=120,
        title="Request timeout (s)",
    ),
    _bounded(
        "max_retries",
        th.IntegerType,
        0,
        MAX_RETRIES,
        # Built from the sets the retry loop uses, so it names every code it retries.
        "Retries of a request failing with HTTP "
        + _or(sorted(RETRIABLE_STATUSES))
        + " (429 is RESOURCE_EXHAUSTED), an error whose reason is "
        + _or(sorted(RETRIABLE_REASONS))
        + " (UA reports rate limits as 403s with these), a timeout or a failed"
        " connection, with exponential backoff and jitter. A daily quota is never"
        " retried.",
        default=8,
        title="Max retries",
    ),
    _bounded(
        "backoff_base_seconds",
        th.NumberType,
        0,
        MAX_WAIT_SECONDS,
        "First backoff wait; it doubles with each retry.",
        above=True,
        default=2,
        title="Backoff base (s)",
    ),
    _bounded(
        "backoff_max_seconds",
        th.NumberType,
        0,
        MAX_WAIT_SECONDS,
        "Longest single backoff wait.",
        default=600,
        title="Backoff max (s)",
    ),
    _bounded(
        "max_quota_wait_seconds",
        th.IntegerType,
        0,
        MAX_WAIT_SECONDS,
        "GA4: when an hourly token quota is used up, wait for the next"
        " hour (timed by the server's `Date` header) if that is at most this many"
        " seconds; otherwise, or with 0, stop with state saved. A daily quota"
        " always stops the run with state saved.",
        default=3600,
        title="Max quota wait (s)",
    ),
    th.Property(
        "ua_use_resource_quotas",
        th.BooleanType,
        default=False,
        title="Use UA resource quotas",
        description="Send `useResourceQuotas` (Analytics 360 views only): higher"
        " sampling thresholds, and the response reports the tokens left.",
    ),
)

CONFIG_SCHEMA = th.PropertiesList(
    *_SOURCES, *_WINDOWS, *_CREDENTIALS, *_REQUESTS
).to_dict()


#: Validators whose message names properties, never quotes a value.
_NAME_ONLY_VALIDATORS = frozenset({"required", "additionalProperties"})
_BOUNDS = {
    "minimum": "less than the minimum,",
    "exclusiveMinimum": "not greater than",
    "maximum": "more than the maximum,",
}
_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


def _holds_secret(schema: Any) -> bool:
    if isinstance(schema, dict):
        return bool(schema.get("secret")) or any(map(_holds_secret, schema.values()))
    if isinstance(schema, list):
        return any(map(_holds_secret, schema))
    return False


def _secret_settings(schema: dict[str, Any]) -> frozenset[str]:
    """Top-level settings that are secret or hold a secret anywhere inside."""
    properties = schema.get("properties", {})
    return frozenset(name for name, sub in properties.items() if _holds_secret(sub))


def schema_errors(config: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """One message per JSON Schema violation in ``config``; secrets never quoted.

    jsonschema's messages quote the offending value (``'{"client_secret": ...}'
    is not of type 'object'``), so an error inside a setting that is or holds
    a secret gets a message of its own that names the setting, what was
    expected and the type that came, whatever that type is. Like the SDK's
    check, it fills in the schema's defaults.
    """
    validator = extend_validator_with_defaults(DEFAULT_JSONSCHEMA_VALIDATOR)(schema)
    secret = _secret_settings(schema)
    return [_message(error, secret) for error in validator.iter_errors(config)]


def _message(error: ValidationError, secret: frozenset[str]) -> str:
    path = list(error.absolute_path)
    where = ".".join(str(part) for part in path)
    if path and path[0] not in secret:
        if error.validator in _BOUNDS:
            # jsonschema would quote the number as the Decimal it was read as.
            return (
                f"{where}: {float(error.instance):g} is {_BOUNDS[error.validator]}"
                f" {error.validator_value:g}."
            )
        if error.validator == "enum":
            # The choices, without the null that stands for the default.
            choices = [v for v in error.validator_value if v is not None]
            return f"{where}: {error.instance!r} is not one of {choices!r}"
        return f"{where}: {error.message}"
    if not path and error.validator in _NAME_ONLY_VALIDATORS:
        return error.message
    came = _JSON_TYPE_NAMES.get(type(error.instance), "a value")
    if error.validator == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(t for t in expected if t != "null")
        problem = f"must be {wanted}, not {came}"
    else:
        problem = f"{came} that fails the schema's {error.validator!r} check"
    return f"{where or 'config'}: {problem} (value not shown: secret)."


#: Each setting's default, as declared above: the one place defaults are written.
DEFAULTS: dict[str, Any] = {
    name: schema["default"]
    for name, schema in CONFIG_SCHEMA["properties"].items()
    if "default" in schema
}


def _setting(config: dict[str, Any], name: str) -> Any:
    value = config.get(name)
    return DEFAULTS[name] if value is None else value


@dataclass(frozen=True)
class ArchiveSource:
    """One ``archive_files`` entry."""

    path: str
    view_id: str
    #: What the files hold: a key of archive_files.COLUMN_ROLES.
    format: str
    #: ``columns``: a file's column name -> GA's English name (its role).
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Settings:
    """Validated, typed settings, each field named as its setting.

    Except where one setting is parsed into what its users need: ``reports``
    (from ``dimensions`` and ``ui_page_titles``) and the page sizes (from
    ``page_size``). Credentials are auth.py's, read from the config itself.
    """

    property_ids: tuple[str, ...]
    view_ids: tuple[str, ...]
    ui_view_ids: tuple[str, ...]
    start_date: dt.date
    #: None: yesterday in each property's time zone.
    end_date: dt.date | None
    lookback_days: int
    window_days: int
    max_window_days: int
    on_sampled: str
    finality_hours: int
    max_quota_wait_seconds: int
    transport: str
    api_endpoint: str | None
    #: The ``dimensions`` and ``ui_page_titles`` settings: every report as
    #: each API is asked for it.
    reports: tuple[Report, ...]
    #: The ``page_size`` setting per API: its default and cap are the API's.
    ga4_page_size: int
    ua_page_size: int
    request_timeout_seconds: float
    max_retries: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    ua_use_resource_quotas: bool
    archive_files: tuple[ArchiveSource, ...] = ()

    def report(self, stream: str, api: str) -> Report:
        """The report of ``stream`` as ``api`` is asked for it."""
        return next(r for r in self.reports if (r.spec.stream, r.api) == (stream, api))


class SettingsError(ValueError):
    """Config that cannot work; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def _parse_date(name: str, value: Any, errors: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(
            f"{name}: {value!r} is not a valid date; use YYYY-MM-DD, e.g. 2021-06-01."
        )
        return None


#: The longest GA id there can be: GA's ids are int64 numbers.
_MAX_ID_DIGITS = 18


def canonical_id(text: str) -> str | None:
    """A GA id as the number it is (no leading zeros), or None if it is none.

    ASCII digits only: ``str.isdigit`` also takes ``١٨٨`` and ``¹²³``, which
    GA would refuse or read as another id.
    """
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or not digits:
        return None
    return digits if len(digits) <= _MAX_ID_DIGITS else None


def _ids(name: str, value: Any, errors: list[str]) -> tuple[str, ...]:
    """The ids of one id setting, each as its number; every problem in ``errors``.

    Ids that name the same number (``188392047`` and ``0188392047``) are
    one id: listed twice, each row would be loaded twice.
    """
    written = [str(v).strip() for v in value or ()]
    written = [i.removeprefix("properties/").removeprefix("ga:") for i in written]
    ids, spellings = [], {}
    for raw in written:
        number = canonical_id(raw)
        if number is None:
            errors.append(
                f"{name}: {raw!r} is not a GA id; expected ASCII digits only"
                f" (at most {_MAX_ID_DIGITS}, not all zeros), e.g. '188392047'."
            )
            ids.append(raw)
            continue
        spellings.setdefault(number, []).append(raw)
        ids.append(number)
    errors.extend(
        f"{name}: lists id {number} {len(raws)} times"
        f" ({', '.join(map(repr, raws))}): list it once."
        for number, raws in spellings.items()
        if len(raws) > 1
    )
    return tuple(ids)


def _archive_sources(value: Any, errors: list[str]) -> tuple[ArchiveSource, ...]:
    sources = []
    for index, entry in enumerate(value or ()):
        name = f"archive_files[{index}]"
        if not isinstance(entry, dict) or not entry.get("path"):
            errors.append(f"{name}: needs a path (a glob) and a view_id.")
            continue
        (view_id,) = _ids(f"{name}.view_id", [entry.get("view_id") or ""], errors)
        # The schema holds the format to ARCHIVE_FORMATS and defaults it.
        file_format = ARCHIVE_FORMATS[entry.get("format") or EVENTS_FORMAT]
        columns = _archive_columns(
            f"{name}.columns", entry.get("columns"), COLUMN_ROLES[file_format], errors
        )
        source = ArchiveSource(str(entry["path"]), view_id, file_format, columns)
        if source in sources:
            errors.append(
                f"{name}: repeats archive_files[{sources.index(source)}] (path"
                f" {source.path!r}, view {view_id}): list it once."
            )
        sources.append(source)
    return tuple(sources)


def _archive_columns(
    name: str, value: Any, roles: tuple[str, ...], errors: list[str]
) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        errors.append(f"{name}: expected an object of column name to GA's name.")
        return ()
    wrong = [f"{k!r}: {v!r}" for k, v in value.items() if v not in roles]
    if wrong:
        errors.append(
            f"{name}: {', '.join(wrong)}: map each column name to one of"
            f" {', '.join(map(repr, roles))}."
        )
    return tuple((str(k).strip(), v) for k, v in value.items() if v in roles)


def _reports(config: dict[str, Any]) -> tuple[Report, ...]:
    """Each report per API, with the ``dimensions`` overrides and titles asked."""
    names = config.get("dimensions") or {}
    titles = bool(_setting(config, "ui_page_titles"))
    # The events report's names are per API; the pageviews report is UA's only.
    keys = {(EVENTS.stream, "ga4"): "ga4", (EVENTS.stream, "ua"): "ua"}
    keys[PAGEVIEWS.stream, "ua"] = PAGEVIEWS.stream
    return tuple(
        spec.resolve(
            api,
            names.get(keys[spec.stream, api]) or {},
            frozenset() if titles else spec.optional,
        )
        for spec in SPECS
        for api in spec.defaults
    )


def parse_settings(config: dict[str, Any], today: dt.date | None = None) -> Settings:
    """Check a config that passed the schema (``schema_errors``); typed settings.

    Raises:
        SettingsError: naming every problem found.
    """
    errors: list[str] = []
    today = today or dt.datetime.now(dt.UTC).date()
    property_ids = _ids("property_ids", config.get("property_ids"), errors)
    view_ids = _ids("view_ids", config.get("view_ids"), errors)
    ui_view_ids = _ids("ui_view_ids", config.get("ui_view_ids"), errors)
    archive_files = _archive_sources(config.get("archive_files"), errors)
    if not (property_ids or view_ids or ui_view_ids or archive_files or errors):
        errors.append(
            "Set property_ids (GA4), view_ids (Universal Analytics), ui_view_ids"
            " (Meltano UI's pageviews) or archive_files: there is nothing to pull."
        )
    start = None
    if config.get("start_date") in (None, ""):
        errors.append("start_date is required (YYYY-MM-DD).")
    else:
        start = _parse_date("start_date", config["start_date"], errors)
    end = None
    if config.get("end_date") not in (None, ""):
        end = _parse_date("end_date", config["end_date"], errors)
    # Before the property's time zone is known: no time zone's yesterday is later.
    if start and (end or today) < start:
        errors.append(f"end_date {end or today} is before start_date {start}.")
    # No day after tomorrow (UTC) has begun anywhere: GA has nothing for it.
    for name, day in (("start_date", start), ("end_date", end)):
        if day and day > today + dt.timedelta(days=1):
            hint = " Leave it unset to pull through yesterday." * (name == "end_date")
            errors.append(
                f"{name}: {day} is in the future (today is {today} UTC): GA has"
                f" no data for it.{hint}"
            )
    page_size = config.get("page_size")
    if page_size is not None and (not isinstance(page_size, int) or page_size < 1):
        errors.append(f"page_size: {page_size!r} must be a positive integer.")
        page_size = None
    if errors:
        raise SettingsError(errors)
    assert start is not None
    return Settings(
        property_ids=property_ids,
        view_ids=view_ids,
        ui_view_ids=ui_view_ids,
        start_date=start,
        end_date=end,
        lookback_days=int(_setting(config, "lookback_days")),
        window_days=int(_setting(config, "window_days")),
        # A first window larger than the cap is what was asked for: it stays.
        max_window_days=max(
            int(_setting(config, "max_window_days")),
            int(_setting(config, "window_days")),
        ),
        on_sampled=_setting(config, "on_sampled"),
        finality_hours=int(_setting(config, "finality_hours")),
        max_quota_wait_seconds=int(_setting(config, "max_quota_wait_seconds")),
        transport=_setting(config, "transport"),
        api_endpoint=(config.get("api_endpoint") or "").rstrip("/") or None,
        reports=_reports(config),
        ga4_page_size=min(page_size or GA4_MAX_PAGE_SIZE, GA4_MAX_PAGE_SIZE),
        ua_page_size=min(page_size or UA_MAX_PAGE_SIZE, UA_MAX_PAGE_SIZE),
        request_timeout_seconds=float(_setting(config, "request_timeout_seconds")),
        max_retries=int(_setting(config, "max_retries")),
        backoff_base_seconds=float(_setting(config, "backoff_base_seconds")),
        backoff_max_seconds=float(_setting(config, "backoff_max_seconds")),
        ua_use_resource_quotas=bool(_setting(config, "ua_use_resource_quotas")),
        archive_files=archive_files,
    )
