/*
    One row per project_id, day, event_source and command (command_category,
    cli_command): the project's daily command count across both eras, GA
    before its Snowplow activation date and Snowplow from it on (see
    int_project_commands_aggregated_to_days). A table: an activation date can
    move when new Snowplow data arrives, and that moves days between eras.
*/

with

project_commands as (

    select * from {{ ref('int_project_commands_aggregated_to_days') }}

),

final as (

    select
        -- ids
        {{ surrogate_key([
            'project_id',
            'activity_date',
            'event_source',
            'command_category',
            'cli_command'
        ]) }} as daily_project_command_key,
        project_id,

        -- strings
        event_source,
        command_category,
        cli_command,

        -- numerics
        command_count,
        successful_command_count,

        -- dates
        activity_date

    from project_commands

)

select * from final
