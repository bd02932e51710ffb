{{
    config(
        materialized='incremental',
        unique_key='execution_id',
        incremental_strategy='delete+insert',
    )
}}

/*
    One row per Meltano CLI execution seen by Snowplow: every event of one
    process shares project_context.context_uuid. Status: failed when a
    cli_event failed or the exit code is not 0; success when it completed or
    exited 0; aborted when it started and never finished (a killed process).
    Incremental runs recompute only the executions that got new events.
*/

with

events as (

    select * from {{ ref('stg_snowplow__events') }}
    -- No project id, no execution of a project (fct_snowplow_daily_coverage
    -- counts these events).
    where context_uuid is not null
        and project_uuid is not null
    {% if is_incremental() %}
        and context_uuid in (
            select context_uuid from {{ ref('stg_snowplow__events') }}
            where uploaded_at > (select max(last_uploaded_at) from {{ this }})
        )
    {% endif %}

),

grouped as (

    select
        context_uuid as execution_id,
        max(project_uuid) as project_id,
        max(project_uuid_source) as project_uuid_source,
        max(cli_command) as cli_command,
        max(environment_name_hash) as environment_name_hash,
        max(meltano_version) as meltano_version,
        max(exception_type) as exception_type,
        max(ip_address_hash) as ip_address_hash,
        max(exit_code) as exit_code,
        max(process_duration_microseconds) as process_duration_microseconds,
        coalesce({{ dbt.bool_or("cli_event = 'started'") }}, false)
            as has_started_event,
        coalesce({{ dbt.bool_or("cli_event = 'completed'") }}, false)
            as has_completed_event,
        coalesce({{ dbt.bool_or("cli_event = 'failed'") }}, false)
            as has_failed_event,
        coalesce({{ dbt.bool_or("event_name = 'exit_event'") }}, false)
            as has_exit_event,
        coalesce({{ dbt.bool_or('is_ci_environment') }}, false)
            as is_ci_environment,
        min(event_created_at) as started_at,
        max(
            case
                when cli_event in ('completed', 'failed', 'aborted')
                    or event_name = 'exit_event'
                    then event_created_at
            end
        ) as finished_at,
        max(event_created_at) as last_event_at,
        count(*) as event_count,
        max(uploaded_at) as last_uploaded_at
    from events
    group by context_uuid

),

final as (

    select
        *,
        case
            when has_failed_event or exit_code <> 0 then 'failed'
            when has_completed_event or exit_code = 0 then 'success'
            else 'aborted'
        end as status,
        cast(started_at as date) as started_date
    from grouped

)

select * from final
