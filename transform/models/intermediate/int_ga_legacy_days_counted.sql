/*
    One row per GA property (or view), API and day with GA rows: the origin
    they came from (the one int_ga_legacy_events_prioritised kept: api,
    archive_file or archive_table), how many rows and events there were and
    how many had no project_id. Of properties and views that record the same
    hits (var ga_mirrors) every member is here: the winner with the rows the
    marts count, the others with their rows as int_ga_legacy_mirror_days
    counted them (counted by no mart), is_mirror_winner saying which.
    What fct_ga_legacy_daily_coverage shows and what
    fct_ga_legacy_report_window_days checks its windows against.
*/

with

ga_events as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}

),

mirror_days as (

    select * from {{ ref('int_ga_legacy_mirror_days') }}

),

daily as (

    select
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

),

final as (

    select * from counted
    union all
    select * from not_counted

)

select * from final
