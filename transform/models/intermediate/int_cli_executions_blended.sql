{#
    One row per CLI execution keyed on project_id, from whichever source
    counts for the project at that time: GA daily aggregates (one row per GA
    event_key, execution_count = GA's event count) before the project's
    Snowplow activation date; Snowplow struct events without contexts
    (1.97-1.105) and Snowplow executions (by context_uuid) from it on.
    GA rows without a project_id stay out (they are counted in
    fct_ga_legacy_daily_coverage).
#}

with

ga_events as (

    select * from {{ ref('stg_ga_legacy__events') }}
    where has_project_id

),

snowplow_events as (

    select * from {{ ref('stg_snowplow__events') }}
    where is_struct_event
        and not has_contexts
        and project_uuid is not null

),

executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}
    where project_id is not null

),

activations as (

    select * from {{ ref('int_projects_activated') }}

),

ga_executions as (

    select
        ga_events.event_key as execution_id,
        'ga' as event_source,
        'structured' as event_type,
        ga_events.project_id,
        cast(ga_events.event_date as timestamp) as executed_at,
        ga_events.event_date as executed_date,
        ga_events.command_category,
        ga_events.cli_command,
        ga_events.command,
        ga_events.environment_name_hash,
        ga_events.event_count as execution_count,
        -- GA only received an event after a command succeeded.
        'success' as status,
        cast(null as timestamp) as started_at,
        cast(null as timestamp) as finished_at,
        cast(null as {{ dbt.type_string() }}) as ip_address_hash
    from ga_events
    left join activations
        on ga_events.project_id = activations.project_id
    where activations.snowplow_activation_date is null
        or ga_events.event_date < activations.snowplow_activation_date

),

snowplow_structured as (

    select
        snowplow_events.event_id as execution_id,
        'snowplow' as event_source,
        'structured' as event_type,
        snowplow_events.project_uuid as project_id,
        snowplow_events.event_created_at as executed_at,
        snowplow_events.event_created_date as executed_date,
        snowplow_events.se_category as command_category,
        {{ dbt.split_part('snowplow_events.se_category', "' '", 2) }}
            as cli_command,
        trim(
            regexp_replace(
                snowplow_events.se_action, '--environment=[0-9a-fA-F]{64}', ''
            )
        ) as command,
        {{ regex_extract(
            'snowplow_events.se_action', '--environment=([0-9a-fA-F]{64})'
        ) }} as environment_name_hash,
        1 as execution_count,
        -- Struct events were sent with the GA event: after success only.
        'success' as status,
        cast(null as timestamp) as started_at,
        cast(null as timestamp) as finished_at,
        snowplow_events.ip_address_hash
    from snowplow_events
    inner join activations
        on snowplow_events.project_uuid = activations.project_id
    where snowplow_events.event_created_date
        >= activations.snowplow_activation_date

),

snowplow_unstructured as (

    select
        executions.execution_id,
        'snowplow' as event_source,
        'unstructured' as event_type,
        executions.project_id,
        executions.started_at as executed_at,
        executions.started_date as executed_date,
        'meltano ' || executions.cli_command as command_category,
        executions.cli_command,
        'meltano ' || executions.cli_command as command,
        executions.environment_name_hash,
        1 as execution_count,
        executions.status,
        executions.started_at,
        executions.finished_at,
        executions.ip_address_hash
    from executions
    inner join activations
        on executions.project_id = activations.project_id
    where executions.started_date >= activations.snowplow_activation_date

),

unioned as (

    select * from ga_executions
    union all
    select * from snowplow_structured
    union all
    select * from snowplow_unstructured

),

final as (

    select
        {{ surrogate_key(['event_source', 'execution_id']) }}
            as cli_execution_key,
        *
    from unioned

)

select * from final
