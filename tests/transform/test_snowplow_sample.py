"""The Snowplow sample: its CLI as the docs write it, and the plugins it plants."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

import snowplow_sample as snowplow
from ga_emulator import plugins as hub
from ga_emulator.seeds import sha256_hex
from tests.support.warehouse import BIN

if TYPE_CHECKING:
    from pathlib import Path


def test_loads_into_a_warehouse_whose_folder_does_not_exist(tmp_path: Path) -> None:
    # A fresh clone has no output/ yet.
    done = subprocess.run(
        [BIN / "snowplow-sample", "--database", "output/warehouse.duckdb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    plan = json.loads(done.stdout)
    with duckdb.connect(str(tmp_path / "output" / "warehouse.duckdb")) as con:
        (loaded,) = con.execute("select count(*) from snowplow.events").fetchone()
    assert loaded == plan["rows"] > 0


# -- the plugins the sample plants -------------------------------------------

#: Two months of 2.x after the struct era: every shape of event is there.
SAMPLE = snowplow.SnowplowConfig(last_day=dt.date(2022, 7, 31))
#: (plugin type, SHA-256 of the name) -> the Hub plugin: a name may be two types.
HUB_BY_HASH = {(p.plugin_type, sha256_hex(p.name)): p for p in hub.HUB_PLUGINS}
PLUGIN_FIELDS = {
    "category", "name_hash", "namespace_hash", "executable_hash",
    "variant_name_hash", "pip_url_hash", "parent_name_hash", "command",
}  # fmt: skip
#: The RunnerError messages of Meltano 2.3's blocks and runners.
RUNNER_ERRORS = {
    "Extractor failed", "Loader failed", "Extractor and loader failed",
    "Mappers failed", "`dbt run` failed",
}  # fmt: skip


@pytest.fixture(scope="module")
def sample() -> tuple[list[dict[str, Any]], snowplow.Plan]:
    rows, plan = snowplow.generate(SAMPLE)
    events = []
    for row in {r["event_id"]: r for r in rows}.values():
        contexts = json.loads(row["contexts"])["data"] if row["contexts"] else []
        by_name = {c["schema"].split("/")[1]: c["data"] for c in contexts}
        unstruct = (
            json.loads(row["unstruct_event"])["data"] if row["unstruct_event"] else {}
        )
        events.append({**row, "ctx": by_name, "data": unstruct.get("data", {})})
    return events, plan


def _execution(event: dict[str, Any]) -> str:
    return event["ctx"]["project_context"]["context_uuid"]


def test_plugins_context_is_hashed_as_meltano_hashes_it(sample: tuple) -> None:
    events, plan = sample
    items = [
        i
        for e in events
        for i in e["ctx"].get("plugins_context", {}).get("plugins", [])
    ]
    assert len(items) > 1000
    for item in items:
        assert set(item) == PLUGIN_FIELDS
        hashes = [v for k, v in item.items() if k.endswith("_hash") and v is not None]
        assert all(re.fullmatch(r"[0-9a-f]{64}", v) for v in hashes), item
        known = HUB_BY_HASH.get((item["category"], item["name_hash"]))
        if known is None:
            assert item["name_hash"] in plan.hashed_names  # custom or inherited
            continue
        assert item["namespace_hash"] == sha256_hex(known.namespace)
        assert item["executable_hash"] == sha256_hex(known.executable)
        assert item["variant_name_hash"] == sha256_hex(known.variant)
        assert item["parent_name_hash"] == item["name_hash"]
        # Meltano 2.0-2.10 hashed the pip_url with its variables expanded.
        expanded = known.pip_url.replace("${MELTANO__PYTHON_VERSION}", "3.9")
        assert item["pip_url_hash"] == sha256_hex(expanded)
    inherited = [i for i in items if i["parent_name_hash"] != i["name_hash"]]
    assert inherited
    assert all((i["category"], i["parent_name_hash"]) in HUB_BY_HASH for i in inherited)
    assert {i["command"] for i in items} >= {None, "run", "test"}


def test_plugins_context_rides_on_the_events_meltano_attaches_it_to(
    sample: tuple,
) -> None:
    events, _ = sample
    carried: dict[str, set[str]] = {}
    for e in events:
        if e["event_name"] in ("cli_event", "block_event", "exit_event"):
            command = e["ctx"]["cli_context"]["command"]
            what = e["event_name"] + ":" + e["data"].get("event", "")
            if "plugins_context" in e["ctx"]:
                carried.setdefault(command, set()).add(what)
    assert set(carried) == {"add", "config", "elt", "install", "invoke", "run"}
    assert carried["run"] == {
        "block_event:initialized",
        "block_event:completed",
        "block_event:failed",
    }
    for command in ("add", "config", "elt", "install", "invoke"):
        assert "cli_event:started" not in carried[command]
        assert {"cli_event:inflight", "cli_event:completed", "exit_event:"} <= carried[
            command
        ]


def test_failures_carry_meltanos_exceptions(sample: tuple) -> None:
    events, plan = sample
    failed_blocks = [
        e
        for e in events
        if e["event_name"] == "block_event" and e["data"]["event"] == "failed"
    ]
    assert failed_blocks
    for e in failed_blocks:
        exception = e["ctx"]["exception_context"]["exception"]
        assert exception["type"] == "RunnerError"
        if e["data"]["type"] == "ExtractLoadBlocks":
            assert exception["str_hash"] in {sha256_hex(m) for m in RUNNER_ERRORS}
    failed = [
        e
        for e in events
        if e["data"].get("event") == "failed" and e["event_name"] == "cli_event"
    ]
    assert len(failed) == plan.failed
    by_command = {}
    for e in failed:
        exception = e["ctx"]["exception_context"]["exception"]
        by_command.setdefault(e["ctx"]["cli_context"]["command"], set()).add(
            None
            if exception is None
            else (exception["type"], (exception["cause"] or {}).get("type"))
        )
    assert by_command["run"] == {("CliError", "RunnerError")}
    assert by_command["elt"] == {("CliError", "RunnerError")}
    assert by_command["invoke"] == {None}  # a plugin exiting non-zero raises nothing


def test_plugin_usage_is_what_the_events_say(sample: tuple) -> None:
    events, plan = sample
    named: dict[str, set[str]] = {}
    projects: dict[str, set[str]] = {}
    for e in events:
        for item in e["ctx"].get("plugins_context", {}).get("plugins", []):
            known = HUB_BY_HASH.get((item["category"], item["name_hash"]))
            name = known.name if known else item["name_hash"]
            named.setdefault(name, set()).add(_execution(e))
            projects.setdefault(name, set()).add(
                e["ctx"]["project_context"]["project_uuid"]
            )
    usage = snowplow.plugin_usage(plan)
    executed = {k: v for k, v in usage.items() if v.executions}
    assert {k: v.executions for k, v in executed.items()} == {
        k: len(v) for k, v in named.items()
    }
    assert all(usage[k].projects >= projects[k] for k in named)
    assert sum(u.failed for u in usage.values()) > 0
    assert sum(u.aborted for u in usage.values()) > 0
    # 1.97-1.105 struct events name plugins in their GA command lines.
    assert usage["tap-gitlab"].struct_events > 0
    assert all(v.success + v.failed + v.aborted == v.executions for v in usage.values())


def test_struct_events_carry_the_ga_command_lines(sample: tuple) -> None:
    events, _ = sample
    struct = [e for e in events if e["event"] == "struct"]
    assert all(e["se_action"].startswith(e["se_category"]) for e in struct)
    actions = {e["se_action"] for e in struct}
    assert any(a.startswith("meltano run ") and ":" in a for a in actions)
    # Meltano 2.x's schedule format, in the struct events it still sent.
    assert any(
        re.match(r"meltano schedule add .+ --extractor \S+ --loader \S+ --interval", a)
        for a in actions
    )
    with_contexts = [e for e in struct if e["ctx"]]
    assert with_contexts
    assert all(
        e["se_action"].split(" ")[1] == e["ctx"]["cli_context"]["command"]
        for e in with_contexts
    )
