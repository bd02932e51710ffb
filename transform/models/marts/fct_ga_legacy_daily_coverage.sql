{#
    One row per GA property (or view) per day: which origin its rows came
    from (api, archive_file or archive_table: int_ga_legacy_events_prioritised
    keeps one) and how many rows and events carried a project_id. The rows
    without one are kept out of every other mart; this is where they are
    counted. A property or view that records the same hits as another (var
    ga_mirrors) has its days here too, is_mirror_winner saying which member
    the other marts counted that day (int_ga_legacy_mirror_days).
#}

with

ga_events as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}

),

daily as (

    select
        {{ surrogate_key(['api', 'property_id', 'event_date']) }}
            as coverage_key,
        api,
        property_id,
        origin,
        event_date,
        count(*) as ga_rows,
        sum(event_count) as ga_events,
        sum(case when has_project_id then 0 else 1 end)
            as rows_without_project_id,
        sum(case when has_project_id then 0 else event_count end)
            as events_without_project_id
    from ga_events
    group by api, property_id, origin, event_date

),

mirror_days as (

    select * from {{ ref('int_ga_legacy_mirror_days') }}

),

counted as (

    select
        daily.*,
        mirror_days.mirror_group,
        mirror_days.is_mirror_winner
    from daily
    left join mirror_days
        on daily.api = mirror_days.api
            and daily.property_id = mirror_days.property_id
            and daily.event_date = mirror_days.event_date

),

-- The mirrors' days no mart counted: their rows are not in ga_events.
not_counted as (

    select
        {{ surrogate_key(['api', 'property_id', 'event_date']) }}
            as coverage_key,
        api,
        property_id,
        origin,
        event_date,
        ga_rows,
        ga_events,
        rows_without_project_id,
        events_without_project_id,
        mirror_group,
        is_mirror_winner
    from mirror_days
    where not is_mirror_winner

)

select * from counted
union all
select * from not_counted
