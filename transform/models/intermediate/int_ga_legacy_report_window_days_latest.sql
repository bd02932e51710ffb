/*
    One row per GA property (or view), API, stream (events, pageviews) and
    day that a report window covers: the latest pull covering the day.
    Pulls overlap when the tap re-reads days that were not final yet, and
    int_ga_legacy_report_windows_reconciled has one row per pull. Each
    window is stepped through day by day on the day spine (util_day_spine:
    windows are at most 1,000 days, tested on the staging model). Days
    without any GA row are here too: a window with no rows proves the day
    was empty.
*/

with

windows as (

    select * from {{ ref('int_ga_legacy_report_windows_reconciled') }}

),

day_spine as (

    select * from {{ ref('util_day_spine') }}

),

window_days as (

    select
        windows.*,
        -- dateadd gives a timestamp in DuckDB, a date in Snowflake.
        cast(
            {{ dbt.dateadd(
                'day', 'day_spine.day_offset', 'windows.first_day'
            ) }}
            as date
        ) as report_day
    from windows
    inner join day_spine
        on day_spine.day_offset
            <= {{ dbt.datediff(
                'windows.first_day', 'windows.last_day', 'day'
            ) }}

),

latest as (

    {{ dedupe_latest(
        'window_days', 'property_id, api, stream_name, report_day',
        'extracted_at desc'
    ) }}

),

final as (

    select
        -- ids
        property_id,
        api,
        report_window_key,

        -- strings
        stream_name,

        -- numerics
        other_rows,
        events_sum,
        loaded_events,

        -- booleans
        is_sampled,
        has_data_loss_from_other_row,
        is_subject_to_thresholding,
        is_totals_reconciled,
        is_current,

        -- dates
        report_day,
        first_day,
        last_day,
        final_through,

        -- timestamps
        extracted_at

    from latest

)

select * from final
