{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

/*
    One row per Snowplow event_id, contexts parsed. Re-delivered events keep
    the copy with the latest derived timestamp, then the latest upload.
    Incremental runs read only rows uploaded since the last run; a re-delivered
    event_id replaces the stored one (delete+insert on event_id).
*/

{#- The raw rows this run reads: all of them, or on an incremental run those
    uploaded since the last. -#}
{%- set new_rows -%}
    from {{ source('snowplow', 'events') }}
    {% if is_incremental() %}
        where uploaded_at > (select max(uploaded_at) from {{ this }})
    {% endif %}
{%- endset %}

with

-- Only the columns this model reads: the source has about 130, and the
-- widest (contexts) is parsed before the dedupe, so the dedupe's window
-- carries the parsed fields, not the text.
source as (

    select
        event_id,
        app_id,
        event,
        event_vendor,
        event_name,
        event_format,
        event_version,
        platform,
        user_ipaddress,
        geo_country,
        se_category,
        se_action,
        se_label,
        contexts,
        unstruct_event,
        derived_tstamp,
        collector_tstamp,
        etl_tstamp,
        uploaded_at
    {{ new_rows }}

),

parsed as (

    select
        *,
        {{ json_parse_contexts('contexts') }} as contexts_json,
        {{ json_parse('unstruct_event', [
            'data.schema',
            'data.data.event',
            'data.data.type',
            'data.data.exit_code',
            'data.data.process_duration_microseconds',
            'data.data.setting_name',
            'data.data.changed_to',
        ]) }} as unstruct_json
    from source

),

-- Each context found once and parsed once, into the fields read below.
contexts as (

    select
        *,
        {{ json_fields(
            json_find_context(
                'contexts_json', 'iglu:com.meltano/project_context/'
            ),
            [
                'project_uuid',
                'context_uuid',
                'client_uuid',
                'project_uuid_source',
                'environment_name_hash',
            ]
        ) }} as project_context,
        {{ json_fields(
            json_find_context(
                'contexts_json', 'iglu:com.meltano/environment_context/'
            ),
            [
                'meltano_version',
                'python_version',
                'system_name',
                'is_ci_environment',
            ]
        ) }} as environment_context,
        {{ json_fields(
            json_find_context(
                'contexts_json', 'iglu:com.meltano/cli_context/'
            ),
            [
                'command',
                'options.set.interactive',
            ]
        ) }} as cli_context,
        {{ json_fields(
            json_find_context(
                'contexts_json', 'iglu:com.meltano/exception_context/'
            ),
            [
                'exception.type',
                'exception.str_hash',
                'exception.cause.str_hash',
            ]
        ) }} as exception_context,
        {{ json_find_context(
            'contexts_json', 'iglu:com.meltano/plugins_context/'
        ) }} as plugins_context
    from parsed

),

renamed as (

    select
        -- ids
        event_id,
        coalesce(app_id, 'meltano') as app_id,
        -- A project_uuid that is not a UUID (markup, a URL fragment) is null
        -- here, so it reaches no mart; has_invalid_project_uuid counts it
        -- (fct_snowplow_daily_coverage).
        coalesce(
            {{ as_uuid(json_get_field('project_context', 'project_uuid')) }},
            case
                when contexts is null and event_name = 'event'
                    then {{ to_project_uuid('se_label') }}
            end
        ) as project_uuid,
        {{ json_get_field('project_context', 'context_uuid') }}
            as context_uuid,
        {{ sha256(json_get_field('project_context', 'client_uuid')) }}
            as client_uuid_hash,
        {{ ip_address_hash('user_ipaddress') }} as ip_address_hash,
        -- the legacy struct event's action hashed: what models downstream of
        -- the command line parser join on instead of se_action
        {{ sha256('se_action') }} as command_line_hash,

        -- strings
        event as event_type,
        event_vendor,
        event_name,
        event_format,
        event_version,
        platform,
        se_category,
        se_action,
        se_label,
        {{ json_get_field('unstruct_json', 'data.schema') }}
            as unstruct_event_schema,
        case
            when event_name = 'cli_event'
                then {{ json_get_field('unstruct_json', 'data.data.event') }}
        end as cli_event,
        case
            when event_name = 'block_event'
                then {{ json_get_field('unstruct_json', 'data.data.type') }}
        end as block_type,
        case
            when event_name = 'block_event'
                then {{ json_get_field('unstruct_json', 'data.data.event') }}
        end as block_event,
        coalesce(
            {{ json_get_field('project_context', 'project_uuid_source') }},
            -- structured events without contexts carry the raw project id in
            -- se_label, turned into a UUID the way Meltano 2.x does
            case
                when contexts is null and event_name = 'event'
                    then
                        case
                            when {{ as_uuid('se_label') }} is not null
                                then 'explicit'
                            when {{ to_project_uuid('se_label') }} is not null
                                then 'derived'
                        end
            end
        ) as project_uuid_source,
        {{ json_get_field('project_context', 'environment_name_hash') }}
            as environment_name_hash,
        {{ json_get_field('cli_context', 'command') }} as cli_command,
        {{ json_get_field('environment_context', 'meltano_version') }}
            as meltano_version,
        {{ json_get_field('environment_context', 'python_version') }}
            as python_version,
        {{ json_get_field('environment_context', 'system_name') }}
            as system_name,
        {{ json_get_field('exception_context', 'exception.type') }}
            as exception_type,
        {{ json_get_field('exception_context', 'exception.str_hash') }}
            as exception_str_hash,
        {{ json_get_field('exception_context', 'exception.cause.str_hash') }}
            as exception_cause_str_hash,
        -- as text: stg_snowplow__plugin_contexts parses and unnests it
        {{ json_to_text('plugins_context') }} as plugins_context,
        geo_country,

        -- numerics
        cast(
            {{ json_get_field('unstruct_json', 'data.data.exit_code') }}
            as integer
        ) as exit_code,
        cast(
            {{ json_get_field(
                'unstruct_json', 'data.data.process_duration_microseconds'
            ) }} as bigint
        ) as process_duration_microseconds,

        -- booleans
        contexts is not null as has_contexts,
        coalesce(
            {{ json_get_field('project_context', 'project_uuid') }} is not null
            and {{ as_uuid(json_get_field('project_context', 'project_uuid')) }}
            is null,
            false
        ) as has_invalid_project_uuid,
        event = 'struct' as is_struct_event,
        coalesce(
            cast(
                {{ json_get_field('environment_context', 'is_ci_environment') }}
                as boolean
            ),
            false
        ) as is_ci_environment,
        -- Meltano sends this event once, when a project turns its anonymous
        -- usage stats off; nothing follows it
        coalesce(
            event_name = 'telemetry_state_change_event'
            and {{ json_get_field('unstruct_json', 'data.data.setting_name') }}
            = 'send_anonymous_usage_stats'
            and {{ json_get_field('unstruct_json', 'data.data.changed_to') }}
            = 'false',
            false
        ) as is_opt_out_event,
        -- `meltano config <plugin> set --interactive`: cli_context's options.
        coalesce(
            {{ json_get_field('cli_context', 'options.set.interactive') }}
            = 'true',
            false
        ) as is_interactive_config,

        -- dates
        cast(cast(derived_tstamp as timestamp) as date) as event_created_date,

        -- timestamps
        cast(derived_tstamp as timestamp) as event_created_at,
        cast(collector_tstamp as timestamp) as collector_received_at,
        cast(etl_tstamp as timestamp) as enriched_at,
        cast(uploaded_at as timestamp) as uploaded_at

    from contexts

),

/*
    Re-delivered event ids (about 1% of events), read from the raw table's id
    column alone: only their rows go through the dedupe's window, which would
    otherwise partition every event with all its columns (about 15% of the
    model's CPU at the benchmark's 1.4M events).
*/
redelivered as (

    select event_id
    {{ new_rows }}
    group by event_id
    having count(*) > 1

),

redelivered_rows as (

    select * from renamed  -- noqa: AM04
    where
        exists (
            select 1 from redelivered
            where redelivered.event_id = renamed.event_id
        )

),

latest_redelivered as (

    {{ dedupe_latest(
        'redelivered_rows',
        'event_id',
        'event_created_at desc, uploaded_at desc, enriched_at desc'
    ) }}

),

deduped as (

    select * from renamed
    where
        not exists (
            select 1 from redelivered
            where redelivered.event_id = renamed.event_id
        )
    union all
    select * from latest_redelivered

)

select * from deduped
