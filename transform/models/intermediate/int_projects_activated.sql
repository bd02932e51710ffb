{{ config(materialized='table') }}

/*
    One row per project seen by Snowplow, with the date its counts switch from
    GA to Snowplow: the first week (Monday) in which Snowplow executions (CLI
    executions by context_uuid, plus 1.97-1.105 struct events without
    contexts) reach the week's GA event count. GA only saw successful
    commands, Snowplow sees every execution, so a project that tries 2.x
    locally while production still reports to GA does not flip early.
    Null when that week never came.
*/

with

ga_events as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}
    where has_project_id

),

snowplow_executions as (

    select * from {{ ref('int_snowplow_cli_executions_unioned') }}

),

ga_weekly as (

    select
        project_id,
        cast({{ dbt.date_trunc('week', 'event_date') }} as date) as week_start,
        sum(event_count) as ga_executions
    from ga_events
    group by 1, 2

),

snowplow_weekly as (

    select
        project_id,
        cast({{ dbt.date_trunc('week', 'executed_at') }} as date) as week_start,
        count(distinct execution_id) as snowplow_executions
    from snowplow_executions
    group by 1, 2

),

weekly as (

    select
        coalesce(snowplow_weekly.project_id, ga_weekly.project_id)
            as project_id,
        coalesce(snowplow_weekly.week_start, ga_weekly.week_start)
            as week_start,
        coalesce(snowplow_weekly.snowplow_executions, 0)
            as snowplow_executions,
        coalesce(ga_weekly.ga_executions, 0) as ga_executions
    from snowplow_weekly
    full outer join ga_weekly
        on snowplow_weekly.project_id = ga_weekly.project_id
            and snowplow_weekly.week_start = ga_weekly.week_start

),

activated as (

    select
        project_id,
        min(
            case
                when snowplow_executions > 0
                    and snowplow_executions >= ga_executions
                    then week_start
            end
        ) as snowplow_activation_date,
        min(
            case when snowplow_executions > 0 then week_start end
        ) as first_snowplow_week,
        max(
            case when ga_executions > 0 then week_start end
        ) as last_ga_week
    from weekly
    group by project_id

),

final as (

    select * from activated
    where first_snowplow_week is not null

)

select * from final
