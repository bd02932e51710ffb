"""Deterministic Snowplow enriched events for the projects the GA emulator serves.

Meltano >= 1.97 also sent every GA event to Snowplow as a structured event
(``se_category``/``se_action``/``se_label`` = project id); v2.0 stopped GA, and
v2.0-2.4 sent unstructured ``iglu:com.meltano/cli_event`` events with
``project_context`` and friends, while struct events kept coming (with the
contexts) until v2.5 removed them. Snowpipe copied the enriched TSV into
``RAW.SNOWPLOW.EVENTS`` (see enriched.py). This module draws those events for
the same projects as the GA emulator's ``dataset.projects(seed, count)``.

Planted on purpose (counted in ``Plan``, so tests can check known answers):

* executions (one ``context_uuid`` each) that complete, that fail, and that
  started and never finished (killed: ``aborted``), with exit events for the
  ones that ended;
* 1.97-1.105 struct events without contexts, and 2.1-2.4 struct events that
  carry the contexts of the execution they belong to;
* re-delivered rows: the same ``event_id`` in a later upload batch;
* a *late* project: its Snowplow activation comes weeks after its last GA day;
* an *overlap* project: a few Snowplow struct events while GA still counts
  far more, so it must not flip to Snowplow early;
* Snowplow-only projects, some with a random (ephemeral) project uuid, and
  executions from CI.

Usage: ``snowplow-sample --database warehouse.duckdb`` (see __main__.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ga_emulator import dataset
from ga_emulator import plugins as hub
from ga_emulator.dataset import seeded_rng, sha256_hex
from snowplow_sample.enriched import COLUMNS
from tap_ga_legacy.rekey import meltano_project_uuid, resolve_project_id

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

#: v1.97.0: every GA event is also a Snowplow struct event (no contexts).
STRUCT_FROM = dt.date(2022, 3, 1)
#: v2.0 (GA stopped after dataset.LAST_GA_DAY): cli_event + contexts. The first
#: Monday after the last GA day, so every unstructured week has no GA at all.
UNSTRUCT_FROM = dt.date(2022, 6, 6)
#: v2.5.0 removed the legacy struct events.
STRUCT_UNTIL = dt.date(2022, 8, 14)
LAST_DAY = dt.date(2022, 10, 30)
#: Weeks between the late project's last GA day and its first Snowplow event.
LATE_GAP_WEEKS = 10

IGLU = "iglu:com.meltano/{}/jsonschema/{}"
CONTEXTS_SCHEMA = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"
UNSTRUCT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
ENV_NAMES = ("dev", "staging", "prod", "cicd")
PLUGIN_COMMANDS = (
    ("run", 30),
    ("elt", 14),
    ("invoke", 20),
    ("install", 10),
    ("add", 6),
    ("config", 6),
    ("init", 2),
    ("state", 4),
    ("test", 4),
    ("schedule", 4),
)


@dataclass(frozen=True, slots=True)
class SnowplowConfig:
    """The knobs of the Snowplow sample."""

    seed: int = 42
    #: Same as ``dataset.DatasetConfig.projects``: which GA projects exist.
    projects: int = 400
    #: Projects that only ever appear in Snowplow (2.x installs).
    snowplow_only_projects: int = 25
    #: Mean executions per project per active day.
    executions_per_day: float = 1.5
    first_day: dt.date = STRUCT_FROM
    last_day: dt.date = LAST_DAY
    #: Per mille of executions killed before they finished (no completion).
    aborted_per_mille: int = 40
    #: Per mille of executions that fail.
    failed_per_mille: int = 60
    #: Per mille of rows delivered twice (same event_id, later upload batch).
    duplicate_per_mille: int = 10


@dataclass
class Plan:
    """What the generator planted: the known answers for tests."""

    events: int = 0  # distinct event_id
    rows: int = 0  # rows delivered (events + duplicates)
    duplicates: int = 0
    struct_events: int = 0  # struct events without contexts (1.97-1.105)
    struct_events_with_contexts: int = 0
    executions: int = 0  # distinct context_uuid
    succeeded: int = 0
    failed: int = 0
    aborted: int = 0
    exit_events: int = 0
    block_events: int = 0  # meltano run's block_event rows
    ci_executions: int = 0
    late_project_id: str = ""  # as GA carried it
    late_project_uuid: str = ""
    late_last_ga_day: str = ""
    late_first_snowplow_day: str = ""
    overlap_project_id: str = ""
    overlap_project_uuid: str = ""
    overlap_first_snowplow_day: str = ""
    snowplow_only_project_uuids: list[str] = field(default_factory=list)
    random_project_uuids: list[str] = field(default_factory=list)
    project_uuids: list[str] = field(default_factory=list)
    #: Planted plugin executions: ``"<plugin> <plugin_type> <project_uuid>
    #: <day> <cli_command> <status>"`` -> executions. ``<plugin>`` as the marts
    #: name it (a Hub name in clear, else the SHA-256 of the name); one count
    #: per plugin per execution in which some event's plugins_context names
    #: it, with its worst status (failed > aborted > success). Read it with
    #: ``plugin_usage``.
    plugin_executions: dict[str, int] = field(default_factory=dict)
    #: The same for 1.97-1.105 struct events (no contexts; the GA command
    #: line in se_action): ``"<plugin> <plugin_type> <project_uuid> <day>
    #: <cli_command>"`` -> events naming it (each counts once per event).
    struct_plugin_events: dict[str, int] = field(default_factory=dict)
    #: ``"<project_uuid> <monday>"`` -> Snowplow executions that week, as
    #: dbt's activation rule counts them (struct events without contexts
    #: and context_uuids, by the day they started).
    executions_per_week: dict[str, int] = field(default_factory=dict)
    #: SHA-256 hex -> clear value of every plugin name and parent name the
    #: sample hashed that is not a Hub plugin's name (custom, inherited).
    hashed_names: dict[str, str] = field(default_factory=dict)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _ts(moment: dt.datetime) -> str:
    return moment.strftime(TS_FORMAT)[:-3]


@dataclass(frozen=True, slots=True)
class _Source:
    """One project as Snowplow sees it, with the window it sends events in."""

    project_id: str  # as Meltano 1.x sent it in se_label
    project_uuid: str
    uuid_source: str  # explicit, derived, random
    first_day: dt.date
    last_day: dt.date
    weight: int
    ip: str
    struct_per_week: int | None = None  # overlap project: a trickle of struct events
    ci: bool = False
    #: Its plugins and typed names: the GA project's, or its own for a
    #: Snowplow-only project.
    project: dataset.Project | None = None


def _sources(config: SnowplowConfig, plan: Plan) -> list[_Source]:
    """Which projects send Snowplow events when; fills the plan's project facts."""
    rng = seeded_rng("snowplow-projects", config.seed)
    ga = dataset.projects(config.seed, config.projects)
    # The late project: a long-lived GA project that stopped in spring 2022 and
    # came back on 2.x weeks later. The overlap project: the busiest project
    # still on GA at the end, which tried 1.97+ locally for weeks before.
    late_pool = [
        p
        for p in ga
        if dt.date(2022, 3, 1) <= p.last_day <= dt.date(2022, 5, 1)
        and (p.last_day - p.first_day).days >= 60
    ]
    late = max(late_pool, key=lambda p: (p.weight, p.project_id))
    overlap = max(
        (p for p in ga if p.last_day == dataset.LAST_GA_DAY),
        key=lambda p: (p.weight, p.project_id),
    )
    result: list[_Source] = []

    def ip() -> str:
        return ".".join(str(rng.randrange(1, 255)) for _ in range(4))

    for project in ga:
        pid = project.project_id
        is_uuid = meltano_project_uuid(pid).lower() == pid.lower()
        source = "explicit" if is_uuid else "derived"
        if project is late:
            first = max(
                project.last_day + dt.timedelta(weeks=LATE_GAP_WEEKS), UNSTRUCT_FROM
            )
            last = first + dt.timedelta(days=90)
            plan.late_project_id = pid
            plan.late_project_uuid = meltano_project_uuid(pid)
            plan.late_last_ga_day = project.last_day.isoformat()
            plan.late_first_snowplow_day = first.isoformat()
            result.append(
                _Source(
                    pid,
                    meltano_project_uuid(pid),
                    source,
                    first,
                    last,
                    3,
                    ip(),
                    project=project,
                )
            )
        elif project is overlap:
            first = dataset.LAST_GA_DAY - dt.timedelta(weeks=8)
            plan.overlap_project_id = pid
            plan.overlap_project_uuid = meltano_project_uuid(pid)
            plan.overlap_first_snowplow_day = first.isoformat()
            result.append(
                _Source(
                    pid,
                    meltano_project_uuid(pid),
                    source,
                    first,
                    LAST_DAY,
                    4,
                    ip(),
                    struct_per_week=1,
                    project=project,
                )
            )
        elif project.last_day >= STRUCT_FROM:
            # Upgraded to 1.97+ at some point of its GA life, kept going on 2.x
            # for a while (or not at all).
            first = max(project.first_day, STRUCT_FROM) + dt.timedelta(
                days=rng.randrange(0, 20)
            )
            last = project.last_day + dt.timedelta(days=rng.choice((0, 0, 30, 120)))
            if first <= last:
                result.append(
                    _Source(
                        pid, meltano_project_uuid(pid), source, first, last, 1, ip(),
                        ci=rng.random() < 0.1, project=project,
                    )
                )  # fmt: skip
    for index in range(config.snowplow_only_projects):
        first = UNSTRUCT_FROM + dt.timedelta(days=rng.randrange(0, 120))
        random_id = index % 5 == 0
        if random_id:
            # No project_id in meltano.yml: a new random uuid per run would
            # appear; here one short-lived run burst.
            last = first
        else:
            last = min(first + dt.timedelta(days=rng.randrange(1, 90)), LAST_DAY)
        pid = _uuid(rng)
        source = "random" if random_id else "explicit"
        own = _snowplow_only_project(config, index, pid, first, last)
        result.append(
            _Source(
                pid, pid, source, first, last, 2, ip(), ci=index % 7 == 3, project=own
            )
        )
        plan.snowplow_only_project_uuids.append(pid)
        if random_id:
            plan.random_project_uuids.append(pid)
    return [
        s
        for s in result
        if s.first_day <= config.last_day and s.last_day >= config.first_day
    ]


def _snowplow_only_project(
    config: SnowplowConfig, index: int, pid: str, first: dt.date, last: dt.date
) -> dataset.Project:
    """A 2.x-only project, with plugins drawn the GA projects' way."""
    name = f"sp-{index}"
    number = config.projects + index  # past the GA projects: no tail plugin
    plugins = hub.project_plugins(config.seed, config.projects, number)
    return dataset.Project(
        project_id=pid, name=name, first_day=first, last_day=last, weight=2,
        taps=tuple(p.name for p in plugins if p.plugin_type == "extractors"),
        targets=tuple(p.name for p in plugins if p.plugin_type == "loaders"),
        environments=(), plugins=plugins,
        typed_name=dataset.typed_project_name(config.seed, number, name),
    )  # fmt: skip


class _Writer:
    """Builds enriched rows (dicts of the 131 columns) and counts the plan."""

    def __init__(self, config: SnowplowConfig, plan: Plan) -> None:
        self.config = config
        self.plan = plan

    def row(  # noqa: PLR0917
        self,
        rng: random.Random,
        source: _Source,
        moment: dt.datetime,
        contexts: list[dict] | None,
        unstruct: dict | None = None,
        se: tuple[str, str] | None = None,
    ) -> dict[str, str | None]:
        row: dict[str, str | None] = dict.fromkeys(COLUMNS)
        collector = moment + dt.timedelta(milliseconds=rng.randrange(20, 900))
        etl = collector + dt.timedelta(seconds=rng.randrange(5, 120))
        # app_id="meltano" only from v2.9.0; before it the tracker set none.
        row["app_id"] = "meltano" if moment.date() >= dt.date(2022, 10, 1) else None
        row["platform"] = "pc"
        row["etl_tstamp"] = _ts(etl)
        row["collector_tstamp"] = _ts(collector)
        row["dvce_created_tstamp"] = _ts(moment)
        row["dvce_sent_tstamp"] = _ts(moment + dt.timedelta(milliseconds=5))
        row["derived_tstamp"] = _ts(moment)
        row["event_id"] = _uuid(rng)
        row["name_tracker"] = "snowplow-tracker-py"
        row["v_tracker"] = "py-0.10.0"
        row["v_collector"] = "ssc-2.3.1-kinesis"
        row["v_etl"] = "stream-enrich-3.2.3-common-3.2.3"
        row["user_ipaddress"] = source.ip if rng.random() > 0.02 else "unknown"
        row["network_userid"] = _uuid(rng)
        row["geo_country"] = rng.choice(("US", "DE", "GB", "FR", "BR", "IN"))
        row["useragent"] = "python-requests/2.27.1"
        row["event_fingerprint"] = hashlib.md5(  # noqa: S324 (Snowplow's own choice)
            row["event_id"].encode()
        ).hexdigest()
        if contexts is not None:
            row["contexts"] = json.dumps(
                {"schema": CONTEXTS_SCHEMA, "data": contexts}, separators=(",", ":")
            )
        if unstruct is not None:
            row["event"] = "unstruct"
            row["unstruct_event"] = json.dumps(
                {"schema": UNSTRUCT_SCHEMA, "data": unstruct}, separators=(",", ":")
            )
            # iglu:<vendor>/<name>/<format>/<version>
            vendor, name, fmt, version = unstruct["schema"][5:].split("/")
            row["event_vendor"] = vendor
            row["event_name"] = name
            row["event_format"] = fmt
            row["event_version"] = version
        else:
            assert se is not None
            row["event"] = "struct"
            row["se_category"], row["se_action"] = se
            row["se_label"] = source.project_id
            row["event_vendor"] = "com.google.analytics"
            row["event_name"] = "event"
            row["event_format"] = "jsonschema"
            row["event_version"] = "1-0-0"
        self.plan.events += 1
        return row

    def execution(
        self, rng: random.Random, source: _Source, moment: dt.datetime
    ) -> Iterator[dict[str, str | None]]:
        """The events of one 2.x CLI execution, sharing one context_uuid.

        ``rng`` draws what the sample always drew (ids, times, the outcome),
        in the same order, so executions and their statuses stay as they
        were; the command line, its plugins and block events come from a
        generator of the execution's own.
        """
        plan = self.plan
        context_uuid = _uuid(rng)
        command = rng.choices(
            [c for c, _ in PLUGIN_COMMANDS], [w for _, w in PLUGIN_COMMANDS]
        )[0]
        env = rng.choice(ENV_NAMES) if rng.random() < 0.5 else None
        contexts = [
            {
                "schema": IGLU.format("environment_context", "1-1-0"),
                "data": {
                    "context_uuid": context_uuid,
                    "parent_context_uuid": None,
                    "meltano_version": "2.3.0",
                    "is_dev_build": False,
                    "is_ci_environment": source.ci,
                    "python_version": "3.9.13",
                    "python_implementation": "CPython",
                    "system_name": "Linux",
                    "system_release": "5.15.0",
                    "machine": "x86_64",
                    "num_cpu_cores": 4,
                    "num_cpu_cores_available": 4,
                },
            },
            {
                "schema": IGLU.format("project_context", "1-1-0"),
                "data": {
                    "context_uuid": context_uuid,
                    "project_uuid": source.project_uuid,
                    "project_uuid_source": source.uuid_source,
                    "client_uuid": _uuid(rng),
                    "environment_name_hash": sha256_hex(env) if env else None,
                    "send_anonymous_usage_stats": True,
                    "send_anonymous_usage_stats_source": "default",
                },
            },
            {
                "schema": IGLU.format("cli_context", "1-1-0"),
                "data": {
                    "command": command,
                    "parent_command_hint": None,
                    "options": {"force": False},
                },
            },
        ]
        plan.executions += 1
        plan.ci_executions += source.ci
        self._count_week(source, moment)
        roll = rng.randrange(1000)
        aborted = roll < self.config.aborted_per_mille
        failed = not aborted and roll < (
            self.config.aborted_per_mille + self.config.failed_per_mille
        )
        own = seeded_rng("execution", self.config.seed, context_uuid)
        project = source.project
        assert project is not None
        line = _line(own, project, moment.date(), command)
        # Every plugins_context has a context_uuid of its own (Meltano 2.x).
        plugged = (
            [*contexts, _plugins_context(own, line.plugins)]
            if line.plugins
            else contexts
        )
        outcome = _Outcome(own, line, failed=failed, aborted=aborted)

        def cli(event: str, at: dt.datetime, ctx: list[dict]) -> dict[str, str | None]:
            return self.row(
                rng,
                source,
                at,
                ctx,
                {
                    "schema": IGLU.format("cli_event", "1-0-1"),
                    "data": {"event": event},
                },
            )

        yield cli("started", moment, contexts)
        elapsed = dt.timedelta(seconds=rng.randrange(2, 900))
        end = moment + elapsed
        # Drawn for every execution so the draws stay aligned; Meltano 2.1-2.4
        # sent the legacy struct event only once the command had succeeded.
        legacy = None
        if moment.date() <= STRUCT_UNTIL and rng.random() < 0.5:
            legacy = self.row(
                rng,
                source,
                end - dt.timedelta(milliseconds=20),
                contexts if command == "run" else plugged,
                se=(
                    line.command.category,
                    line.action + (f" --environment={sha256_hex(env)}" if env else ""),
                ),
            )
            if aborted or failed:
                self.plan.events -= 1
                legacy = None
        if line.plugins and command != "run":
            # add, config, elt, install, invoke: the plugins are known.
            yield self._inflight(own, source, moment, plugged)
        yield from self._blocks(own, source, moment, elapsed, contexts, outcome)
        if aborted:
            plan.aborted += 1
            if rng.random() < 0.5:
                stalled = cli("inflight", moment + elapsed / 3, contexts)
                if command == "run" or line.plugins:
                    # run sends none; the others sent theirs above. Drawn
                    # all the same, to keep the draws aligned.
                    self.plan.events -= 1
                else:
                    yield stalled
            self._record(source, moment, command, outcome)
            return
        if failed:
            plan.failed += 1
            failed_contexts = [
                *(contexts if command == "run" else plugged),
                _exception_context(own, outcome.cli_exception),
            ]
            yield self.row(
                rng,
                source,
                end,
                failed_contexts,
                {
                    "schema": IGLU.format("cli_event", "1-0-1"),
                    "data": {"event": "failed"},
                },
            )
            exit_code = 1
        else:
            plan.succeeded += 1
            yield cli("completed", end, contexts if command == "run" else plugged)
            exit_code = 0
        if legacy is not None:
            plan.struct_events_with_contexts += 1
            yield legacy
        plan.exit_events += 1
        yield self.row(
            rng,
            source,
            end + dt.timedelta(milliseconds=50),
            contexts if command == "run" else plugged,
            {
                "schema": IGLU.format("exit_event", "1-0-1"),
                "data": {
                    "exit_code": exit_code,
                    "exit_timestamp": end.isoformat() + "Z",
                    "process_duration_microseconds": int(elapsed.total_seconds() * 1e6),
                },
            },
        )
        self._record(source, moment, command, outcome)

    def _count_week(self, source: _Source, moment: dt.datetime) -> None:
        day = moment.date()
        key = f"{source.project_uuid} {day - dt.timedelta(days=day.weekday())}"
        self.plan.executions_per_week[key] = (
            self.plan.executions_per_week.get(key, 0) + 1
        )

    def _inflight(
        self, own: random.Random, source: _Source, moment: dt.datetime, ctx: list[dict]
    ) -> dict[str, str | None]:
        return self.row(
            own,
            source,
            moment + dt.timedelta(milliseconds=own.randrange(200, 2000)),
            ctx,
            {
                "schema": IGLU.format("cli_event", "1-0-1"),
                "data": {"event": "inflight"},
            },
        )

    def _blocks(  # noqa: PLR0917
        self,
        own: random.Random,
        source: _Source,
        moment: dt.datetime,
        elapsed: dt.timedelta,
        contexts: list[dict],
        outcome: _Outcome,
    ) -> Iterator[dict[str, str | None]]:
        """``meltano run``'s block events: initialized, then completed or failed."""
        blocks = outcome.line.blocks
        step = elapsed / (len(blocks) + 1)
        for index, (kind, members) in enumerate(blocks):
            if index > outcome.last_block:
                return  # a failed or killed block stops the run
            ctx = [*contexts, _plugins_context(own, members)]
            start = moment + step * index + dt.timedelta(milliseconds=100)
            yield self._block_event(own, source, start, ctx, kind, "initialized")
            if index < outcome.last_block or outcome.status == "success":
                yield self._block_event(
                    own, source, start + step, ctx, kind, "completed"
                )
            elif outcome.status == "failed":
                failed_ctx = [*ctx, _exception_context(own, outcome.block_exception)]
                yield self._block_event(
                    own, source, start + step, failed_ctx, kind, "failed"
                )

    def _block_event(  # noqa: PLR0917
        self,
        own: random.Random,
        source: _Source,
        at: dt.datetime,
        ctx: list[dict],
        kind: str,
        event: str,
    ) -> dict[str, str | None]:
        self.plan.block_events += 1
        return self.row(
            own,
            source,
            at,
            ctx,
            {
                "schema": IGLU.format("block_event", "1-0-0"),
                "data": {"type": kind, "event": event},
            },
        )

    def _record(
        self, source: _Source, moment: dt.datetime, command: str, outcome: _Outcome
    ) -> None:
        """Count each plugin the events named once per execution, worst status."""
        statuses: dict[tuple[str, str], str] = {}
        for plugin, status in outcome.plugin_statuses():
            key = (plugin.mart_name, plugin.plugin_type)
            if STATUS_RANK[status] > STATUS_RANK.get(statuses.get(key, ""), -1):
                statuses[key] = status
        day = moment.date().isoformat()
        for (name, plugin_type), status in statuses.items():
            key = " ".join(
                (name, plugin_type, source.project_uuid, day, command, status)
            )
            self.plan.plugin_executions[key] = (
                self.plan.plugin_executions.get(key, 0) + 1
            )
        for plugin, _ in outcome.plugin_statuses():
            for value in (plugin.name, plugin.parent_name):
                if not hub.is_hub_name(value):
                    self.plan.hashed_names[sha256_hex(value)] = value

    def struct(
        self, rng: random.Random, source: _Source, moment: dt.datetime
    ) -> dict[str, str | None]:
        """A 1.97-1.105 struct event: the GA event, copied, without contexts."""
        category = rng.choices(
            [c for c, _ in dataset.CATEGORIES], [w for _, w in dataset.CATEGORIES]
        )[0]
        self.plan.struct_events += 1
        own = seeded_rng("struct", self.config.seed, source.project_uuid, moment)
        assert source.project is not None
        line = dataset.command_line(own, source.project, moment.date(), category)
        self._count_week(source, moment)
        day = moment.date().isoformat()
        for name, mention in {m.mart_name: m for m in line.mentions}.items():
            key = " ".join(
                (
                    name,
                    mention.plugin.plugin_type,
                    source.project_uuid,
                    day,
                    line.cli_command,
                )
            )
            self.plan.struct_plugin_events[key] = (
                self.plan.struct_plugin_events.get(key, 0) + 1
            )
        action = line.action
        if source.project.environments and own.random() < 0.6:
            action += (
                f" --environment={sha256_hex(own.choice(source.project.environments))}"
            )
        return self.row(rng, source, moment, None, se=(line.category, action))


#: Which status wins when one execution names a plugin more than once.
STATUS_RANK = {"success": 0, "aborted": 1, "failed": 2}
#: ``(type, message, cause)`` of an exception, as exception_context hashes it.
Failure = tuple[str, str, "Failure | None"]
#: Why a 2.x command without blocks failed (``CliError`` messages).
CLI_FAILURES = {
    "add": "Failed to install plugin(s)",
    "install": "Failed to install plugin(s)",
    "config": "Cannot set setting: unknown setting",
    "init": "Directory already exists",
    "state": "No state found",
    "test": "Test(s) failed",
    "schedule": "A schedule with this name already exists",
}


@dataclass(frozen=True, slots=True)
class _Line:
    """What one 2.x execution ran: its command line and the plugins it names."""

    command: dataset.Command
    action: str  # the legacy struct event's se_action
    #: ``(plugin, command)`` of the execution's plugins_context (not run's).
    plugins: tuple[tuple[hub.ProjectPlugin, str | None], ...] = ()
    #: ``meltano run``: (block type, its ``(plugin, command)``s), in order.
    blocks: tuple[
        tuple[str, tuple[tuple[hub.ProjectPlugin, str | None], ...]], ...
    ] = ()
    #: elt's ``--transform``: run, skip or only.
    transform: str = "skip"


def _line(  # noqa: PLR0911 - one branch per command
    own: random.Random, project: dataset.Project, day: dt.date, command: str
) -> _Line:
    """The command line of a 2.x execution, and its plugins as Meltano sends them.

    Contexts as ``cli/*.py`` (v2.3) attach them: add, config, elt, install and
    invoke name their plugins for the whole execution (elt: extractor and
    loader unless ``--transform only``, plus the transformer unless
    ``skip``; install: every plugin of the project); ``meltano run`` names
    each block's plugins on that block's events only (a mapping is its
    mapper plugin; a ``name:command`` block carries the command).
    """
    if command == "config":
        plugin = own.choice(project.plugins)
        line = dataset.Command("meltano config", f"meltano config {plugin.name}")
        return _Line(line, line.action, ((plugin, None),))
    line = dataset.command_line(own, project, day, f"meltano {command}", v2=True)
    mentions = line.mentions
    if command == "run":
        blocks: dict[int, list[dataset.Mention]] = {}
        for mention in mentions:
            blocks.setdefault(mention.block, []).append(mention)
        return _Line(
            line,
            line.action,
            blocks=tuple(
                (
                    "InvokerCommand"
                    if members[0].role == "block"
                    else "ExtractLoadBlocks",
                    tuple((m.plugin, m.command) for m in members),
                )
                for _, members in sorted(blocks.items())
            ),
        )
    if command == "elt":
        transform = line.action.rsplit(" ", 1)[1]
        named = [m for m in mentions if transform != "only" or m.role == "transformer"]
        return _Line(
            line,
            line.action,
            tuple((m.plugin, None) for m in named),
            transform=transform,
        )
    if command == "invoke":
        return _Line(line, line.action, tuple((m.plugin, m.command) for m in mentions))
    if command == "add":
        return _Line(line, line.action, tuple((m.plugin, None) for m in mentions))
    if command == "install":
        return _Line(line, line.action, tuple((p, None) for p in project.plugins))
    return _Line(line, line.action)  # init, state, test, schedule: no plugins


class _Outcome:
    """How an execution ended, block by block and plugin by plugin."""

    def __init__(
        self, own: random.Random, line: _Line, *, failed: bool, aborted: bool
    ) -> None:
        self.line = line
        self.status = "aborted" if aborted else "failed" if failed else "success"
        blocks = line.blocks
        #: The last block that got events (run): a failure or kill stops there.
        self.last_block = len(blocks) - 1
        if blocks and self.status != "success":
            self.last_block = own.randrange(len(blocks))
        self.failing: set[str] = set()  # roles (or "block") that failed
        self.block_exception: Failure | None = None
        self.cli_exception: Failure | None = None
        if failed:
            self._fail(own)

    def _fail(self, own: random.Random) -> None:
        line = self.line
        word = line.command.cli_command
        if line.blocks:
            kind, members = line.blocks[self.last_block]
            if kind == "InvokerCommand":
                plugin, command = members[0]
                message = f"`{plugin.name} {command}` failed with exit code: 1"
                self.failing = {"block"}
            else:
                choices = [
                    ("Extractor failed", {"extractors"}),
                    ("Loader failed", {"loaders"}),
                    ("Extractor and loader failed", {"extractors", "loaders"}),
                ]
                if any(p.plugin_type == "mappers" for p, _ in members):
                    choices.append(("Mappers failed", {"mappers"}))
                message, self.failing = own.choice(choices)
            self.block_exception = ("RunnerError", message, None)
            self.cli_exception = (
                "CliError",
                f"Run invocation could not be completed as block failed: {message}",
                self.block_exception,
            )
        elif word == "elt":
            choices = []
            if line.transform != "only":
                choices += [
                    ("Extractor failed", {"extractors"}),
                    ("Loader failed", {"loaders"}),
                ]
            if line.transform != "skip":
                choices.append(("`dbt run` failed", {"transformers"}))
            message, self.failing = own.choice(choices)
            cause = ("RunnerError", message, None)
            self.cli_exception = (
                "CliError",
                f"ELT could not be completed: {message}.",
                cause,
            )
        elif word == "invoke":
            # The plugin exited non-zero: no exception, just a failed event.
            self.failing = {"plugin"}
        else:
            self.failing = {"all"}
            self.cli_exception = ("CliError", CLI_FAILURES[word], None)

    def plugin_statuses(self) -> Iterator[tuple[hub.ProjectPlugin, str]]:
        """Each plugin some event named, and how it ended in this execution."""
        for index, (kind, members) in enumerate(self.line.blocks):
            if index > self.last_block:
                return
            for plugin, _ in members:
                if index < self.last_block or self.status == "success":
                    yield plugin, "success"
                elif self.status == "aborted":
                    yield plugin, "aborted"
                elif kind == "InvokerCommand" or plugin.plugin_type in self.failing:
                    yield plugin, "failed"
                else:
                    yield plugin, "aborted"  # its EL partner failed
        for plugin, _ in self.line.plugins:
            if self.status != "failed":
                yield plugin, self.status
            elif self.failing & {"all", "plugin", plugin.plugin_type}:
                yield plugin, "failed"
            elif self.line.transform != "skip" and "transformers" in self.failing:
                yield plugin, "success"  # extract and load had finished
            else:
                yield plugin, "aborted"  # stopped by another plugin's failure


def _plugins_context(
    own: random.Random, members: tuple[tuple[hub.ProjectPlugin, str | None], ...]
) -> dict:
    return {
        "schema": IGLU.format("plugins_context", "1-0-0"),
        "data": {
            "context_uuid": _uuid(own),
            "plugins": [plugin.context(command) for plugin, command in members],
        },
    }


def _exception_json(failure: Failure) -> dict:
    kind, message, cause = failure
    nested = _exception_json(cause) if cause else None
    return {
        "type": kind,
        "str_hash": sha256_hex(message),
        "repr_hash": sha256_hex(f"{kind}({message!r})"),
        "traceback": [],
        # ``raise ... from err``: the cause is also the context.
        "cause": nested,
        "context": nested,
    }


def _exception_context(own: random.Random, failure: Failure | None) -> dict:
    return {
        "schema": IGLU.format("exception_context", "1-0-0"),
        "data": {
            "context_uuid": _uuid(own),
            "exception": _exception_json(failure) if failure else None,
        },
    }


@dataclass
class PluginUsage:
    """One plugin's planted Snowplow usage (see ``plugin_usage``)."""

    plugin_types: set[str] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)  # project_uuid
    executions: int = 0
    success: int = 0
    failed: int = 0
    aborted: int = 0
    #: 1.97-1.105 struct events naming it (successes, as GA's).
    struct_events: int = 0
    #: Executions and struct events per cli_command (run, elt, invoke...).
    commands: Counter[str] = field(default_factory=Counter)


def plugin_usage(
    plan: Plan,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    since: Mapping[str, dt.date] | None = None,
) -> dict[str, PluginUsage]:
    """The planted answer: per plugin, as the marts name it, its Snowplow usage.

    From ``plan.plugin_executions``: distinct projects, executions and their
    plugin-level status, for executions started from ``start`` to ``end``
    (inclusive). ``since`` maps a project_uuid to its Snowplow activation
    date: executions before it (or of a project not in it) do not count,
    which is the Snowplow era.
    """
    usage: dict[str, PluginUsage] = {}
    counted = [
        *((key.split(" "), count) for key, count in plan.plugin_executions.items()),
        *(
            ([*key.split(" "), ""], count)
            for key, count in plan.struct_plugin_events.items()
        ),
    ]
    for (name, plugin_type, project, day_text, command, status), count in counted:
        day = dt.date.fromisoformat(day_text)
        if (start and day < start) or (end and day > end):
            continue
        if since is not None and (project not in since or day < since[project]):
            continue
        found = usage.setdefault(name, PluginUsage())
        found.plugin_types.add(plugin_type)
        found.projects.add(project)
        if status:
            found.executions += count
            setattr(found, status, getattr(found, status) + count)
        else:
            found.struct_events += count
        found.commands[command] += count
    return usage


def activation_dates(
    plan: Plan,
    ga_config: dataset.DatasetConfig,
    property_id: str,
    start: dt.date,
    end: dt.date,
) -> dict[str, dt.date]:
    """project_uuid -> Snowplow activation date, dbt's rule in Python.

    ``int_projects_activated``: the first Monday whose week has Snowplow
    executions and at least as many as GA's event count, GA being the rows
    of ``property_id`` from ``start`` to ``end`` (what the warehouse
    loaded) that carry a project id by the tap's rules.
    """
    weekly: dict[tuple[str, dt.date], list[int]] = {}
    for row in dataset.rows_in_range(ga_config, property_id, start, end):
        project, _ = resolve_project_id(row.label, row.dimension1)
        if project:
            day = dt.date(int(row.date[:4]), int(row.date[4:6]), int(row.date[6:]))
            week = day - dt.timedelta(days=day.weekday())
            weekly.setdefault((project, week), [0, 0])[0] += row.count
    for key, count in plan.executions_per_week.items():
        project, week_text = key.split(" ")
        weekly.setdefault((project, dt.date.fromisoformat(week_text)), [0, 0])[1] += (
            count
        )
    activation: dict[str, dt.date] = {}
    for (project, week), (ga, snowplow) in sorted(weekly.items()):
        if snowplow and snowplow >= ga and project not in activation:
            activation[project] = week
    return activation


def era_usage(
    plan: Plan,
    ga_config: dataset.DatasetConfig,
    property_id: str,
    start: dt.date,
    end: dt.date,
) -> tuple[dict[str, dataset.PluginUsage], dict[str, PluginUsage]]:
    """Per plugin, its usage in each era: (GA era, Snowplow era).

    The era rule of ``int_project_commands_aggregated_to_days``: GA rows of
    ``property_id`` from ``start`` to ``end`` before the project's Snowplow
    activation date (``activation_dates``), Snowplow from it. GA projects
    are keyed by the tap's project id, Snowplow's by project_uuid: the same
    values.
    """
    activation = activation_dates(plan, ga_config, property_id, start, end)
    ga = dataset.plugin_usage(
        ga_config, property_id, start, end,
        resolve=lambda label, dimension: resolve_project_id(label, dimension)[0],
        until=activation,
    )  # fmt: skip
    return ga, plugin_usage(plan, since=activation)


def iter_events(
    config: SnowplowConfig | None = None, plan: Plan | None = None
) -> Iterator[dict[str, str | None]]:
    """Every enriched row (with re-deliveries), project by project, day by day.

    Each row carries an extra ``uploaded_at`` key: when Snowpipe would have
    loaded it. Streams: memory stays flat however many events are asked for.
    """
    config = config or SnowplowConfig()
    plan = plan if plan is not None else Plan()
    writer = _Writer(config, plan)
    dup_rng = seeded_rng("duplicates", config.seed)
    for source in _sources(config, plan):
        plan.project_uuids.append(source.project_uuid)
        for row in _project_events(config, writer, source):
            uploaded = dt.datetime.strptime(row["collector_tstamp"], TS_FORMAT)
            # Snowpipe loads files a few minutes after they land.
            row["uploaded_at"] = _ts(uploaded + dt.timedelta(minutes=5))
            plan.rows += 1
            yield row
            if dup_rng.randrange(1000) < config.duplicate_per_mille:
                again = dict(row)
                again["etl_tstamp"] = _ts(uploaded + dt.timedelta(hours=1))
                again["uploaded_at"] = _ts(uploaded + dt.timedelta(hours=1, minutes=5))
                plan.duplicates += 1
                plan.rows += 1
                yield again


def _project_events(
    config: SnowplowConfig, writer: _Writer, source: _Source
) -> Iterator[dict[str, str | None]]:
    rng = seeded_rng("snowplow", config.seed, source.project_uuid)
    first = max(source.first_day, config.first_day)
    last = min(source.last_day, config.last_day)
    for day in dataset.iter_days(first, last):
        start = dt.datetime.combine(day, dt.time(6)) + dt.timedelta(
            seconds=rng.randrange(0, 14 * 3600)
        )
        if source.struct_per_week is not None and day < UNSTRUCT_FROM:
            if day.weekday() == 2:
                yield writer.struct(rng, source, start)
            continue
        mean = config.executions_per_day * source.weight
        runs = int(rng.expovariate(1 / mean)) if rng.random() < 0.7 else 0
        if source.uuid_source == "random":
            runs = max(runs, 2)
        for index in range(runs):
            moment = start + dt.timedelta(seconds=(17 * 60 * index) % 36000)
            if day < UNSTRUCT_FROM:
                yield writer.struct(rng, source, moment)
            else:
                yield from writer.execution(rng, source, moment)


def generate(
    config: SnowplowConfig | None = None,
) -> tuple[list[dict[str, str | None]], Plan]:
    """Every enriched row in delivery (collector time) order, and the plan."""
    plan = Plan()
    rows = list(iter_events(config, plan))
    rows.sort(key=lambda r: (r["uploaded_at"], r["event_id"]))
    return rows, plan
