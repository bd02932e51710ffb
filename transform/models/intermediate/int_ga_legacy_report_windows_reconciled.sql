/*
    One row per report window pull, with the events table's rows and events
    over the window's days. A window is current when no later pull overlaps
    its days: only then does the table (upserted by every pull) still hold
    what that pull loaded, so only then must the two agree. Only API rows
    count: archive rows of the same days come from no report window.
*/

with

windows as (

    select * from {{ ref('stg_ga_legacy__report_windows') }}

),

ga_events as (

    select * from {{ ref('stg_ga_legacy__events') }}
    where origin = 'api'

),

superseded as (

    select distinct earlier.report_window_key
    from windows as earlier
    inner join windows as later
        on earlier.property_id = later.property_id
            and earlier.api = later.api
            and earlier.last_day >= later.first_day
            and earlier.first_day <= later.last_day
            and earlier.extracted_at < later.extracted_at

),

loaded as (

    select
        windows.report_window_key,
        count(ga_events.event_key) as loaded_rows,
        coalesce(sum(ga_events.event_count), 0) as loaded_events
    from windows
    left join ga_events
        on windows.property_id = ga_events.property_id
            and windows.api = ga_events.api
            and ga_events.event_date between windows.first_day
            and windows.last_day
    group by windows.report_window_key

),

reconciled as (

    select
        windows.*,
        loaded.loaded_rows,
        loaded.loaded_events,
        superseded.report_window_key is null as is_current,
        windows.events_sum = windows.events_total as is_totals_reconciled
    from windows
    inner join loaded
        on windows.report_window_key = loaded.report_window_key
    left join superseded
        on windows.report_window_key = superseded.report_window_key

)

select * from reconciled
