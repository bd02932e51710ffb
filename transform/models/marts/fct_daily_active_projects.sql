/*
    One row per day with at least one counted command: how many projects ran
    commands (overall, on GA, on Snowplow) and how many commands, from the
    same per-project daily counts as fct_daily_project_commands.
*/

with

project_commands as (

    select * from {{ ref('int_project_commands_aggregated_to_days') }}

),

daily as (

    select
        -- numerics
        count(distinct project_id) as active_projects,
        count(
            distinct case when event_source = 'ga' then project_id end
        ) as ga_active_projects,
        count(
            distinct case when event_source = 'snowplow' then project_id end
        ) as snowplow_active_projects,
        sum(command_count) as command_count,
        sum(
            case when event_source = 'ga' then command_count else 0 end
        ) as ga_command_count,
        sum(
            case when event_source = 'snowplow' then command_count else 0 end
        ) as snowplow_command_count,
        sum(successful_command_count) as successful_command_count,

        -- dates
        activity_date

    from project_commands
    group by activity_date

)

select * from daily
