/*
    The old pipeline's warehouse table (both schemas when both are set) in
    the columns of stg_ga_legacy__events, origin 'archive_table': api 'ua',
    property_id the view it was pulled from (var ga_archive_view_id), no
    custom dimension (the old report had none, so project_dimension is ''),
    project_id and event_key by the tap's own rules. A row loaded into both
    schemas, or re-pulled, counts once: the latest _sdc_batched_at. Rows the
    loader marked deleted are left out. The old loader stored GA's empty
    strings as NULL; they are empty strings again, as the tap has them.
    Without a configured source: no rows.
*/

{%- set archives = ga_archive_sources() %}

with

source as (

    {% for archive in archives %}
        -- The old loader stored GA's empty strings as NULL, in one schema
        -- perhaps and not the other: '' before the dedupe, so both copies
        -- of a row are one.
        select
            ga_date,
            coalesce(ga_eventcategory, '') as ga_eventcategory,
            coalesce(ga_eventaction, '') as ga_eventaction,
            coalesce(ga_eventlabel, '') as ga_eventlabel,
            ga_totalevents,
            _sdc_extracted_at,
            _sdc_batched_at,
            _sdc_deleted_at
        from {{ source(archive, 'events') }}
        {% if not loop.last %}union all{% endif %}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as ga_date,
            cast(null as {{ dbt.type_string() }}) as ga_eventcategory,
            cast(null as {{ dbt.type_string() }}) as ga_eventaction,
            cast(null as {{ dbt.type_string() }}) as ga_eventlabel,
            cast(null as bigint) as ga_totalevents,
            cast(null as timestamp) as _sdc_extracted_at,
            cast(null as timestamp) as _sdc_batched_at,
            cast(null as timestamp) as _sdc_deleted_at
        where false
    {% endfor %}

),

deduped as (

    {{ dedupe_latest(
        'source',
        'ga_date, ga_eventcategory, ga_eventaction, ga_eventlabel',
        '_sdc_batched_at desc'
    ) }}

),

in_tap_layout as (

    select
        'ua' as api,
        '{{ var("ga_archive_view_id", "188392047") }}' as property_id,
        -- YYYY-MM-DD text, as the tap writes event_date and keys it.
        substr(ga_date, 1, 4) || '-' || substr(ga_date, 5, 2) || '-'
        || substr(ga_date, 7, 2) as event_date,
        ga_eventcategory as event_category,
        ga_eventaction as event_action,
        ga_eventlabel as event_label,
        '' as project_dimension,
        ga_totalevents as event_count,
        _sdc_extracted_at,
        _sdc_batched_at
    from deduped
    where _sdc_deleted_at is null

),

keyed as (

    select
        {{ surrogate_key([
            'api', 'property_id', 'event_date', 'event_category',
            'event_action', 'event_label', 'project_dimension'
        ]) }} as event_key,
        {{ ga_project_id('event_label', 'project_dimension') }} as project_id,
        {{ ga_project_id_source('event_label', 'project_dimension') }}
            as project_id_source,
        'archive_table' as origin,
        *
    from in_tap_layout

),

staged as (

    {{ ga_legacy_staged_columns('keyed') }}

)

select * from staged
