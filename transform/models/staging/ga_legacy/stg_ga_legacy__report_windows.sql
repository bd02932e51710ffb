/*
    One row per report window the tap kept, per pull: typed. A loader that
    appends instead of upserting could hold a record twice; the latest
    _sdc_batched_at of each primary key wins. ROWS is reserved in Snowflake:
    quoted upper case, which target-snowflake writes and DuckDB matches
    case-insensitively. stream_name (the raw `stream`, renamed: a keyword)
    says which report the window belongs to, events or pageviews; windows
    loaded before the tap had the column are events windows.
*/

{%- set stream_name = "coalesce(stream, 'events')"
    if ga_legacy_source_has_column('report_windows', 'stream')
    else "'events'" %}

with

source as (

    select * from {{ source('ga_legacy', 'report_windows') }}

),

deduped as (

    {{ dedupe_latest(
        'source',
        'property_id, api, first_day, last_day, extracted_at',
        '_sdc_batched_at desc'
    ) }}

),

renamed as (

    select
        -- ids
        {{ surrogate_key(
            ['property_id', 'api', 'first_day', 'last_day', 'extracted_at']
        ) }} as report_window_key,
        property_id,
        api,
        time_zone,
        {{ stream_name }} as stream_name,  -- noqa: RF04

        -- numerics
        cast("ROWS" as bigint) as window_rows,  -- noqa: RF06
        cast(events_sum as bigint) as events_sum,
        cast(events_total as bigint) as events_total,
        cast(samples_read as bigint) as samples_read,
        cast(sampling_space as bigint) as sampling_space,
        cast(other_rows as bigint) as other_rows,
        cast(split_depth as bigint) as split_depth,
        cast(requests as bigint) as requests,
        cast(quota_tokens_consumed as bigint) as quota_tokens_consumed,

        -- booleans
        sampled as is_sampled,
        data_loss_from_other_row as has_data_loss_from_other_row,
        subject_to_thresholding as is_subject_to_thresholding,
        is_data_golden,

        -- dates
        cast(first_day as date) as first_day,
        cast(last_day as date) as last_day,
        cast(final_through as date) as final_through,

        -- timestamps
        cast(extracted_at as timestamp) as extracted_at,
        cast(_sdc_batched_at as timestamp) as loaded_at

    from deduped

)

select * from renamed
