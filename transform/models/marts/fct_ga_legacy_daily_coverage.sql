{#
    One row per GA property (or view) per day: which origin its rows came
    from (api, archive_file or archive_table: int_ga_legacy_events_prioritised
    keeps one) and how many rows and events carried a project_id. The rows
    without one are kept out of every other mart; this is where they are
    counted.
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

)

select * from daily
