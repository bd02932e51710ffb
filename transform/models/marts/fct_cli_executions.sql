{#
    One row per CLI execution keyed on project_id (see
    int_cli_executions_blended for which source counts when). A table, not an
    incremental model: a project's activation date can move when new Snowplow
    data arrives, and that moves rows between the GA and Snowplow eras.
#}

with

executions as (

    select * from {{ ref('int_cli_executions_blended') }}

),

final as (

    select
        -- ids
        cli_execution_key,
        execution_id,
        project_id,

        -- strings
        event_source,
        event_type,
        status,
        command_category,
        cli_command,
        command,
        environment_name_hash,
        ip_address_hash,

        -- numerics
        execution_count,

        -- dates
        executed_date,

        -- timestamps
        executed_at,
        started_at,
        finished_at

    from executions

)

select * from final
