{{
    config(
        materialized='incremental',
        unique_key='event_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#
    One row per GA event_key. A re-pulled day is upserted by the loader;
    should a loader append instead, the latest _sdc_batched_at still wins.
    Incremental runs read only the batches loaded since the last run.
#}

with

source as (

    select * from {{ source('ga_legacy', 'events') }}
    {% if is_incremental() %}
        where _sdc_batched_at > (select max(loaded_at) from {{ this }})
    {% endif %}

),

deduped as (

    {{ dedupe_latest('source', 'event_key', '_sdc_batched_at desc') }}

),

renamed as (

    select
        -- ids
        event_key,
        property_id,
        api,
        lower(project_id) as project_id,
        project_id_source,

        -- strings
        event_category as command_category,
        {{ dbt.split_part('event_category', "' '", 2) }} as cli_command,
        trim(
            regexp_replace(
                event_action, '--environment=[0-9a-fA-F]{64}', ''
            )
        ) as command,
        {{ regex_extract(
            'event_action', '--environment=([0-9a-fA-F]{64})'
        ) }} as environment_name_hash,
        event_action,
        event_label,
        project_dimension,

        -- numerics
        cast(event_count as bigint) as event_count,

        -- booleans
        project_id is not null as has_project_id,

        -- dates
        cast(event_date as date) as event_date,

        -- timestamps
        cast(_sdc_extracted_at as timestamp) as extracted_at,
        cast(_sdc_batched_at as timestamp) as loaded_at

    from deduped

)

select * from renamed
