{#
    Per day and category, the GA events that count (one origin per view and
    day: int_ga_legacy_events_prioritised, itself checked against staging by
    assert_ga_legacy_one_origin_per_day) = GA command counts in
    fct_daily_project_commands + events of a project on or after its
    Snowplow activation + events without a project_id. Nothing is lost or
    counted twice on the way.
#}

with

staged as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}

),

activations as (

    select * from {{ ref('int_projects_activated') }}

),

project_commands as (

    select * from {{ ref('fct_daily_project_commands') }}
    where event_source = 'ga'

),

raw_counts as (

    select
        event_date,
        command_category,
        sum(event_count) as events
    from staged
    group by 1, 2

),

set_aside as (

    select
        staged.event_date,
        staged.command_category,
        sum(staged.event_count) as events
    from staged
    left join activations
        on staged.project_id = activations.project_id
    where not staged.has_project_id
        or staged.event_date >= activations.snowplow_activation_date
    group by 1, 2

),

modelled as (

    select
        activity_date as event_date,
        command_category,
        sum(command_count) as events
    from project_commands
    group by 1, 2

),

compared as (

    select
        raw_counts.event_date,
        raw_counts.command_category,
        raw_counts.events as raw_events,
        coalesce(modelled.events, 0) + coalesce(set_aside.events, 0)
            as accounted_events
    from raw_counts
    left join modelled
        on raw_counts.event_date = modelled.event_date
            and raw_counts.command_category = modelled.command_category
    left join set_aside
        on raw_counts.event_date = set_aside.event_date
            and raw_counts.command_category = set_aside.command_category

)

select * from compared
where raw_events <> accounted_events
