{{
    config(
        materialized='incremental',
        unique_key=['event_key', 'origin'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

/*
    One row per GA event_key and origin the tap loaded, from the APIs or from
    GA interface exports (the same GA row can come from both). A re-pulled
    day is upserted by the loader; should a loader append instead, the
    latest _sdc_batched_at still wins.
    Incremental runs read only the batches loaded since the last run.
*/

with

source as (

    select * from {{ source('ga_legacy', 'events') }}
    {% if is_incremental() %}
        where _sdc_batched_at > (select max(loaded_at) from {{ this }})
    {% endif %}

),

deduped as (

    {{ dedupe_latest(
        'source', "event_key, coalesce(origin, 'api')", '_sdc_batched_at desc'
    ) }}

),

renamed as (

    {{ ga_legacy_staged_columns('deduped') }}

)

select * from renamed
