"""Which Meltano plugins each emulated project uses, and how Meltano named them.

Shared by the GA emulator (plugin names inside the GA actions) and the
Snowplow sample (the ``plugins_context`` of Meltano 2.x), so both eras see the
same projects with the same plugins.

``HUB_PLUGINS`` is a curated slice of MeltanoHub's plugin list, each row
exactly as ``transform/seeds/meltanohub_plugins.csv`` has it (the emulator
reads no file outside its package at run time; tests/emulator checks every
row against the seed). Popularity is skewed on purpose:

* ``head``: the Getting Started Guide's plugins (tap-github, tap-gitlab,
  target-postgres, target-jsonl), dbt and Airflow, in most projects;
* ``torso``: common extractors, loaders, dbt adapters, utilities and mappers,
  in a few percent to a fifth of the projects each (dbt-snowflake and
  dbt-bigquery are on the Hub as transformers and as utilities: a name under
  two types);
* ``tail``: one or two projects each.

On top of those, projects define plugins that are not on the Hub, whose names
a mart must only ever show hashed: custom plugins (``my-custom-tap``,
``tap-acme-api-17``, ``pipelinewise-tap-oracle``) and plugins that inherit
from a Hub plugin (``tap-postgres-client3`` from tap-postgres), and mapping
names (``hash-emails``) of a mapper.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from ga_emulator.seeds import seeded_rng, sha256_hex

if TYPE_CHECKING:
    import random

#: The Python version Meltano 2.0-2.10 expanded ``${MELTANO__PYTHON_VERSION}``
#: to before hashing a pip_url (``formatted_pip_url``): what the sample's
#: environment_context reports.
PYTHON_VERSION = "3.9"


@dataclass(frozen=True, slots=True)
class HubPlugin:
    """One (plugin_type, name, variant) row of MeltanoHub's plugin list."""

    tier: str  # head, torso, tail: how many projects use it
    plugin_type: str
    name: str
    variant: str
    namespace: str
    executable: str  # the Hub's, or the name when the Hub gives none
    pip_url: str


#: The curated rows, in ``hub_plugins.csv`` next to this module (the seed's
#: columns, plus ``tier``). tests/emulator checks each against the seed.
HUB_PLUGINS: tuple[HubPlugin, ...] = tuple(
    HubPlugin(**row)
    for row in csv.DictReader(
        io.StringIO(
            resources.files(__package__).joinpath("hub_plugins.csv").read_text()
        )
    )
)

#: Share (per mille) of projects that have each head plugin.
HEAD_PER_MILLE = {
    "tap-github": 620,
    "tap-gitlab": 680,
    "target-jsonl": 640,
    "target-postgres": 560,
    "dbt": 420,
    "dbt-postgres": 260,
    "airflow": 450,
}
#: Share (per mille) of projects that have each torso plugin not in the
#: original ``dataset.TAPS``/``TARGETS`` draw (those keep their own).
TORSO_PER_MILLE = {
    ("loaders", "target-duckdb"): 90,
    ("transformers", "dbt-snowflake"): 80,
    ("transformers", "dbt-duckdb"): 60,
    ("utilities", "dbt-snowflake"): 70,
    ("utilities", "dbt-bigquery"): 40,
    ("utilities", "sqlfluff"): 110,
    ("utilities", "superset"): 60,
    ("utilities", "great_expectations"): 50,
    ("utilities", "dagster"): 30,
    ("mappers", "meltano-map-transformer"): 140,
    ("mappers", "transform-field"): 60,
}
#: Commands a plugin type offers as ``name:command`` (Hub command names and
#: the commands users define most); ``run_staging_marts`` is typed by a user.
COMMANDS = {
    "transformers": ("run", "test", "build", "compile", "seed", "docs-generate"),
    "utilities": ("run", "test", "build", "lint", "ui", "run_staging_marts"),
    "orchestrators": ("scheduler", "webserver", "ui"),
}
MAPPING_NAMES = ("hash-emails", "drop-pii", "rename-columns", "flatten-json")
CUSTOM_TAPS = ("my-custom-tap", "tap-internal-api", "pipelinewise-tap-oracle")
CUSTOM_TARGETS = ("my-target", "target-internal-lake")


@dataclass(frozen=True, slots=True)
class ProjectPlugin:
    """One plugin as a project's meltano.yml defines it."""

    name: str
    plugin_type: str
    namespace: str
    executable: str
    pip_url: str
    variant: str | None  # None: a custom plugin has no variant
    #: The plugin it inherits from (``inherit_from``), or None.
    inherits_from: str | None = None
    #: For a mapper: the mapping names ``meltano run`` takes instead of its name.
    mappings: tuple[str, ...] = ()

    @property
    def is_hub(self) -> bool:
        """Whether the name is a Hub plugin's (so marts show it in clear)."""
        return self.inherits_from is None and (self.plugin_type, self.name) in _HUB

    @property
    def parent_name(self) -> str:
        """``plugin.parent.name`` in Meltano: the inherited plugin, else itself."""
        return self.inherits_from or self.name

    @property
    def mart_name(self) -> str:
        """The name as the marts show it: clear on the Hub, else its SHA-256."""
        return self.name if self.is_hub else sha256_hex(self.name)

    @property
    def commands(self) -> tuple[str, ...]:
        """The commands it offers as ``name:command``."""
        return COMMANDS.get(self.plugin_type, ())

    def formatted_pip_url(self) -> str:
        """The pip_url as Meltano 2.0-2.10 hashed it (variables expanded)."""
        return self.pip_url.replace("${MELTANO__PYTHON_VERSION}", PYTHON_VERSION)

    def context(self, command: str | None) -> dict[str, str | None]:
        """This plugin in ``plugins_context`` 1-0-0, hashed as Meltano 2.x does.

        ``tracking/contexts/plugins.py`` (v2.0-v2.10): sha256 hex of name,
        namespace, executable, variant, the formatted pip_url and the
        parent's name (each None when empty); the plugin type and the
        command in clear.
        """
        pip_url = self.formatted_pip_url()
        return {
            "category": self.plugin_type,
            "name_hash": sha256_hex(self.name),
            "namespace_hash": sha256_hex(self.namespace),
            "executable_hash": sha256_hex(self.executable),
            "variant_name_hash": sha256_hex(self.variant) if self.variant else None,
            "pip_url_hash": sha256_hex(pip_url) if pip_url else None,
            "parent_name_hash": sha256_hex(self.parent_name),
            "command": command,
        }


_HUB = {(p.plugin_type, p.name): p for p in HUB_PLUGINS}
_HUB_NAMES = frozenset(p.name for p in HUB_PLUGINS)


def is_hub_name(name: str) -> bool:
    """Whether a name is one of the curated Hub plugins' (of any type)."""
    return name in _HUB_NAMES


def hub_plugin(plugin_type: str, name: str) -> HubPlugin:
    """The curated Hub row of a (type, name)."""
    return _HUB[plugin_type, name]


def from_hub(hub: HubPlugin) -> ProjectPlugin:
    """A Hub plugin added as is (``meltano add extractor tap-github``)."""
    return ProjectPlugin(
        hub.name, hub.plugin_type, hub.namespace, hub.executable, hub.pip_url,
        hub.variant,
    )  # fmt: skip


def inherited(name: str, parent: HubPlugin) -> ProjectPlugin:
    """A plugin with ``inherit_from: <parent>``: the parent's definition."""
    return ProjectPlugin(
        name, parent.plugin_type, parent.namespace, parent.executable,
        parent.pip_url, parent.variant, inherits_from=parent.name,
    )  # fmt: skip


def custom(name: str, plugin_type: str) -> ProjectPlugin:
    """A custom plugin (``meltano add --custom``): no variant, its own pip_url."""
    namespace = name.replace("-", "_")
    return ProjectPlugin(
        name, plugin_type, namespace, name, f"git+https://git.example.com/{name}.git",
        None,
    )  # fmt: skip


@functools.lru_cache(maxsize=16)
def _tail_owners(seed: int, count: int) -> dict[int, tuple[HubPlugin, ...]]:
    """Tail plugins dealt to one or two of the ``count`` projects each."""
    owners: dict[int, list[HubPlugin]] = {}
    rng = seeded_rng("tail-plugins", seed)
    for plugin in HUB_PLUGINS:
        if plugin.tier == "tail":
            for index in rng.sample(range(count), rng.choice((1, 1, 2))):
                owners.setdefault(index, []).append(plugin)
    return {index: tuple(found) for index, found in owners.items()}


def project_plugins(
    seed: int, count: int, index: int, base: tuple[HubPlugin, ...] = ()
) -> tuple[ProjectPlugin, ...]:
    """The plugins of project ``index`` of ``count``: ``base`` plus its draws.

    Drawn from a generator of its own, so the projects' ids, lifetimes and
    base plugins are the same whatever is added here. An index at or past
    ``count`` (a project the GA data set does not have) gets no tail plugin.
    Every project has at least one extractor and one loader.
    """
    rng = seeded_rng("project-plugins", seed, index)
    chosen = [from_hub(plugin) for plugin in base]
    for plugin in HUB_PLUGINS:
        if plugin.tier == "head":
            per_mille = HEAD_PER_MILLE[plugin.name]
        elif plugin.tier == "torso":
            per_mille = TORSO_PER_MILLE.get((plugin.plugin_type, plugin.name), 0)
        else:
            continue
        if rng.randrange(1000) < per_mille:
            chosen.append(from_hub(plugin))
    chosen.extend(
        from_hub(plugin) for plugin in _tail_owners(seed, count).get(index, ())
    )
    roll = rng.randrange(1000)
    if roll < 180:
        # An inherited copy per client: its name is typed by the user.
        parent = hub_plugin("extractors", rng.choice(("tap-postgres", "tap-github")))
        chosen.append(inherited(f"{parent.name}-client{index}", parent))
    elif roll < 260:
        parent = hub_plugin("loaders", "target-postgres")
        chosen.append(
            inherited(f"target-postgres-{rng.choice(('prod', 'eu'))}", parent)
        )
    roll = rng.randrange(1000)
    if roll < 120:
        chosen.append(custom(rng.choice(CUSTOM_TAPS), "extractors"))
    elif roll < 170:
        chosen.append(custom(f"tap-acme-api-{index}", "extractors"))
    elif roll < 200:
        chosen.append(custom(rng.choice(CUSTOM_TARGETS), "loaders"))
    types = {plugin.plugin_type for plugin in chosen}
    if "extractors" not in types:
        chosen.append(from_hub(hub_plugin("extractors", "tap-csv")))
    if "loaders" not in types:
        chosen.append(from_hub(hub_plugin("loaders", "target-jsonl")))
    unique = {(plugin.plugin_type, plugin.name): plugin for plugin in chosen}
    return tuple(_with_mappings(rng, list(unique.values()), index))


def _with_mappings(
    rng: random.Random, chosen: list[ProjectPlugin], index: int
) -> list[ProjectPlugin]:
    """Give each mapper one or two mapping names (one of them the project's own)."""
    result = []
    for plugin in chosen:
        if plugin.plugin_type != "mappers":
            result.append(plugin)
            continue
        names = [rng.choice(MAPPING_NAMES)]
        if rng.random() < 0.4:
            names.append(f"mask-client-{index}")
        result.append(dataclasses.replace(plugin, mappings=tuple(names)))
    return result
