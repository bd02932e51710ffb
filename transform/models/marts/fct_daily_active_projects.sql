{# One row per day with at least one CLI execution: how many projects ran. #}

with

executions as (

    select * from {{ ref('fct_cli_executions') }}

),

daily as (

    select
        executed_date as activity_date,
        count(distinct project_id) as active_projects,
        count(
            distinct case when event_source = 'ga' then project_id end
        ) as ga_active_projects,
        count(
            distinct case when event_source = 'snowplow' then project_id end
        ) as snowplow_active_projects,
        sum(execution_count) as executions,
        sum(
            case when status = 'success' then execution_count else 0 end
        ) as successful_executions
    from executions
    group by executed_date

)

select * from daily
