/*
    One row per pageview_key and origin the tap loaded from the Meltano UI
    view(s): typed, the latest loaded copy of each key (a loader that
    appends instead of upserting could hold a row twice). A view, not
    incremental: the UI sent GA pageviews for three years only, a few
    thousand rows a month. Without the source table (the tap was given no
    UI view) no rows. page_path and page_title hold user-chosen names: they
    stop at int_ga_legacy_pageviews_routed.
*/

{%- set pageviews = ga_legacy_optional_source('pageviews') %}

with

source as (

    {% if pageviews is not none %}
        select * from {{ pageviews }}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as pageview_key,
            cast(null as {{ dbt.type_string() }}) as property_id,
            cast(null as {{ dbt.type_string() }}) as api,
            cast(null as {{ dbt.type_string() }}) as event_date,
            cast(null as {{ dbt.type_string() }}) as page_path,
            cast(null as {{ dbt.type_string() }}) as page_title,
            cast(null as {{ dbt.type_string() }}) as project_dimension,
            cast(null as {{ dbt.type_string() }}) as meltano_version,
            cast(null as bigint) as pageviews,
            cast(null as bigint) as unique_pageviews,
            cast(null as {{ dbt.type_string() }}) as project_id,
            cast(null as {{ dbt.type_string() }}) as project_id_source,
            cast(null as {{ dbt.type_string() }}) as origin,
            cast(null as timestamp) as _sdc_extracted_at,
            cast(null as timestamp) as _sdc_batched_at
        where false
    {% endif %}

),

deduped as (

    {{ dedupe_latest(
        'source', "pageview_key, coalesce(origin, 'api')", '_sdc_batched_at desc'
    ) }}

),

renamed as (

    select
        -- ids
        pageview_key,
        property_id,
        api,
        lower(project_id) as project_id,
        project_id_source,

        -- strings
        page_path,
        page_title,
        project_dimension,
        meltano_version,

        -- numerics
        cast(pageviews as bigint) as pageviews,
        cast(unique_pageviews as bigint) as unique_pageviews,

        -- booleans
        project_id is not null as has_project_id,

        -- dates
        cast(event_date as date) as event_date,

        -- timestamps
        cast(_sdc_extracted_at as timestamp) as extracted_at,
        cast(_sdc_batched_at as timestamp) as loaded_at,

        coalesce(origin, 'api') as origin

    from deduped

)

select * from renamed
