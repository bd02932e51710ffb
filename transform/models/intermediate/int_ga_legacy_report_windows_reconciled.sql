/*
    One row per report window pull, with its stream's table's rows and
    metric (events: event_count; pageviews: pageviews) over the window's
    days. A window is current when no later pull of the same stream
    overlaps its days: only then does the table (upserted by every pull)
    still hold what that pull loaded, so only then must the two agree. Only
    API rows count: archive rows of the same days come from no report
    window.
*/

with

windows as (

    select * from {{ ref('stg_ga_legacy__report_windows') }}

),

ga_rows as (

    select
        'events' as stream_name,
        property_id,
        api,
        event_date,
        event_key as row_key,
        event_count as metric
    from {{ ref('stg_ga_legacy__events') }}
    where origin = 'api'
    union all
    select
        'pageviews' as stream_name,
        property_id,
        api,
        event_date,
        pageview_key as row_key,
        pageviews as metric
    from {{ ref('stg_ga_legacy__pageviews') }}
    where origin = 'api'

),

-- Rows and metric per stream, property, day: what the windows' range join
-- pairs with, so it pairs each window with its days, not with every row.
ga_days as (

    select
        stream_name,
        property_id,
        api,
        event_date,
        count(row_key) as day_rows,
        sum(metric) as day_metric
    from ga_rows
    group by stream_name, property_id, api, event_date

),

superseded as (

    select distinct earlier.report_window_key
    from windows as earlier
    inner join windows as later
        on earlier.property_id = later.property_id
            and earlier.api = later.api
            and earlier.stream_name = later.stream_name
            and earlier.last_day >= later.first_day
            and earlier.first_day <= later.last_day
            and earlier.extracted_at < later.extracted_at

),

loaded as (

    select
        windows.report_window_key,
        -- bigint, as the count of rows it adds up
        cast(coalesce(sum(ga_days.day_rows), 0) as {{ dbt.type_bigint() }})
            as loaded_rows,
        coalesce(sum(ga_days.day_metric), 0) as loaded_events
    from windows
    left join ga_days
        on windows.property_id = ga_days.property_id
            and windows.api = ga_days.api
            and windows.stream_name = ga_days.stream_name
            and ga_days.event_date between windows.first_day
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
