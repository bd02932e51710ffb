/*
    One row per project_id, day, event_source and command: how many commands
    the project ran, counted by whichever source counts for the project that
    day. GA ('ga': the sum of GA's daily event counts) before the project's
    Snowplow activation date, or always when there is none; Snowplow
    ('snowplow': one per execution, struct event or context_uuid) from that
    date on. So a command is never counted by both. GA rows without a
    project_id stay out (they are counted in fct_ga_legacy_daily_coverage).
*/

with

ga_events as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}
    where has_project_id

),

snowplow_executions as (

    select * from {{ ref('int_snowplow_cli_executions_unioned') }}

),

activations as (

    select * from {{ ref('int_projects_activated') }}

),

ga_daily as (

    select
        ga_events.project_id,
        ga_events.event_date as activity_date,
        'ga' as event_source,
        ga_events.command_category,
        ga_events.cli_command,
        sum(ga_events.event_count) as command_count,
        -- GA only received an event after a command succeeded.
        sum(ga_events.event_count) as successful_command_count
    from ga_events
    left join activations
        on ga_events.project_id = activations.project_id
    where activations.snowplow_activation_date is null
        or ga_events.event_date < activations.snowplow_activation_date
    group by 1, 2, 3, 4, 5

),

snowplow_daily as (

    select
        snowplow_executions.project_id,
        snowplow_executions.executed_date as activity_date,
        'snowplow' as event_source,
        snowplow_executions.command_category,
        snowplow_executions.cli_command,
        count(*) as command_count,
        sum(
            case when snowplow_executions.status = 'success' then 1 else 0 end
        ) as successful_command_count
    from snowplow_executions
    inner join activations
        on snowplow_executions.project_id = activations.project_id
    where snowplow_executions.executed_date
        >= activations.snowplow_activation_date
    group by 1, 2, 3, 4, 5

),

unioned as (

    select * from ga_daily
    union all
    select * from snowplow_daily

)

select * from unioned
