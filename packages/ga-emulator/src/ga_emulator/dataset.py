"""Deterministic synthetic Meltano legacy telemetry, as GA aggregated it.

Meltano < 2.0 sent one Universal Analytics event per successful CLI command:
category ``meltano <command>``, action = the command line (plus
`` --environment=<sha256>`` when an environment was active), label and custom
dimension 1 = the project_id. GA stored daily aggregates, so one row here is
one (date, category, action, label, dimension1) combination with its count.

Everything is a pure function of the seed, the property id and the day, so the
emulator, the tests and the Snowplow generator agree on every row without
sharing state. Planted on purpose (see ``Variant``):

* projects whose id is a lowercase UUID, an uppercase UUID (to be
  canonicalised) or a custom non-UUID string (to be derived as Meltano 2.x did);
* rows whose label is ``(not set)`` but custom dimension 1 carries the id;
* rows with a truncated (malformed) label;
* rows with neither (no project_id at all);
* optionally (``empty_per_mille``), labels and dimensions GA returned empty;
* days with no rows (GA outages) and weekends with less traffic;
* command lines in the format of the Meltano release of the day, naming
  MeltanoHub plugins with skewed popularity and custom, inherited and mapping
  names (plugins.py), with free text a mart must never show: ``meltano init``
  names with spaces, quotes and markup, select patterns, invoke arguments
  (dbt selectors, paths), schedule and job names.

Planted answers: ``plugin_usage`` (per plugin as the marts name it: projects
and event counts), ``hashed_names`` (the hashes of the names not on the Hub).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from ga_emulator import plugins as hub
from ga_emulator.seeds import seeded_rng, sha256_hex

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Mapping

NOT_SET = "(not set)"

#: Last day a Meltano release (1.105) sent Measurement Protocol hits: v2.0.0
#: stopped GA on 2022-06-04.
LAST_GA_DAY = dt.date(2022, 6, 3)
#: v1.86.0 (2021-10) started appending --environment=<sha256> to the action.
ENVIRONMENT_SUFFIX_FROM = dt.date(2021, 10, 1)
#: Meltano's GA property reported in Pacific time, GA's default.
DEFAULT_TIME_ZONE = "America/Los_Angeles"

TAPS = (
    "tap-gitlab",
    "tap-github",
    "tap-postgres",
    "tap-salesforce",
    "tap-google-analytics",
    "tap-csv",
    "tap-shopify",
    "tap-stripe",
    "tap-mysql",
    "tap-zendesk",
)
TARGETS = (
    "target-postgres",
    "target-snowflake",
    "target-jsonl",
    "target-csv",
    "target-bigquery",
    "target-sqlite",
)
ENVIRONMENTS = ("dev", "staging", "prod", "cicd")
PLUGIN_TYPES = ("extractors", "loaders", "transformers", "orchestrators", "utilities")

#: (category, weight); weights follow the shape of real Meltano usage:
#: executions dominate, set-up commands are rarer.
CATEGORIES = (
    ("meltano elt", 30),
    ("meltano run", 14),
    ("meltano invoke", 18),
    ("meltano add", 6),
    ("meltano install", 9),
    ("meltano init", 3),
    ("meltano select", 6),
    ("meltano schedule", 4),
    ("meltano state", 2),
    ("meltano ui", 2),
    ("meltano discover", 2),
    ("meltano test", 2),
    ("meltano job", 2),
)


class Variant(Enum):
    """How a row carries (or fails to carry) the project id."""

    CLEAN = "clean"  # label and dimension1 both carry the id
    LABEL_NOT_SET = "label_not_set"  # only dimension1 carries it
    LABEL_TRUNCATED = "label_truncated"  # label cut short, dimension1 intact
    TRUNCATED_ONLY = "truncated_only"  # label cut short, dimension1 not set
    NOTHING = "nothing"  # neither carries it


#: Per-mille frequency of each variant among rows.
VARIANT_PER_MILLE = (
    (Variant.CLEAN, 940),
    (Variant.LABEL_NOT_SET, 30),
    (Variant.LABEL_TRUNCATED, 12),
    (Variant.TRUNCATED_ONLY, 6),
    (Variant.NOTHING, 12),
)


@dataclass(frozen=True, slots=True)
class Project:
    """One Meltano project as the telemetry saw it."""

    project_id: str  # exactly as Meltano sent it (may be upper case, or no UUID)
    name: str
    first_day: dt.date
    last_day: dt.date
    weight: int
    taps: tuple[str, ...]  # every extractor's name (Hub, inherited, custom)
    targets: tuple[str, ...]  # every loader's name
    environments: tuple[str, ...]
    #: Every plugin of its meltano.yml (see plugins.py).
    plugins: tuple[hub.ProjectPlugin, ...] = ()
    #: What the user typed after ``meltano init``: free text (spaces, quotes,
    #: markup) that must never reach a mart.
    typed_name: str = ""

    def of_type(self, plugin_type: str) -> list[hub.ProjectPlugin]:
        """Its plugins of one type, in meltano.yml order."""
        return [p for p in self.plugins if p.plugin_type == plugin_type]


@dataclass(frozen=True, slots=True)
class DatasetConfig:
    """The knobs of the synthetic data set."""

    seed: int = 42
    projects: int = 400
    rows_per_day: int = 120
    first_day: dt.date = dt.date(2019, 6, 1)
    last_day: dt.date = LAST_GA_DAY
    outage_every: int = 37  # a day whose ordinal is a multiple of this is empty
    #: Per-mille of rows whose label, dimension 1 or both GA returned as an
    #: empty string (real exports have about 10%). Drawn from a generator of
    #: their own, so every other value is the same whatever this is.
    empty_per_mille: int = 0
    #: Events one report may cover before GA answers from a sample (0: never):
    #: a window over it is sampled, its halves eventually are not.
    sampling_threshold: int = 0
    #: Rows one report may hold before GA rolls the smallest into one
    #: ``(other)`` row per day (0: no limit).
    cardinality_limit: int = 0
    #: ``(property_id, IANA time zone)``; any other property is in
    #: ``DEFAULT_TIME_ZONE``.
    time_zones: tuple[tuple[str, str], ...] = ()
    #: ``(property_id, GA4 custom dimension)`` not registered on that property.
    unregistered: tuple[tuple[str, str], ...] = ()
    #: UA views of the Meltano UI's property: they serve pageviews
    #: (ui_views.py) and no events; every other view serves events only.
    ui_view_ids: tuple[str, ...] = ("188384771",)

    def time_zone(self, property_id: str) -> str:
        """The reporting time zone of a property or view."""
        return dict(self.time_zones).get(property_id, DEFAULT_TIME_ZONE)


@dataclass(frozen=True, slots=True)
class Row:
    """One aggregated GA row."""

    date: str  # YYYYMMDD, as GA returns ga:date / date
    category: str
    action: str
    label: str
    dimension1: str
    client_id: str
    count: int


@functools.lru_cache(maxsize=16)
def projects(seed: int, count: int) -> tuple[Project, ...]:
    """The projects of a data set, identical for every property and view."""
    rng = seeded_rng("projects", seed)
    span = (LAST_GA_DAY - dt.date(2019, 1, 1)).days
    result = []
    for index in range(count):
        draw = rng.random()
        raw_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
        name = f"{rng.choice(('acme', 'data', 'etl', 'warehouse', 'demo'))}-{index}"
        if draw < 0.85:
            project_id = str(raw_uuid)
        elif draw < 0.90:
            project_id = str(raw_uuid).upper()
        else:
            # Before 2.0 a hand-written non-UUID project_id was sent as is.
            project_id = f"{name}-project"
        first = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(span))
        # Most projects are short-lived tries; a few run for years.
        lifetime = int(rng.paretovariate(0.9) * 20)
        weight = 1 + int(rng.paretovariate(1.2) * 3)
        # The Getting Started Guide's and other common plugins; the rest come
        # from generators of their own (plugins.project_plugins), so these
        # draws, and so every project id, stay what they always were.
        base = [
            hub.hub_plugin("extractors", t) for t in rng.sample(TAPS, rng.randint(1, 3))
        ]
        base += [
            hub.hub_plugin("loaders", t) for t in rng.sample(TARGETS, rng.randint(1, 2))
        ]
        environments = tuple(rng.sample(ENVIRONMENTS, rng.randint(0, 3)))
        plugins = hub.project_plugins(seed, count, index, tuple(base))
        result.append(
            Project(
                project_id=project_id,
                name=name,
                first_day=first,
                last_day=min(first + dt.timedelta(days=lifetime), LAST_GA_DAY),
                weight=weight,
                taps=tuple(p.name for p in plugins if p.plugin_type == "extractors"),
                targets=tuple(p.name for p in plugins if p.plugin_type == "loaders"),
                environments=environments,
                plugins=plugins,
                typed_name=typed_project_name(seed, index, name),
            )
        )
    return tuple(result)


#: ``meltano init`` arguments as users typed them; ``{}`` is the project name.
TYPED_NAMES = (
    "{}",
    "{}",
    "{} warehouse",
    'Acme\'s "{}" stack',
    "<script>alert('{}')</script>",
    "~/work/clients/{}",
    "{} ; rm -rf",
)


def typed_project_name(seed: int, index: int, name: str) -> str:
    """What project ``index`` typed after ``meltano init`` (own generator)."""
    return seeded_rng("typed-name", seed, index).choice(TYPED_NAMES).format(name)


def is_outage(config: DatasetConfig, day: dt.date) -> bool:
    """Whether GA recorded nothing on this day."""
    return config.outage_every > 0 and day.toordinal() % config.outage_every == 0


@functools.lru_cache(maxsize=256)
def _day(
    config: DatasetConfig, property_id: str, day: dt.date
) -> tuple[tuple[Row, ...], dict[str, Command]]:
    """Every aggregated row of one day, and the command each action is.

    Rows are sorted by (category, action, label, dimension1).
    """
    if not config.first_day <= day <= config.last_day or is_outage(config, day):
        return (), {}
    everyone = projects(config.seed, config.projects)
    active = [p for p in everyone if p.first_day <= day <= p.last_day] or list(
        everyone[:5]
    )
    weights = [p.weight for p in active]
    rng = seeded_rng("day", config.seed, property_id, day.isoformat())
    target = config.rows_per_day * (6 if day.weekday() < 5 else 4) // 6
    date = day.strftime("%Y%m%d")
    with_env = day >= ENVIRONMENT_SUFFIX_FROM
    counts: dict[tuple[str, str, str, str], int] = {}
    client_ids: dict[tuple[str, str, str, str], str] = {}
    commands: dict[str, Command] = {}
    blanks = seeded_rng("empty", config.seed, property_id, day.isoformat())
    attempts = 0
    while len(counts) < target and attempts < target * 20:
        attempts += 1
        project = rng.choices(active, weights)[0]
        category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[
            0
        ]
        command = command_line(rng, project, day, category)
        action = command.action
        if with_env and project.environments and rng.random() < 0.6:
            env = rng.choice(project.environments)
            action += f" --environment={sha256_hex(env)}"
        commands[action] = command
        label, dimension1 = _ids(rng, project)
        if config.empty_per_mille and blanks.randrange(1000) < config.empty_per_mille:
            label, dimension1 = blanks.choice((("", dimension1), (label, ""), ("", "")))
        key = (command.category, action, label, dimension1)
        counts[key] = counts.get(key, 0) + 1 + int(rng.expovariate(0.7))
        # The GA client id lived in a git-ignored file: every clone, container
        # and CI job had a new one, so it churns within a project.
        client_ids.setdefault(key, str(uuid.UUID(int=rng.getrandbits(128))))
    rows = tuple(
        Row(date, *key, client_id=client_ids[key], count=count)
        for key, count in sorted(counts.items())
    )
    return rows, commands


def _rows_for_day(
    config: DatasetConfig, property_id: str, day: dt.date
) -> tuple[Row, ...]:
    return _day(config, property_id, day)[0]


def _ids(rng: random.Random, project: Project) -> tuple[str, str]:
    roll = rng.randrange(1000)
    variant = Variant.CLEAN
    for candidate, per_mille in VARIANT_PER_MILLE:
        if roll < per_mille:
            variant = candidate
            break
        roll -= per_mille
    pid = project.project_id
    return {
        Variant.CLEAN: (pid, pid),
        Variant.LABEL_NOT_SET: (NOT_SET, pid),
        Variant.LABEL_TRUNCATED: (pid[:13], pid),
        Variant.TRUNCATED_ONLY: (pid[:13], NOT_SET),
        Variant.NOTHING: (NOT_SET, NOT_SET),
    }[variant]


@dataclass(frozen=True, slots=True)
class Mention:
    """One plugin a command line names, and what it names it for."""

    plugin: hub.ProjectPlugin
    #: extractor, loader, mapping, transformer (elt/schedule --transform),
    #: block (a ``name:command`` or bare block of ``meltano run``), plugin.
    role: str
    #: What the line says: the plugin's name, or a mapping's name.
    token: str
    #: ``name:command`` (run blocks, Snowplow's invoke); GA lost invoke's.
    command: str | None = None
    #: Which block of ``meltano run`` (0-based), else 0.
    block: int = 0

    @property
    def mart_name(self) -> str:
        """The name as the marts show it: a Hub name in clear, else SHA-256.

        ``--transform run|only`` names Meltano 1.x's transformer ``dbt``.
        """
        if self.role == "transformer" or (
            self.token == self.plugin.name and self.plugin.is_hub
        ):
            return self.token
        return sha256_hex(self.token)


@dataclass(frozen=True, slots=True)
class Command:
    """One Meltano command line, in GA's format, and the plugins it names."""

    category: str  # GA's event category, e.g. ``meltano add extractors``
    action: str  # GA's event action, without the --environment suffix
    mentions: tuple[Mention, ...] = field(default=())

    @property
    def cli_command(self) -> str:
        """``elt``, ``run``, ``add``...: the word after ``meltano``."""
        return self.category.split(" ")[1]

    @property
    def is_execution(self) -> bool:
        """Whether the handbook counts it as an execution event."""
        return self.cli_command in EXECUTION_COMMANDS


#: Commands the handbook calls execution events (ui names no plugin).
EXECUTION_COMMANDS = frozenset(("elt", "run", "invoke", "test", "ui"))
#: v1.99.0 (2022-04-01) put the action (add, run, list) after ``meltano
#: schedule``; before it the schedule name came first.
SCHEDULE_ACTION_FROM = dt.date(2022, 4, 1)
#: Free text users passed to ``meltano invoke`` (dbt selectors, paths, quotes).
INVOKE_ARGS = {
    "extractors": (
        "",
        "--discover",
        "--about",
        "--config /home/ana/secrets/config.json",
    ),
    "loaders": ("", "--about", "--version"),
    "mappers": ("", "--about"),
    "transformers": (
        "",
        "run",
        "run --select tag:nightly",
        "test",
        "--select 'orders+' --target prod",
        "docs generate",
        "run --models path:models/staging/",
    ),
    "utilities": ("", "run", "lint models/", '--select "my model"', "--version"),
    "orchestrators": ("", "scheduler", "dags list", "webserver -p 8081"),
}
SELECT_ENTITIES = (
    "*",
    "users",
    "public-orders",
    "'public-customer_*'",
    '"Order Lines"',
)
SELECT_ATTRIBUTES = ("*", "email", "id", '"first name"', "!password")
INTERVALS = ("@daily", "@hourly", "@weekly", "0 */6 * * *")


def command_line(  # noqa: PLR0911 - one branch per Meltano command
    rng: random.Random,
    project: Project,
    day: dt.date,
    category: str,
    *,
    v2: bool = False,
) -> Command:
    """A command of ``category`` (``meltano elt``...) the project ran that day.

    The action is GA's: Meltano 1.x's ``ga_tracker.py`` formats, which
    Meltano 2.0-2.4 kept for its Snowplow struct events; ``v2`` picks 2.x's
    ``meltano schedule add <name> --extractor ...`` format.
    """
    word = category.split(" ", 1)[1]
    tap = rng.choice(project.of_type("extractors"))
    target = rng.choice(project.of_type("loaders"))
    transformers = project.of_type("transformers")
    el = (Mention(tap, "extractor", tap.name), Mention(target, "loader", target.name))
    if word in ("elt", "schedule"):
        transform = rng.choice(("run", "skip", "only")) if transformers else "skip"
        # --transform run|only runs the transformer named dbt (Meltano 1.x).
        dbt = [p for p in transformers if p.name == "dbt"] or transformers
        runs_dbt = (
            (Mention(dbt[0], "transformer", "dbt"),) if transform != "skip" else ()
        )
    if word == "elt":
        action = f"meltano elt {tap.name} {target.name} --transform {transform}"
        return Command(category, action, el + runs_dbt)
    if word == "run":
        return _run_command(rng, project, tap, target)
    if word == "invoke":
        plugin = rng.choice(project.plugins)
        args = rng.choice(INVOKE_ARGS[plugin.plugin_type])
        command = None
        if plugin.commands and rng.random() < 0.5:
            # ``invoke dbt:run ...``: GA's action drops the ``:run``.
            command = rng.choice(plugin.commands)
        # Meltano joined the arguments after one space, even when there were none.
        action = f"meltano invoke {plugin.name} {args}"
        return Command(
            category, action, (Mention(plugin, "plugin", plugin.name, command),)
        )
    if word == "add":
        plugin = rng.choice(project.plugins)
        category = f"meltano add {plugin.plugin_type}"
        return Command(
            category,
            f"{category} {plugin.name}",
            (Mention(plugin, "plugin", plugin.name),),
        )
    if word == "init":
        return Command(category, f"meltano init {project.typed_name}")
    if word == "select":
        entities = rng.choice(SELECT_ENTITIES)
        attributes = rng.choice(SELECT_ATTRIBUTES)
        flags = rng.choice(("", " --list", " --list --all", " --exclude"))
        action = f"meltano select {tap.name} {entities} {attributes}{flags}"
        return Command(category, action, el[:1])
    if word == "schedule":
        return _schedule_command(rng, project, day, el + runs_dbt, transform, v2=v2)
    if word == "state":
        state_id = f"{tap.name}-to-{target.name}"
        action = f"meltano state {rng.choice(('get', 'set'))} {sha256_hex(state_id)}"
        return Command(category, action)
    if word == "discover":
        return Command(category, "meltano discover extractors")
    if word == "test":
        roll = rng.random()
        if roll < 0.4:
            return Command(category, "meltano test --all")
        plugin = rng.choice(project.plugins)
        test = (
            f"{plugin.name}:{rng.choice(('validate', 'check-auth'))}"
            if roll < 0.7
            else plugin.name
        )
        return Command(
            category, f"meltano test {test}", (Mention(plugin, "plugin", plugin.name),)
        )
    if word == "job":
        if rng.random() < 0.5:
            return Command(category, "meltano job list")
        # Meltano's own format ends with a space.
        return Command(category, f"meltano job {tap.name}-daily add ")
    return Command(category, category)  # install, ui


def _run_command(
    rng: random.Random,
    project: Project,
    tap: hub.ProjectPlugin,
    target: hub.ProjectPlugin,
) -> Command:
    """``meltano run``: an EL block (maybe with a mapping), then maybe commands."""
    mentions = [Mention(tap, "extractor", tap.name)]
    mappers = [p for p in project.of_type("mappers") if p.mappings]
    if mappers and rng.random() < 0.5:
        mapper = rng.choice(mappers)
        mentions.append(Mention(mapper, "mapping", rng.choice(mapper.mappings)))
    mentions.append(Mention(target, "loader", target.name))
    commanders = [p for p in project.plugins if p.commands]
    block = 1
    for chance in (0.6, 0.3):
        if not commanders or rng.random() >= chance:
            break
        plugin = rng.choice(commanders)
        command = rng.choice(plugin.commands)
        mentions.append(Mention(plugin, "block", f"{plugin.name}", command, block))
        block += 1
    if rng.random() < 0.15:
        # A second EL block in the same run.
        other_tap = rng.choice(project.of_type("extractors"))
        other_target = rng.choice(project.of_type("loaders"))
        mentions += [
            Mention(other_tap, "extractor", other_tap.name, block=block),
            Mention(other_target, "loader", other_target.name, block=block),
        ]
    words = [f"{m.token}:{m.command}" if m.command else m.token for m in mentions]
    return Command("meltano run", "meltano run " + " ".join(words), tuple(mentions))


def _schedule_command(
    rng: random.Random,
    project: Project,
    day: dt.date,
    mentions: tuple[Mention, ...],
    transform: str,
    *,
    v2: bool,
) -> Command:
    """``meltano schedule`` in the format of the Meltano release of that day."""
    category = "meltano schedule"
    tap, target = mentions[0].token, mentions[1].token
    name = rng.choice((f"{tap}-to-{target}", "nightly load", f"client-{project.name}"))
    interval = rng.choice(INTERVALS)
    if v2:
        if rng.random() < 0.3:
            job = f"{tap}-daily"
            return Command(
                category,
                f"meltano schedule add {name} --job={job} --interval={interval}",
            )
        action = (
            f"meltano schedule add {name} --extractor {tap} --loader {target}"
            f" --interval {interval} --transform={transform}"
        )
        return Command(category, action, mentions)
    tail = f"{tap} {target} {interval} --transform={transform}"
    if day < SCHEDULE_ACTION_FROM:
        return Command(category, f"meltano schedule {name} {tail}", mentions)
    if rng.random() < 0.3:
        return Command(category, "meltano schedule list")
    return Command(category, f"meltano schedule add {name} {tail}", mentions)


def iter_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from start to end, inclusive."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def rows_in_range(
    config: DatasetConfig, property_id: str, start: dt.date, end: dt.date
) -> list[Row]:
    """Every row from start to end inclusive, ordered by date then dimensions."""
    rows: list[Row] = []
    for day in iter_days(start, end):
        rows.extend(_rows_for_day(config, property_id, day))
    return rows


@dataclass
class PluginUsage:
    """One plugin's planted GA usage (see ``plugin_usage``)."""

    plugin_types: set[str] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)  # project keys (see resolve)
    events: int = 0  # sum of GA event counts of the rows naming it
    executions: int = 0  # the same, for execution commands only
    #: Event counts per ``cli_command`` (elt, run, add...).
    commands: Counter[str] = field(default_factory=Counter)


def row_project(config: DatasetConfig, row: Row) -> Project | None:
    """The project a row carries: its label, else its custom dimension 1.

    None when neither is a whole project id (``(not set)``, truncated, empty),
    as the tap and dbt decide.
    """
    by_id = _projects_by_id(config.seed, config.projects)
    return by_id.get(row.label) or by_id.get(row.dimension1)


@functools.lru_cache(maxsize=16)
def _projects_by_id(seed: int, count: int) -> dict[str, Project]:
    return {p.project_id: p for p in projects(seed, count)}


def plugin_usage(
    config: DatasetConfig,
    property_id: str,
    start: dt.date,
    end: dt.date,
    *,
    resolve: Callable[[str, str], str | None] | None = None,
    until: Mapping[str, dt.date] | None = None,
) -> dict[str, PluginUsage]:
    """The planted answer: per plugin, as the marts name it, its GA usage.

    Keys are ``Mention.mart_name``: a Hub plugin's name in clear, else the
    SHA-256 hex of the name the command line typed (custom and inherited
    plugins, mapping names). Every plugin a row's action names counts once
    for that row, however often the line names it (elt's and schedule's
    ``--transform run|only`` name ``dbt``; ``meltano run`` names each block;
    invoke, add and test name one plugin; select names its extractor). Only
    rows that carry a project id count.

    ``resolve(label, dimension1)`` gives a row's project key (the tap's
    ``rekey.resolve_project_id`` for the warehouse's); by default the
    project id as GA sent it, when label or dimension 1 is one whole.
    ``until`` maps a project key to the first day that no longer counts for
    GA (its Snowplow activation date): the GA era.
    """
    usage: dict[str, PluginUsage] = {}
    for day in iter_days(start, end):
        rows, commands = _day(config, property_id, day)
        for row in rows:
            if resolve is None:
                project = row_project(config, row)
                key = project.project_id if project else None
            else:
                key = resolve(row.label, row.dimension1)
            if key is None or (until and key in until and day >= until[key]):
                continue
            command = commands[row.action]
            named = {m.mart_name: m for m in reversed(command.mentions)}
            for mart_name, mention in named.items():
                found = usage.setdefault(mart_name, PluginUsage())
                found.plugin_types.add(mention.plugin.plugin_type)
                found.projects.add(key)
                found.events += row.count
                found.executions += row.count if command.is_execution else 0
                found.commands[command.cli_command] += row.count
    return usage


def hashed_names(config: DatasetConfig) -> dict[str, str]:
    """SHA-256 hex -> name, for every plugin and mapping name not on the Hub.

    What a mart may show of them (the hash), and what it must never show
    (the name).
    """
    names: dict[str, str] = {}
    for project in projects(config.seed, config.projects):
        for plugin in project.plugins:
            for name in (plugin.name, *plugin.mappings):
                if name != plugin.name or not plugin.is_hub:
                    names[sha256_hex(name)] = name
    return names
