/*
    One row per project, day, UI route, route plugin and Meltano version:
    what the Meltano UI showed a project that day (GA view 188384771,
    int_ga_legacy_pageviews_routed). Page paths of one route (a plugin of
    the same name typed differently, query strings, trailing slashes, page
    titles) are added up: unique_pageviews is then the sum of GA's
    per-page unique pageviews, sessions counted once per page. Rows
    without a project_id reach no mart.
*/

with

pageviews as (

    select * from {{ ref('int_ga_legacy_pageviews_routed') }}
    where has_project_id

),

aggregated as (

    select
        project_id,
        event_date as activity_date,
        page_route,
        route_plugin_type,
        route_plugin_name,
        meltano_version,
        {{ dbt.bool_or('is_hub_plugin') }} as is_hub_plugin,
        count(distinct route_parameter_hash) as distinct_parameters,
        sum(pageviews) as pageviews,
        sum(unique_pageviews) as unique_pageviews
    from pageviews
    group by
        project_id,
        event_date,
        page_route,
        route_plugin_type,
        route_plugin_name,
        meltano_version

),

final as (

    select
        -- ids
        {{ surrogate_key([
            'project_id', 'activity_date', 'page_route', 'route_plugin_type',
            'route_plugin_name', 'meltano_version'
        ]) }} as ui_route_day_key,
        project_id,

        -- strings
        page_route,
        route_plugin_type,
        route_plugin_name,
        meltano_version,

        -- numerics
        pageviews,
        unique_pageviews,
        distinct_parameters,

        -- booleans
        is_hub_plugin,
        page_route = '{{ ui_unknown_route() }}' as is_unknown_route,

        -- dates
        activity_date,
        cast(
            {{ dbt.date_trunc('month', 'activity_date') }} as date
        ) as activity_month

    from aggregated

)

select * from final
