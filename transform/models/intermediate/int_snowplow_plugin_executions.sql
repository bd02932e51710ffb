{{ config(materialized='table') }}

/*
    One row per plugin per Meltano 2.x execution (context_uuid), in the order
    Meltano ran them (plugin_position): each plugin of the execution's
    plugins contexts. `meltano run` sends one plugins context per block with
    that block's block events, so a plugin run in two blocks has two rows;
    every other command sends one for the whole execution.

    Hashed fields are un-hashed through int_hash_lookup where the Hub (or a
    seed) knows the value; anything else stays the SHA-256 Meltano sent.

    completion_status, per plugin:
    - a `meltano run` block (block events): completed -> success; never
      completed nor failed -> aborted (killed, or a dry run); failed ->
      an InvokerCommand block's one plugin failed; an extract/load block's
      exception message (un-hashed against meltano_runtime_errors: its
      str_hash, else its cause's) names the plugin type that failed, the
      others of the block were aborted; no known message -> unknown.
    - `meltano elt` (no block events) that failed: the same message rule
      (Meltano wraps the runner's error, so the cause's hash matches); when
      the transformer failed, the extractor and loader had completed
      (success); no known message -> unknown.
    - every other plugin (elt that did not fail, invoke, add, install,
      config, ...): the CLI execution's status.
*/

-- The hashed fields un-hashed where int_hash_lookup knows them: the join's
-- alias, the column, its hash_kind.
{%- set hashed_fields = [
    ('name_lookup', 'name_hash', 'plugin_name'),
    ('parent_lookup', 'parent_name_hash', 'plugin_name'),
    ('variant_lookup', 'variant_name_hash', 'plugin_variant'),
    ('pip_url_lookup', 'pip_url_hash', 'plugin_pip_url'),
    ('namespace_lookup', 'namespace_hash', 'plugin_namespace'),
    ('executable_lookup', 'executable_hash', 'plugin_executable'),
    ('environment_lookup', 'environment_name_hash', 'environment'),
] %}

with

plugin_contexts as (

    select * from {{ ref('stg_snowplow__plugin_contexts') }}

),

events as (

    select * from {{ ref('stg_snowplow__events') }}
    where plugins_context is not null

),

executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}
    where project_id is not null

),

lookup as (

    select * from {{ ref('int_hash_lookup') }}

),

runtime_errors as (

    select * from {{ ref('meltano_runtime_errors') }}

),

/*
    Meltano builds a plugins context once per block (or execution) and sends
    it with each of that block's events, so its statuses come from all of
    those events and its plugins from one of them (the lowest event_id),
    not from a group by over every plugin of every event (8.5 -> 4.8 CPU s
    at the benchmark's 1.56M plugins).
*/
context_events as (

    select
        plugin_contexts.execution_id,
        plugin_contexts.plugins_context_uuid,
        events.event_id,
        events.block_type,
        events.block_event,
        events.event_created_at,
        events.exception_str_hash is not null as has_exception,
        coalesce(top_error.clear_value, cause_error.clear_value)
            as error_message
    from plugin_contexts
    inner join events
        on plugin_contexts.event_id = events.event_id
    {{ hash_lookup_join(
        'lookup', 'top_error', 'events.exception_str_hash', 'runtime_error'
    ) }}
    {{ hash_lookup_join(
        'lookup', 'cause_error', 'events.exception_cause_str_hash',
        'runtime_error'
    ) }}
    where plugin_contexts.plugin_index = 1

),

-- One row per plugins context (a block, or the execution).
contexts as (

    select
        execution_id,
        plugins_context_uuid,
        min(event_id) as event_id,
        max(block_type) as block_type,
        max(error_message) as error_message,
        coalesce({{ dbt.bool_or("block_event = 'completed'") }}, false)
            as has_block_completed,
        coalesce({{ dbt.bool_or("block_event = 'failed'") }}, false)
            as has_block_failed,
        coalesce({{ dbt.bool_or('has_exception') }}, false) as has_exception,
        min(event_created_at) as first_event_at
    from context_events
    group by execution_id, plugins_context_uuid

),

-- One row per plugin of one plugins context.
plugins as (

    select
        contexts.*,
        plugin_contexts.plugin_index,
        plugin_contexts.category,
        plugin_contexts.name_hash,
        plugin_contexts.namespace_hash,
        plugin_contexts.executable_hash,
        plugin_contexts.variant_name_hash,
        plugin_contexts.parent_name_hash,
        plugin_contexts.pip_url_hash,
        plugin_contexts.command
    from contexts
    inner join plugin_contexts
        on contexts.event_id = plugin_contexts.event_id

),

statuses as (

    select
        plugins.*,
        executions.project_id,
        executions.started_at,
        executions.started_date,
        executions.cli_command,
        executions.environment_name_hash,
        executions.status as execution_status,
        blamed.error_message is not null as is_blamed,
        blamed_transformer.error_message is not null
            as is_transformer_error,
        row_number() over (
            partition by plugins.execution_id
            order by
                plugins.first_event_at,
                plugins.plugins_context_uuid,
                plugins.plugin_index
        ) as plugin_position
    from plugins
    inner join executions
        on plugins.execution_id = executions.execution_id
    left join runtime_errors as blamed
        on plugins.error_message = blamed.error_message
            and plugins.category = blamed.failed_plugin_type
    left join runtime_errors as blamed_transformer
        on plugins.error_message = blamed_transformer.error_message
            and blamed_transformer.failed_plugin_type = 'transformers'

),

final as (

    select
        -- ids
        {{ surrogate_key(
            ['statuses.execution_id', 'statuses.plugin_position']
        ) }} as plugin_execution_key,
        statuses.execution_id,
        statuses.project_id,

        -- strings
        statuses.cli_command,
        coalesce(name_lookup.clear_value, statuses.name_hash) as plugin_name,
        statuses.name_hash as plugin_name_hash,
        coalesce(statuses.category, 'unknown') as plugin_type,
        {{ plugin_category(
            'statuses.category',
            'coalesce(name_lookup.clear_value, parent_lookup.clear_value)'
        ) }} as plugin_category,
        coalesce(variant_lookup.clear_value, statuses.variant_name_hash)
            as plugin_variant,
        coalesce(pip_url_lookup.clear_value, statuses.pip_url_hash)
            as plugin_pip_url,
        coalesce(namespace_lookup.clear_value, statuses.namespace_hash)
            as plugin_namespace,
        coalesce(executable_lookup.clear_value, statuses.executable_hash)
            as plugin_executable,
        coalesce(parent_lookup.clear_value, statuses.parent_name_hash)
            as parent_name,
        {{ plugin_command('statuses.command') }} as plugin_command,
        statuses.block_type,
        case
            when statuses.block_type = 'InvokerCommand' then 'block'
            when
                statuses.block_type = 'ExtractLoadBlocks'
                or statuses.cli_command = 'elt'
                then
                    case statuses.category
                        when 'extractors' then 'extractor'
                        when 'loaders' then 'loader'
                        when 'mappers' then 'mapping'
                        when 'transformers' then 'transformer'
                        else 'plugin'
                    end
            else 'plugin'
        end as plugin_role,
        case
            -- A meltano run block: its block events say.
            when statuses.block_type is not null
                and statuses.has_block_completed
                then 'success'
            when statuses.block_type is not null
                and not statuses.has_block_failed
                then 'aborted'
            when statuses.block_type = 'InvokerCommand' then 'failed'
            -- Neither a block nor a failed elt: the execution's own status.
            when statuses.block_type is null
                and not coalesce(
                    statuses.cli_command = 'elt'
                    and statuses.execution_status = 'failed',
                    false
                )
                then statuses.execution_status
            -- A failed extract/load block or elt: the error message blames
            -- plugin types; an elt whose transformer failed had run the
            -- extractor and loader to completion.
            when statuses.error_message is null then 'unknown'
            when statuses.is_blamed then 'failed'
            when statuses.block_type is null
                and statuses.is_transformer_error
                and statuses.category in ('extractors', 'loaders')
                then 'success'
            else 'aborted'
        end as completion_status,
        environment_lookup.clear_value as environment_name,
        statuses.environment_name_hash,

        -- numerics
        statuses.plugin_position,

        -- booleans
        name_lookup.clear_value is not null as is_hub_plugin,
        coalesce(statuses.parent_name_hash <> statuses.name_hash, false)
            as is_inherited,

        -- dates
        statuses.started_date as activity_date,

        -- timestamps
        statuses.started_at

    from statuses
    {% for alias, hash_column, hash_kind in hashed_fields -%}
        {{ hash_lookup_join(
            'lookup', alias, 'statuses.' ~ hash_column, hash_kind
        ) }}
    {% endfor %}

)

select * from final
