/*
    One row per GA property (or view), API and day that a report window
    covers, described by the latest pull covering the day
    (int_ga_legacy_report_window_days_latest): complete, unsampled, final,
    reconciled, with the rows and events the API gave that day
    (int_ga_legacy_days_counted). Days without any GA row are here too (a
    window with no rows proves the day was empty), which
    fct_ga_legacy_daily_coverage cannot show. The events report's windows
    only: the UI pageviews' windows are reconciled in
    int_ga_legacy_report_windows_reconciled.
*/

with

window_days as (

    select * from {{ ref('int_ga_legacy_report_window_days_latest') }}
    where stream_name = 'events'

),

-- Only the API's rows: a day the window proved empty may have rows from an
-- archive origin, which no window covers.
api_days as (

    select * from {{ ref('int_ga_legacy_days_counted') }}
    where origin = 'api'

),

final as (

    select
        {{ surrogate_key([
            'window_days.property_id',
            'window_days.api',
            'window_days.report_day',
        ]) }} as report_window_day_key,
        window_days.property_id,
        window_days.api,
        window_days.report_window_key,
        coalesce(api_days.ga_rows, 0) as ga_rows,
        coalesce(api_days.ga_events, 0) as ga_events,
        window_days.is_sampled,
        window_days.is_totals_reconciled
        and window_days.other_rows = 0
        and not coalesce(window_days.has_data_loss_from_other_row, false)
        and not coalesce(window_days.is_subject_to_thresholding, false)
            as is_complete,
        coalesce(window_days.report_day <= window_days.final_through, false)
            as is_final,
        window_days.is_totals_reconciled
        and (
            not window_days.is_current
            or window_days.loaded_events = window_days.events_sum
        ) as is_reconciled,
        window_days.report_day,
        window_days.first_day as window_first_day,
        window_days.last_day as window_last_day,
        window_days.final_through,
        window_days.extracted_at
    from window_days
    left join api_days
        on window_days.property_id = api_days.property_id
            and window_days.api = api_days.api
            and window_days.report_day = api_days.event_date

)

select * from final
