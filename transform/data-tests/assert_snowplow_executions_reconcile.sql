{#
    Per project and day, the Snowplow command counts in
    fct_daily_project_commands = the executions in fct_cli_executions flagged
    is_after_snowplow_activation: both marts draw the era line on the same
    day.
#}

with

executions as (

    select * from {{ ref('fct_cli_executions') }}
    where is_after_snowplow_activation

),

project_commands as (

    select * from {{ ref('fct_daily_project_commands') }}
    where event_source = 'snowplow'

),

executed as (

    select
        project_id,
        executed_date as activity_date,
        count(*) as commands
    from executions
    group by 1, 2

),

counted as (

    select
        project_id,
        activity_date,
        sum(command_count) as commands
    from project_commands
    group by 1, 2

),

compared as (

    select
        coalesce(executed.project_id, counted.project_id) as project_id,
        coalesce(executed.activity_date, counted.activity_date)
            as activity_date,
        coalesce(executed.commands, 0) as executed_commands,
        coalesce(counted.commands, 0) as counted_commands
    from executed
    full outer join counted
        on executed.project_id = counted.project_id
            and executed.activity_date = counted.activity_date

)

select * from compared
where executed_commands <> counted_commands
