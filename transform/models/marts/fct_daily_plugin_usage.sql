/*
    One row per day and plugin (dim_plugins' plugin_key) that some counted
    command named: how many projects named it, and how often, across both
    eras. GA counts (ga_*) are successes only, because GA was sent an event
    only after a command succeeded; Snowplow counts (snowplow_*) split its
    executions by the plugin's completion status. Executions are the
    handbook's execution events (elt, run, invoke, test, ui); commands count
    every command naming the plugin (add, install, config... too).
*/

with

plugin_executions as (

    select * from {{ ref('int_plugin_executions_unioned') }}

),

daily as (

    select
        activity_date,
        plugin_key,
        plugin_type,
        plugin_name,
        plugin_variant,
        count(distinct project_id) as projects,
        count(
            distinct case when event_source = 'ga' then project_id end
        ) as ga_projects,
        count(
            distinct case when event_source = 'snowplow' then project_id end
        ) as snowplow_projects,
        count(distinct case when is_execution then project_id end)
            as executing_projects,
        sum(case when event_source = 'ga' then execution_count else 0 end)
            as ga_commands,
        sum(
            case
                when event_source = 'ga' and is_execution
                    then execution_count
                else 0
            end
        ) as ga_executions,
        sum(
            case when event_source = 'snowplow' then execution_count else 0 end
        ) as snowplow_commands,
        sum(
            case
                when event_source = 'snowplow' and is_execution
                    then execution_count
                else 0
            end
        ) as snowplow_executions,
        sum(
            case
                when event_source = 'snowplow' and is_execution
                    and completion_status = 'success'
                    then execution_count
                else 0
            end
        ) as snowplow_successful_executions,
        sum(
            case
                when event_source = 'snowplow' and is_execution
                    and completion_status = 'failed'
                    then execution_count
                else 0
            end
        ) as snowplow_failed_executions,
        sum(
            case
                when event_source = 'snowplow' and is_execution
                    and completion_status = 'aborted'
                    then execution_count
                else 0
            end
        ) as snowplow_aborted_executions,
        sum(
            case
                when event_source = 'snowplow' and is_execution
                    and completion_status = 'unknown'
                    then execution_count
                else 0
            end
        ) as snowplow_unknown_status_executions
    from plugin_executions
    group by activity_date, plugin_key, plugin_type, plugin_name, plugin_variant

),

final as (

    select
        -- ids
        {{ surrogate_key(['activity_date', 'plugin_key']) }}
            as daily_plugin_usage_key,
        plugin_key,

        -- strings
        plugin_type,
        plugin_name,
        plugin_variant,

        -- numerics
        projects,
        ga_projects,
        snowplow_projects,
        executing_projects,
        ga_executions + snowplow_executions as executions,
        ga_commands,
        ga_executions,
        snowplow_commands,
        snowplow_executions,
        snowplow_successful_executions,
        snowplow_failed_executions,
        snowplow_aborted_executions,
        snowplow_unknown_status_executions,

        -- dates
        activity_date

    from daily

)

select * from final
