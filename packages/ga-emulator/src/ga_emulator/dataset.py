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
* days with no rows (GA outages) and weekends with less traffic.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import uuid
from dataclasses import dataclass
from enum import Enum

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
    taps: tuple[str, ...]
    targets: tuple[str, ...]
    environments: tuple[str, ...]


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


def sha256_hex(text: str) -> str:
    """SHA-256 hex digest, as Meltano hashed environment names and the like."""
    return hashlib.sha256(text.encode()).hexdigest()


def seeded_rng(*parts: object) -> random.Random:
    """A random generator seeded by ``parts``: the same draws on every run."""
    return random.Random(":".join(str(p) for p in parts))


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
        result.append(
            Project(
                project_id=project_id,
                name=name,
                first_day=first,
                last_day=min(first + dt.timedelta(days=lifetime), LAST_GA_DAY),
                weight=1 + int(rng.paretovariate(1.2) * 3),
                taps=tuple(rng.sample(TAPS, rng.randint(1, 3))),
                targets=tuple(rng.sample(TARGETS, rng.randint(1, 2))),
                environments=tuple(rng.sample(ENVIRONMENTS, rng.randint(0, 3))),
            )
        )
    return tuple(result)


def is_outage(config: DatasetConfig, day: dt.date) -> bool:
    """Whether GA recorded nothing on this day."""
    return config.outage_every > 0 and day.toordinal() % config.outage_every == 0


@functools.lru_cache(maxsize=256)
def _rows_for_day(
    config: DatasetConfig, property_id: str, day: dt.date
) -> tuple[Row, ...]:
    """Every aggregated row of one day, sorted by (category, action, label, dim1)."""
    if not config.first_day <= day <= config.last_day or is_outage(config, day):
        return ()
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
    blanks = seeded_rng("empty", config.seed, property_id, day.isoformat())
    attempts = 0
    while len(counts) < target and attempts < target * 20:
        attempts += 1
        project = rng.choices(active, weights)[0]
        category, action = _command(rng, project, with_env)
        label, dimension1 = _ids(rng, project)
        if config.empty_per_mille and blanks.randrange(1000) < config.empty_per_mille:
            label, dimension1 = blanks.choice((("", dimension1), (label, ""), ("", "")))
        key = (category, action, label, dimension1)
        counts[key] = counts.get(key, 0) + 1 + int(rng.expovariate(0.7))
        # The GA client id lived in a git-ignored file: every clone, container
        # and CI job had a new one, so it churns within a project.
        client_ids.setdefault(key, str(uuid.UUID(int=rng.getrandbits(128))))
    return tuple(
        Row(date, *key, client_id=client_ids[key], count=count)
        for key, count in sorted(counts.items())
    )


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


def _command(rng: random.Random, project: Project, with_env: bool) -> tuple[str, str]:
    category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
    tap = rng.choice(project.taps)
    target = rng.choice(project.targets)
    command = category.split(" ", 1)[1]
    if command == "elt":
        transform = rng.choice(("run", "skip", "only"))
        action = f"meltano elt {tap} {target} --transform {transform}"
    elif command == "run":
        action = f"meltano run {tap} {target}" + rng.choice(("", " dbt:run"))
    elif command == "invoke":
        plugin = rng.choice((tap, target, "dbt", "airflow"))
        action = f"meltano invoke {plugin} " + rng.choice(("--discover", "", "run"))
        action = action.rstrip()
    elif command == "add":
        plugin_type = rng.choice(PLUGIN_TYPES)
        category = f"meltano add {plugin_type}"
        action = f"{category} {tap if plugin_type == 'extractors' else target}"
    elif command == "init":
        action = f"meltano init {project.name}"
    elif command == "select":
        action = f"meltano select {tap} " + rng.choice(("--list --all", "users *"))
    elif command == "schedule":
        action = (
            f"meltano schedule add {tap}-to-{target} --extractor {tap}"
            f" --loader {target} --interval @daily"
        )
    elif command == "state":
        state_id = f"{tap}-to-{target}"
        action = f"meltano state {rng.choice(('get', 'set'))} {sha256_hex(state_id)}"
    elif command == "discover":
        action = "meltano discover extractors"
    elif command == "test":
        action = "meltano test --all"
    elif command == "job":
        action = rng.choice(("meltano job list", f"meltano job {tap}-daily add"))
    else:  # install, ui
        action = category
    if with_env and project.environments and rng.random() < 0.6:
        env = rng.choice(project.environments)
        action += f" --environment={sha256_hex(env)}"
    return category, action


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
