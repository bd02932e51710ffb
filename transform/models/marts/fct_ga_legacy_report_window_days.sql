{#
    One row per GA property (or view), API and day that a report window
    covers, described by the latest pull covering the day: complete,
    unsampled, final, reconciled. Days without any GA row are here too (a
    window with no rows proves the day was empty), which
    fct_ga_legacy_daily_coverage cannot show. Windows are at most 1,000 days
    (tested on the staging model).
#}

with

windows as (

    select * from {{ ref('int_ga_legacy_report_windows_reconciled') }}

),

coverage as (

    select * from {{ ref('fct_ga_legacy_daily_coverage') }}

),

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

day_offsets as (

    select units.digit + 10 * tens.digit + 100 * hundreds.digit as day_offset
    from digits as units
    cross join digits as tens
    cross join digits as hundreds

),

window_days as (

    select
        windows.*,
        -- dateadd gives a timestamp in DuckDB, a date in Snowflake.
        cast(
            {{ dbt.dateadd(
                'day', 'day_offsets.day_offset', 'windows.first_day'
            ) }}
            as date
        ) as report_day
    from windows
    inner join day_offsets
        on day_offsets.day_offset
            <= {{ dbt.datediff(
                'windows.first_day', 'windows.last_day', 'day'
            ) }}

),

latest as (

    {{ dedupe_latest(
        'window_days', 'property_id, api, report_day', 'extracted_at desc'
    ) }}

),

flagged as (

    select
        {{ surrogate_key(['property_id', 'api', 'report_day']) }}
            as report_window_day_key,
        property_id,
        api,
        report_window_key,
        is_sampled,
        is_totals_reconciled
        and other_rows = 0
        and not coalesce(has_data_loss_from_other_row, false)
        and not coalesce(is_subject_to_thresholding, false)
            as is_complete,
        coalesce(report_day <= final_through, false) as is_final,
        is_totals_reconciled
        and (not is_current or loaded_events = events_sum)
            as is_reconciled,
        report_day,
        first_day as window_first_day,
        last_day as window_last_day,
        final_through,
        extracted_at
    from latest

),

with_events as (

    select
        flagged.report_window_day_key,
        flagged.property_id,
        flagged.api,
        flagged.report_window_key,
        coalesce(coverage.ga_rows, 0) as ga_rows,
        coalesce(coverage.ga_events, 0) as ga_events,
        flagged.is_sampled,
        flagged.is_complete,
        flagged.is_final,
        flagged.is_reconciled,
        flagged.report_day,
        flagged.window_first_day,
        flagged.window_last_day,
        flagged.final_through,
        flagged.extracted_at
    from flagged
    -- Only the API's rows: a day the window proved empty may have rows from
    -- an archive origin, which no window covers.
    left join coverage
        on flagged.property_id = coverage.property_id
            and flagged.api = coverage.api
            and flagged.report_day = coverage.event_date
            and coverage.origin = 'api'

)

select * from with_events
