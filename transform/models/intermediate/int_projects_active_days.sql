/*
    One row per project and day on which the project is active in Meltano's
    handbook sense (metrics-and-definitions.md, "Active Status"): it ran an
    execution event (invoke, elt, run, test or ui) in the 28 days ending that
    day, that execution came at least 7 days after its first counted command,
    and its project_uuid_source is not random. Both eras, counted as
    int_project_commands_aggregated_to_days counts them (GA before the
    project's Snowplow activation date, Snowplow from it), so nothing is
    counted twice. Days after the last day with data are not extrapolated.
    28-day active projects of a day: count the rows of that day; monthly
    active projects: count is_monthly_active.
    The rule lives here, not in fct_active_projects (which only selects
    it), so that fct_ui_monthly_adoption counts the same active projects
    without a mart reading a mart. A table: both read all of it.
*/

{{ config(materialized='table') }}

with

project_commands as (

    select * from {{ ref('int_project_commands_aggregated_to_days') }}

),

snowplow_executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}
    where project_id is not null

),

-- 0..27: an execution keeps its project active that day and 27 more.
day_offsets as (

    select * from {{ ref('util_day_spine') }}
    where day_offset <= 27

),

random_projects as (

    select project_id
    from snowplow_executions
    group by project_id
    having {{ dbt.bool_or("project_uuid_source = 'random'") }}

),

first_commands as (

    select
        project_id,
        min(activity_date) as first_command_date
    from project_commands
    group by project_id

),

data_end as (

    select max(activity_date) as last_data_date from project_commands

),

execution_days as (

    select
        project_commands.project_id,
        project_commands.activity_date as execution_date,
        -- One source per project and day: the era rule splits at a date.
        max(project_commands.event_source) as event_source,
        sum(project_commands.command_count) as executions
    from project_commands
    inner join first_commands
        on project_commands.project_id = first_commands.project_id
    left join random_projects
        on project_commands.project_id = random_projects.project_id
    where project_commands.cli_command in ('invoke', 'elt', 'run', 'test', 'ui')
        and random_projects.project_id is null
        and {{ dbt.datediff(
            'first_commands.first_command_date',
            'project_commands.activity_date',
            'day'
        ) }} >= 7
    group by project_commands.project_id, project_commands.activity_date

),

window_days as (

    select
        execution_days.project_id,
        execution_days.execution_date,
        execution_days.event_source,
        execution_days.executions,
        -- dateadd gives a timestamp in DuckDB, a date in Snowflake.
        cast(
            {{ dbt.dateadd(
                'day', 'day_offsets.day_offset', 'execution_days.execution_date'
            ) }}
            as date
        ) as activity_date
    from execution_days
    cross join day_offsets

),

active_days as (

    select
        window_days.project_id,
        window_days.activity_date,
        -- The era rule is monotone (GA days, then Snowplow days), so the
        -- latest execution in a window is Snowplow's whenever it has one.
        max(window_days.event_source) as event_source,
        sum(window_days.executions) as executions_28d,
        sum(
            case
                when window_days.execution_date = window_days.activity_date
                    then window_days.executions
                else 0
            end
        ) as executions,
        max(window_days.execution_date) as last_execution_date
    from window_days
    inner join data_end
        on window_days.activity_date <= data_end.last_data_date
    group by window_days.project_id, window_days.activity_date

),

final as (

    select
        -- ids
        {{ surrogate_key([
            'active_days.project_id', 'active_days.activity_date'
        ]) }} as active_project_day_key,
        active_days.project_id,

        -- strings
        active_days.event_source,

        -- numerics
        active_days.executions_28d,
        active_days.executions,

        -- booleans
        active_days.executions > 0 as has_execution,
        (
            active_days.activity_date = cast(
                {{ dbt.dateadd(
                    'day', '-1', dbt.dateadd(
                        'month', '1',
                        dbt.date_trunc('month', 'active_days.activity_date')
                    )
                ) }} as date
            )
            or active_days.activity_date = data_end.last_data_date
        ) as is_month_close,

        -- dates
        active_days.activity_date,
        cast(
            {{ dbt.date_trunc('month', 'active_days.activity_date') }} as date
        ) as activity_month,
        active_days.last_execution_date

    from active_days
    cross join data_end

),

flagged as (

    select
        *,
        -- Handbook: an execution in the month, and active at its end.
        is_month_close and last_execution_date >= activity_month
            as is_monthly_active
    from final

)

select * from flagged
