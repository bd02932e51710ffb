/*
    One row per Meltano UI pageview_key the marts count: GA page path
    mapped to the UI route it was, with every user-chosen name gone. The
    raw page_path and page_title end here.

    Origins as for events (ga_one_origin_per_day): per view and day the
    rows of one origin, api before archive_file, so an export of a day the
    API also gave is not counted twice.

    Routes (seed meltano_ui_routes): the path without its query string and
    trailing slash, matched case-insensitively as vue-router did, against
    the templates of the version in custom dimension 2 (`(not set)`, sent
    before v1.2.1: the v1.1.0 routes). Of several matches a literal segment
    wins over a parameter (`/pipelines/create`, not `/pipelines/:jobId`):
    the template with the most literal segments, then the fewest
    parameters. No match, or a match outside its era: `(unknown)`.

    Names: route_plugin_name is the plugin segment (`:extractor`,
    `:loader`, `:plugin`), else `?extractor=`, else `?loader=`: in the clear
    when MeltanoHub has a plugin of that type and name, else its SHA-256.
    Every other user-chosen segment (schedule, model, report and dashboard
    names, embed tokens) and any unknown path is only in
    route_parameter_hash, the SHA-256 of the path; other query values are
    dropped.
*/

with

pageviews as (

    select * from {{ ref('stg_ga_legacy__pageviews') }}

),

routes as (

    select * from {{ ref('meltano_ui_routes') }}

),

hub_plugins as (

    select distinct
        plugin_type,
        plugin_name
    from {{ ref('stg_meltanohub__plugins') }}

),

one_origin as (

    {{ ga_one_origin_per_day('pageviews') }}

),

prioritised as (

    select
        * exclude (meltano_version),
        coalesce(meltano_version, '(not set)') as meltano_version
    from one_origin

),

-- Few distinct paths and versions: each is matched once.
paths as (

    select distinct
        page_path,
        meltano_version,
        case
            when meltano_version = '(not set)'
                then {{ meltano_version_number("'1.1.0'") }}
            else {{ meltano_version_number('meltano_version') }}
        end as version_number,
        {{ regex_replace_all(
            dbt.split_part('page_path', "'?'", 1), '(.)/+$', '\\1'
        ) }} as route_path
    from prioritised

),

route_patterns as (

    select
        page_route,
        plugin_type,
        {{ ui_route_pattern('page_route') }} as route_pattern,
        {{ meltano_version_number("nullif(from_version, '')") }}
            as from_number,
        {{ meltano_version_number("nullif(until_version, '')") }}
            as until_number,
        -- Segments and parameters: one slash and one colon each.
        length(page_route) - length(replace(page_route, '/', ''))
        - (length(page_route) - length(replace(page_route, ':', '')))
            as literal_segments,
        length(page_route) - length(replace(page_route, ':', ''))
            as parameter_count,
        -- The path segment of the plugin name: the slashes before it.
        length({{ regex_extract(
            'page_route', '^(.*/):(extractor|loader|plugin)(/.*)?$'
        ) }})
        - length(replace({{ regex_extract(
            'page_route', '^(.*/):(extractor|loader|plugin)(/.*)?$'
        ) }}, '/', '')) + 1 as plugin_segment
    from routes

),

matches as (

    select
        paths.page_path,
        paths.meltano_version,
        route_patterns.page_route,
        route_patterns.plugin_type,
        route_patterns.plugin_segment,
        route_patterns.parameter_count,
        row_number() over (
            partition by paths.page_path, paths.meltano_version
            order by
                route_patterns.literal_segments desc,
                route_patterns.parameter_count asc
        ) as match_rank
    from paths
    inner join route_patterns
        on {{ regex_matches_expression(
            'lower(paths.route_path)', 'route_patterns.route_pattern'
        ) }}
            and (
                route_patterns.from_number is null
                or paths.version_number >= route_patterns.from_number
            )
            and (
                route_patterns.until_number is null
                or paths.version_number < route_patterns.until_number
            )

),

routed_paths as (

    select
        paths.page_path,
        paths.meltano_version,
        coalesce(matches.page_route, '{{ ui_unknown_route() }}') as page_route,
        case
            when matches.plugin_segment is not null
                then matches.plugin_type
            when {{ regex_extract('paths.page_path', '[?&]extractor=([^&]+)') }}
                is not null
                then 'extractors'
            when {{ regex_extract('paths.page_path', '[?&]loader=([^&]+)') }}
                is not null
                then 'loaders'
        end as route_plugin_type,
        coalesce(
            nullif({{ dbt.split_part(
                'paths.route_path', "'/'", 'matches.plugin_segment'
            ) }}, ''),
            {{ regex_extract('paths.page_path', '[?&]extractor=([^&]+)') }},
            {{ regex_extract('paths.page_path', '[?&]loader=([^&]+)') }}
        ) as plugin_name_typed,
        -- A parameter other than the plugin (or no route at all): the
        -- path names something a user chose.
        matches.page_route is null
        or matches.parameter_count > case
            when matches.plugin_segment is null then 0 else 1
        end as has_chosen_names,
        paths.route_path
    from paths
    left join matches
        on paths.page_path = matches.page_path
            and paths.meltano_version = matches.meltano_version
            and matches.match_rank = 1

),

named as (

    select
        routed_paths.page_path,
        routed_paths.meltano_version,
        routed_paths.page_route,
        case
            when routed_paths.plugin_name_typed is not null
                then routed_paths.route_plugin_type
        end as route_plugin_type,
        case
            when hub_plugins.plugin_name is not null
                then hub_plugins.plugin_name
            when routed_paths.plugin_name_typed is not null
                then {{ sha256('routed_paths.plugin_name_typed') }}
        end as route_plugin_name,
        hub_plugins.plugin_name is not null as is_hub_plugin,
        case
            when routed_paths.has_chosen_names
                then {{ sha256('routed_paths.route_path') }}
        end as route_parameter_hash
    from routed_paths
    left join hub_plugins
        on routed_paths.plugin_name_typed = hub_plugins.plugin_name
            and routed_paths.route_plugin_type = hub_plugins.plugin_type

),

final as (

    select
        -- ids
        prioritised.pageview_key,
        prioritised.property_id,
        prioritised.api,
        prioritised.project_id,
        prioritised.project_id_source,
        prioritised.origin,

        -- strings
        named.page_route,
        named.route_plugin_type,
        named.route_plugin_name,
        named.route_parameter_hash,
        -- GA's placeholder is no version: null, as the marts show it.
        nullif(prioritised.meltano_version, '(not set)') as meltano_version,

        -- numerics
        prioritised.pageviews,
        prioritised.unique_pageviews,

        -- booleans
        prioritised.has_project_id,
        named.is_hub_plugin,

        -- dates
        prioritised.event_date

    from prioritised
    inner join named
        on prioritised.page_path = named.page_path
            and prioritised.meltano_version = named.meltano_version

)

select * from final
