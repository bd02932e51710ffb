/*
    One row per plugin per counted command, in its era's grain
    (execution_grain): in the Snowplow era one row per plugin per execution
    (2.x, snowplow_execution) or per struct event (1.97-1.105,
    snowplow_structured_event); in the GA era one row per plugin, project,
    day and command line (ga_daily_command), carrying GA's event count in
    execution_count. Counted as int_plugin_executions_unioned counts it: GA
    before the project's Snowplow activation date, Snowplow from it. Join
    dim_plugins on plugin_key. The command line itself is known only by its
    SHA-256 (command_line_hash).

    A view, not a table: it is int_plugin_executions_unioned as is (which the
    other plugin marts read, so that no mart reads a mart), and a copy of its
    1.8M rows at the benchmark's scale cost the build 5 s. On Snowflake the
    view reads the intermediate table with its owner's rights: the ANALYST
    role needs no grant on _INTERMEDIATE (docs/snowflake.md).
*/
{{ config(materialized='view') }}

with

plugin_executions as (

    select * from {{ ref('int_plugin_executions_unioned') }}

)

select * from plugin_executions
