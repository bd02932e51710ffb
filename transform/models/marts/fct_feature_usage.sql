/*
    One row per project, day and feature the project used that day, across
    both eras (the commands int_cli_commands_counted counts: GA before the
    project's Snowplow activation date, Snowplow from it). Features of a
    command: environments, run, test, schedules (a `meltano schedule`
    command, or an orchestrator plugin named), state, select, transform
    (elt/schedule --transform run|only), interactive_config (Snowplow 2.x:
    `meltano config ... set --interactive`). Features of its plugins:
    mappers (a mapper or mapping named), schedules (an orchestrator) and
    plugin_inheritance (Snowplow 2.x: a plugin whose parent is another
    plugin; the GA era cannot see inheritance). commands counts the commands
    using the feature: GA's event counts, Snowplow's executions.
*/

with

commands as (

    select * from {{ ref('int_cli_commands_counted') }}

),

plugin_executions as (

    select * from {{ ref('int_plugin_executions_unioned') }}

),

command_features as (

    {% for feature, flag in [
        ('environments', 'uses_environment'),
        ('run', 'uses_run'),
        ('test', 'uses_test'),
        ('schedules', 'uses_schedule'),
        ('state', 'uses_state'),
        ('select', 'uses_select'),
        ('transform', 'uses_transform'),
        ('mappers', 'uses_mappers'),
        ('interactive_config', 'uses_interactive_config'),
    ] -%}
        select
            '{{ feature }}' as feature,
            command_execution_key
        from commands
        where {{ flag }}
        union all
    {% endfor -%}
    {% for feature, condition in [
        ('mappers', "plugin_type = 'mappers' or plugin_role = 'mapping'"),
        ('schedules', "plugin_type = 'orchestrators'"),
        ('plugin_inheritance', 'is_inherited'),
    ] -%}
        select
            '{{ feature }}' as feature,
            command_execution_key
        from plugin_executions
        where {{ condition }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

used as (

    select distinct
        command_features.feature,
        commands.command_execution_key,
        commands.project_id,
        commands.activity_date,
        commands.event_source,
        commands.execution_count,
        commands.completion_status
    from command_features
    inner join commands
        on command_features.command_execution_key
            = commands.command_execution_key

),

daily as (

    select
        project_id,
        activity_date,
        feature,
        -- One source per project and day: the era rule splits at a date.
        max(event_source) as event_source,
        sum(execution_count) as commands,
        sum(
            case
                when completion_status = 'success' then execution_count
                else 0
            end
        ) as successful_commands
    from used
    group by project_id, activity_date, feature

),

final as (

    select
        -- ids
        {{ surrogate_key(['project_id', 'activity_date', 'feature']) }}
            as feature_usage_key,
        project_id,

        -- strings
        feature,
        event_source,

        -- numerics
        commands,
        successful_commands,

        -- dates
        activity_date

    from daily

)

select * from final
