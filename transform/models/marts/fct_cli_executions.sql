/*
    One row per Meltano CLI execution Snowplow saw with a project id: a struct
    event without contexts (1.97-1.105, event_type structured) or an
    execution grouped by context_uuid (2.x, event_type unstructured, with a
    real status). GA's daily aggregates are not executions and live in
    fct_daily_project_commands. is_after_snowplow_activation marks the
    executions fct_daily_project_commands counts. A table, not an incremental
    model: an activation date can move when new Snowplow data arrives.
*/

with

executions as (

    select * from {{ ref('int_snowplow_cli_executions_unioned') }}

),

activations as (

    select * from {{ ref('int_projects_activated') }}

),

final as (

    select
        -- ids
        executions.execution_id,
        executions.project_id,
        executions.command_line_hash,

        -- strings
        executions.event_type,
        executions.status,
        executions.project_uuid_source,
        executions.command_category,
        executions.cli_command,
        executions.command_shape,
        executions.environment_name_hash,
        executions.meltano_version,
        executions.exception_type,
        executions.ip_address_hash,

        -- numerics
        executions.exit_code,

        -- booleans
        executions.is_ci_environment,
        coalesce(
            executions.executed_date >= activations.snowplow_activation_date,
            false
        ) as is_after_snowplow_activation,

        -- dates
        executions.executed_date,

        -- timestamps
        executions.executed_at,
        executions.started_at,
        executions.finished_at

    from executions
    left join activations
        on executions.project_id = activations.project_id

)

select * from final
