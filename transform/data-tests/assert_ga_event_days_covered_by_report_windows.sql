{#
    Every day of events (or UI pageviews) the tap pulled from the APIs lies
    in at least one report window of its property, API and stream: a day
    loaded without a window was never proven complete. Archive rows (GA
    exports, the old table) come from no report request, so they have no
    windows.
#}

with

ga_days as (

    select distinct
        'events' as stream_name,
        property_id,
        api,
        event_date
    from {{ ref('stg_ga_legacy__events') }}
    where origin = 'api'
    union
    select distinct
        'pageviews' as stream_name,
        property_id,
        api,
        event_date
    from {{ ref('stg_ga_legacy__pageviews') }}
    where origin = 'api'

),

windows as (

    select * from {{ ref('stg_ga_legacy__report_windows') }}

),

uncovered as (

    select ga_days.*
    from ga_days
    where not exists (
            select 1
            from windows
            where windows.property_id = ga_days.property_id
                and windows.api = ga_days.api
                and windows.stream_name = ga_days.stream_name
                and ga_days.event_date
                between windows.first_day and windows.last_day
        )

)

select * from uncovered
