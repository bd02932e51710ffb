/*
    One row per plugin identity the telemetry saw: (plugin_type, plugin_name,
    plugin_variant), the name in the clear when it is on MeltanoHub, else the
    SHA-256 hex of the name (a custom or inherited plugin); the variant only
    when Snowplow sent it (the GA era never did: null). Hub metadata comes
    from the Hub variant itself when the variant is known and on the Hub,
    else from the name's default variant (is_hub_variant says which).
*/

with

plugin_executions as (

    select * from {{ ref('int_plugin_executions_unioned') }}

),

hub as (

    select * from {{ ref('stg_meltanohub__plugins') }}

),

identities as (

    select
        plugin_key,
        plugin_type,
        plugin_name,
        plugin_variant,
        max(plugin_category) as plugin_category,
        {{ dbt.bool_or('is_hub_plugin') }} as is_hub_plugin,
        {{ dbt.bool_or("event_source = 'ga'") }} as has_ga_usage,
        {{ dbt.bool_or("event_source = 'snowplow'") }} as has_snowplow_usage,
        min(activity_date) as first_seen_date,
        max(activity_date) as last_seen_date
    from plugin_executions
    group by plugin_key, plugin_type, plugin_name, plugin_variant

),

described as (

    select
        identities.*,
        exact.plugin_variant is not null as is_hub_variant,
        coalesce(exact.plugin_variant, fallback.plugin_variant)
            as hub_variant,
        coalesce(exact.plugin_label, fallback.plugin_label) as plugin_label,
        coalesce(exact.plugin_namespace, fallback.plugin_namespace)
            as plugin_namespace,
        coalesce(exact.plugin_repo, fallback.plugin_repo) as plugin_repo,
        coalesce(exact.plugin_pip_url, fallback.plugin_pip_url)
            as hub_pip_url,
        coalesce(exact.is_default, fallback.is_default) as is_default_variant,
        coalesce(exact.maintenance_status, fallback.maintenance_status)
            as maintenance_status,
        coalesce(exact.is_sdk, fallback.is_sdk) as is_sdk,
        coalesce(exact.quality, fallback.quality) as quality
    from identities
    left join hub as exact
        on identities.plugin_type = exact.plugin_type
            and identities.plugin_name = exact.plugin_name
            and identities.plugin_variant = exact.plugin_variant
    left join hub as fallback
        on identities.plugin_type = fallback.plugin_type
            and identities.plugin_name = fallback.plugin_name
            and fallback.is_default

),

final as (

    select
        -- ids
        plugin_key,

        -- strings
        plugin_type,
        plugin_name,
        plugin_variant,
        plugin_category,
        hub_variant,
        plugin_label,
        plugin_namespace,
        plugin_repo,
        hub_pip_url,
        maintenance_status,
        quality,

        -- booleans
        is_hub_plugin,
        is_hub_variant,
        is_default_variant,
        is_sdk,
        has_ga_usage,
        has_snowplow_usage,

        -- dates
        first_seen_date,
        last_seen_date

    from described

)

select * from final
