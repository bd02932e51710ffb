{#
    Per day and category, GA events in the raw table (latest copy of each
    event_key) = GA command counts in fct_daily_project_commands + events of a
    project on or after its Snowplow activation + events without a
    project_id. Nothing is lost or counted twice on the way.
#}

with

raw_events as (

    {{ dedupe_latest(
        source('ga_legacy', 'events'), 'event_key', '_sdc_batched_at desc'
    ) }}

),

staged as (

    select * from {{ ref('stg_ga_legacy__events') }}

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
        cast(event_date as date) as event_date,
        event_category as command_category,
        sum(cast(event_count as bigint)) as events
    from raw_events
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
