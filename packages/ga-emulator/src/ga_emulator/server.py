"""The GA API emulator: Google's two reporting APIs on a loopback port.

HTTP (REST, JSON):

* ``POST /v1beta/properties/{id}:runReport``: GA4 Data API.
* ``GET /v1beta/properties/{id}/metadata`` and
  ``POST /v1beta/properties/{id}:checkCompatibility``: what the property has.
* ``POST /v4/reports:batchGet``: UA Reporting API v4: the CLI's events, and
  the Meltano UI's pageviews on the views of ``DatasetConfig.ui_view_ids``.
* ``POST /token``: an OAuth 2 token endpoint (service-account JWT grant and
  refresh-token grant) for credentials whose ``token_uri`` points here.

gRPC (optional, own port): ``google.analytics.data.v1beta.BetaAnalyticsData/RunReport``.

Control (for tests and demos; not part of Google's APIs):

* ``POST /__emulator/faults`` with a JSON fault (see ``faults.Fault``) or a list.
* ``DELETE /__emulator/faults``: forget pending faults.
* ``GET /__emulator/requests``: every API request received (path + body).
* ``DELETE /__emulator/requests``: forget them.
* ``POST /__emulator/clock`` with ``{"now": "2021-03-11T07:59:57Z"}``: set the
  clock (it runs on from there; with ``"frozen": true`` it stays there), which
  every ``Date`` header (gRPC: the ``date`` metadata), GA's processing lag and
  the token quotas follow; ``GET`` reads it.
* ``POST /__emulator/quota`` with GA4 quota sizes, e.g. ``{"tokensPerHour":
  5}``: new limits (unnamed ones: Google's), usage forgotten.

Requests without an ``Authorization`` header are served (anonymous mode); a
bearer token the emulator did not issue gets 401, as a bad token gets at Google.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import logging
import re
import secrets
import socket
import threading
import time
import urllib.parse
from collections import OrderedDict
from concurrent import futures
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
import msgspec
from google.analytics.data_v1beta.types import (
    CheckCompatibilityRequest,
    CheckCompatibilityResponse,
    GetMetadataRequest,
    Metadata,
    RunReportRequest,
    RunReportResponse,
)
from google.protobuf import json_format

from ga_emulator.clock import QUOTA_LIMITS, Clock, QuotaMeter
from ga_emulator.dataset import DatasetConfig
from ga_emulator.faults import (
    COMPATIBILITY_KINDS,
    ERRORS,
    Fault,
    FaultBook,
    FaultSpecError,
    parse_faults,
)
from ga_emulator.reports import (
    ApiError,
    batch_get,
    check_compatibility,
    get_metadata,
    run_report,
)

log = logging.getLogger("ga-emulator")

RUN_REPORT_PATH = re.compile(r"^/v1beta/properties/(?P<property>[^/:]+):runReport$")
METADATA_PATH = re.compile(r"^/v1beta/properties/(?P<property>[^/:]+)/metadata$")
COMPATIBILITY_PATH = re.compile(
    r"^/v1beta/properties/(?P<property>[^/:]+):checkCompatibility$"
)
#: The request log's ``api`` of the two GA4 calls that are not reports.
METADATA, COMPATIBILITY = "ga4:getMetadata", "ga4:checkCompatibility"
BATCH_GET_PATH = "/v4/reports:batchGet"
#: A refresh token the token endpoint refuses, to exercise revoked OAuth grants.
REVOKED_REFRESH_TOKEN = "revoked"  # noqa: S105
#: A service account whose keys the token endpoint refuses (a deleted key).
REVOKED_SERVICE_ACCOUNT = "revoked@meltano-telemetry.iam.gserviceaccount.com"
GRPC_SERVICE = "google.analytics.data.v1beta.BetaAnalyticsData"
GRPC_CODES = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    503: grpc.StatusCode.UNAVAILABLE,
}


@dataclass
class EmulatorState:
    """Everything the request handlers share."""

    dataset: DatasetConfig
    faults: FaultBook = field(default_factory=FaultBook)
    clock: Clock = field(default_factory=Clock)
    quota: QuotaMeter = field(init=False)
    tokens: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: Encoded answers kept for identical requests (0 disables): the benchmark
    #: reads the same pages twice and must not measure the generator twice.
    cache_size: int = 0
    cache: OrderedDict[tuple[str, bytes], bytes] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.quota = QuotaMeter(self.clock)

    def record(self, api: str, path: str, body: dict[str, Any]) -> None:
        """Log an API request for inspection through the control endpoint."""
        with self.lock:
            self.requests.append({"api": api, "path": path, "body": body})

    def answer(self, api: str, property_id: str, path: str, raw: bytes) -> bytes:
        """Run one API request through faults, cache and the report builders."""
        body = json.loads(raw or b"{}")
        self.record(api, path, body)
        if api == METADATA:
            return msgspec.json.encode(get_metadata(self.dataset, property_id))
        if api == COMPATIBILITY:
            fired = self.faults.take("ga4", property_id, COMPATIBILITY_KINDS)
            return msgspec.json.encode(
                check_compatibility(self.dataset, property_id, body, fired)
            )
        fired = self.faults.take(api, property_id)
        for fault in fired:
            if fault.kind == "slow":
                time.sleep(fault.delay_seconds)
        for fault in fired:
            if fault.kind == "error":
                raise ApiError(fault.status, fault.message)
        key = (path, raw)
        if self.cache_size and not fired:
            with self.lock:
                if key in self.cache:
                    return self.cache[key]
        if api == "ga4":
            _check_ga4_request(body)
            response = run_report(self.dataset, property_id, body, fired, self.quota)
        else:
            response = batch_get(self.dataset, body, fired, self.quota)
        encoded = msgspec.json.encode(response)
        if self.cache_size and not fired:
            with self.lock:
                self.cache[key] = encoded
                while len(self.cache) > self.cache_size:
                    self.cache.popitem(last=False)
        return encoded


def _check_ga4_request(body: dict[str, Any]) -> None:
    """Reject what Google's RunReportRequest proto would not parse."""
    try:
        json_format.ParseDict(body, RunReportRequest.pb(RunReportRequest()))
    except json_format.ParseError as exc:
        raise ApiError(400, f"Invalid JSON payload received. {exc}") from None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, every answer
        # waits for the client's delayed ACK (~40 ms a request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header: the emulator's clock, not the machine's."""
        now = self.server.state.clock.now().timestamp()
        return email.utils.formatdate(timestamp or now, usegmt=True)

    def _send(self, status: int, payload: bytes | dict[str, Any] | list[Any]) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        metadata = METADATA_PATH.match(path)
        if path == "/__emulator/requests":
            with state.lock:
                self._send(200, list(state.requests))
        elif path == "/__emulator/clock":
            self._send(200, {"now": state.clock.now().isoformat()})
        elif metadata:
            self._api(METADATA, urllib.parse.unquote(metadata["property"]), path, b"")
        else:
            self._send(404, {"error": {"code": 404, "message": "Not found."}})

    def do_DELETE(self) -> None:
        state = self.server.state
        if self.path == "/__emulator/faults":
            state.faults.clear()
        elif self.path == "/__emulator/requests":
            with state.lock:
                state.requests.clear()
        else:
            self._send(404, {"error": {"code": 404, "message": "Not found."}})
            return
        self._send(200, {})

    def do_POST(self) -> None:
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        raw = self._body()
        if path == "/__emulator/faults":
            try:
                state.faults.add(*parse_faults(raw))
            except FaultSpecError as exc:
                self._send(400, {"error": {"code": 400, "message": str(exc)}})
                return
            self._send(200, {})
            return
        if path in {"/__emulator/clock", "/__emulator/quota"}:
            self._control(path, raw)
            return
        if path == "/token":
            self._token(raw)
            return
        match = RUN_REPORT_PATH.match(path)
        compatibility = COMPATIBILITY_PATH.match(path)
        if match:
            api, property_id = "ga4", urllib.parse.unquote(match["property"])
        elif compatibility:
            api = COMPATIBILITY
            property_id = urllib.parse.unquote(compatibility["property"])
        elif path == BATCH_GET_PATH:
            api = "ua"
            property_id = str(
                (json.loads(raw or b"{}").get("reportRequests") or [{}])[0].get(
                    "viewId", ""
                )
            )
        else:
            self._send(404, {"error": {"code": 404, "message": f"No route {path}."}})
            return
        self._api(api, property_id, path, raw)

    def _api(self, api: str, property_id: str, path: str, raw: bytes) -> None:
        try:
            self._authorize()
            self._send(200, self.server.state.answer(api, property_id, path, raw))
        except ApiError as exc:
            self._send(exc.status, exc.body(api))

    def _control(self, path: str, raw: bytes) -> None:
        """Set the clock or the token quotas; a bad value is a 400 saying why."""
        state = self.server.state
        try:
            spec = json.loads(raw or b"{}")
            if path == "/__emulator/clock":
                moment = dt.datetime.fromisoformat(spec["now"])
                if moment.tzinfo is None:
                    msg = "'now' needs a UTC offset, e.g. 2021-03-11T07:59:57Z"
                    raise ValueError(msg)  # noqa: TRY301 - answered below
                frozen = spec.get("frozen", False)
                if not isinstance(frozen, bool):
                    msg = "'frozen' is true or false"
                    raise ValueError(msg)  # noqa: TRY301 - answered below
                state.clock.set(moment, frozen=frozen)
            else:
                unknown = set(spec) - set(QUOTA_LIMITS)
                if unknown or not all(isinstance(v, int) for v in spec.values()):
                    msg = f"quota sizes are integers named {sorted(QUOTA_LIMITS)}"
                    raise ValueError(msg)  # noqa: TRY301 - answered below
                state.quota.reset(spec)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._send(400, {"error": {"code": 400, "message": str(exc)}})
            return
        self._send(200, {"now": state.clock.now().isoformat()})

    def _authorize(self) -> None:
        header = self.headers.get("Authorization")
        if header is None:
            return
        token = header.removeprefix("Bearer ")
        if token not in self.server.state.tokens:
            raise ApiError(401)

    def _token(self, raw: bytes) -> None:
        form = urllib.parse.parse_qs(raw.decode())
        grant = form.get("grant_type", [""])[0]
        if grant == "refresh_token":
            if form.get("refresh_token", [""])[0] == REVOKED_REFRESH_TOKEN:
                self._send(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                )
                return
        elif (
            grant != "urn:ietf:params:oauth:grant-type:jwt-bearer"
            or form.get("assertion", [""])[0].count(".") != 2
        ):
            self._send(
                400,
                {"error": "invalid_grant", "error_description": "Invalid JWT grant."},
            )
            return
        elif _jwt_issuer(form["assertion"][0]) == REVOKED_SERVICE_ACCOUNT:
            # Google's answer when the key that signed the JWT was deleted.
            self._send(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Invalid JWT Signature.",
                },
            )
            return
        token = "ya29.emulator-" + secrets.token_urlsafe(16)
        with self.server.state.lock:
            self.server.state.tokens.add(token)
        self._send(
            200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        )


def _jwt_issuer(assertion: str) -> str:
    """The ``iss`` claim of a JWT (its signature is not checked)."""
    payload = assertion.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return ""
    return str(claims.get("iss", "")) if isinstance(claims, dict) else ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: EmulatorState


def _grpc_handler(state: EmulatorState) -> grpc.GenericRpcHandler:
    def method(api: str, request_type: Any, response_type: Any, suffix: str) -> Any:
        def call(request: Any, context: grpc.ServicerContext) -> Any:
            body = json_format.MessageToDict(request)
            name = body.pop("property", body.pop("name", ""))
            property_id = name.removeprefix("properties/").removesuffix("/metadata")
            raw = json.dumps(body, sort_keys=True).encode() if body else b""
            path = f"grpc:/v1beta/properties/{property_id}{suffix}"
            # Google's frontends send the HTTP Date header as gRPC metadata.
            now = state.clock.now().timestamp()
            context.send_initial_metadata(
                (("date", email.utils.formatdate(now, usegmt=True)),)
            )
            try:
                answer = state.answer(api, property_id, path, raw)
            except ApiError as exc:
                context.abort(GRPC_CODES[exc.status], exc.message)
            message = response_type.pb(response_type())
            json_format.Parse(answer, message)
            return message

        return grpc.unary_unary_rpc_method_handler(
            call,
            request_deserializer=type(request_type.pb(request_type())).FromString,
            response_serializer=lambda m: m.SerializeToString(),
        )

    return grpc.method_handlers_generic_handler(
        GRPC_SERVICE,
        {
            "RunReport": method(
                "ga4", RunReportRequest, RunReportResponse, ":runReport"
            ),
            "GetMetadata": method(METADATA, GetMetadataRequest, Metadata, "/metadata"),
            "CheckCompatibility": method(
                COMPATIBILITY,
                CheckCompatibilityRequest,
                CheckCompatibilityResponse,
                ":checkCompatibility",
            ),
        },
    )


class Emulator:
    """A running emulator; use as a context manager or call ``stop``."""

    def __init__(
        self,
        dataset: DatasetConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        grpc_port: int | None = None,
        cache_size: int = 0,
    ) -> None:
        self.state = EmulatorState(dataset or DatasetConfig(), cache_size=cache_size)
        self._http = _Server((host, port), _Handler)
        self._http.state = self.state
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._grpc: grpc.Server | None = None
        self.grpc_port: int | None = None
        if grpc_port is not None:
            self._grpc = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
            self._grpc.add_generic_rpc_handlers((_grpc_handler(self.state),))
            self.grpc_port = self._grpc.add_insecure_port(f"{host}:{grpc_port}")

    @property
    def url(self) -> str:
        """Base URL of the REST endpoints, for the tap's ``api_endpoint``."""
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def grpc_url(self) -> str:
        """Base URL of the gRPC endpoint (``transport: grpc``)."""
        host = self._http.server_address[0]
        return f"http://{host}:{self.grpc_port}"

    def start(self) -> Emulator:
        """Start serving in background threads."""
        self._thread.start()
        if self._grpc is not None:
            self._grpc.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the ports."""
        self._http.shutdown()
        self._http.server_close()
        if self._grpc is not None:
            self._grpc.stop(grace=None)

    def add_fault(self, **spec: Any) -> Fault:
        """Inject a fault (same fields as ``faults.Fault``)."""
        fault = Fault(**spec)
        self.state.faults.add(fault)
        return fault

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = [
    "ERRORS",
    "REVOKED_REFRESH_TOKEN",
    "REVOKED_SERVICE_ACCOUNT",
    "Emulator",
    "EmulatorState",
]
