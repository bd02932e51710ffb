/*
    One row per MeltanoHub plugin variant: the usage figures MeltanoHub shows
    as badges ("Total Executions (Last 3 Months)" = all_execs, "Projects
    (Last 3 Months)" = all_projects) and derives its quality tier from, for
    the three months up to var('hub_metrics_as_of') (default: the latest day
    with plugin executions). The publisher (packages/hub-metrics) writes the
    rows with is_published to variant_metrics.yml, keyed by repo.

    Counted: execution rows (cli_command run, elt or invoke) of Hub plugins
    (is_hub_plugin: a custom or inherited plugin's hashed name is never
    attributed), from projects that are neither ephemeral nor opted out
    (int_projects_flagged; rows without a project id have no project).
    Projects are counted among those that executed the plugin, as the Hub's
    text says: squared's model also counted add/install/config rows.
    by_name: GA and Snowplow rows by (name, type); unstruct_*: Snowplow
    unstructured rows only; by_variant: each unstructured row attributed to
    at most one variant, by (name, type, variant), else by (name, type,
    pip_url) with the row's variant not on the Hub (`original`, a hash).
*/

{%- set as_of = hub_metrics_as_of() %}

with

executions as (

    select * from {{ ref('int_plugin_executions_unioned') }}

),

hub_plugins as (

    select * from {{ ref('stg_meltanohub__plugins') }}

),

projects as (

    select * from {{ ref('int_projects_flagged') }}

),

as_of as (

    {% if as_of -%}
        select cast('{{ as_of }}' as date) as as_of_date
    {%- else -%}
        select max(activity_date) as as_of_date
        from executions
    {%- endif %}

),

report_window as (

    select
        as_of_date,
        -- three calendar months ending on as_of, as_of included:
        -- 2022-05-31 -> 2022-03-01
        cast(
            {{ dbt.dateadd('day', 1, dbt.dateadd('month', -3, 'as_of_date')) }}
            as date
        ) as window_start_date
    from as_of

),

in_window as (

    select executions.*
    from executions
    inner join report_window
        on executions.activity_date >= report_window.window_start_date
            and executions.activity_date <= report_window.as_of_date

),

counted as (

    select
        in_window.plugin_execution_key,
        in_window.event_type,
        in_window.project_id,
        in_window.plugin_name,
        in_window.plugin_type,
        in_window.plugin_variant,
        in_window.plugin_pip_url,
        in_window.execution_count,
        coalesce(in_window.completion_status = 'success', false) as is_success
    from in_window
    inner join projects
        on in_window.project_id = projects.project_id
    where
        in_window.is_hub_plugin
        and in_window.cli_command in ('run', 'elt', 'invoke')
        and not projects.is_ephemeral_project_id
        and not projects.has_opted_out

),

pip_url_keys as (

    -- a Hub variant's pip_url, and the git URL Meltano installs from its repo;
    -- one variant per key (the Hub's default first) so that a row is never
    -- counted for two variants
    select
        plugin_type,
        plugin_name,
        plugin_variant,
        plugin_pip_url as pip_url_key,
        is_default
    from hub_plugins
    where plugin_pip_url is not null

    union

    select
        plugin_type,
        plugin_name,
        plugin_variant,
        'git+' || plugin_repo || '.git' as pip_url_key,
        is_default
    from hub_plugins
    where plugin_repo is not null

),

pip_url_variants as (

    select *
    from pip_url_keys
    qualify
        row_number() over (
            partition by plugin_type, plugin_name, pip_url_key
            order by is_default desc, plugin_variant asc
        ) = 1

),

unstructured_attributed as (

    select
        counted.*,
        coalesce(
            by_variant.plugin_variant, by_pip_url.plugin_variant
        ) as hub_variant
    from counted
    left join hub_plugins as by_variant
        on counted.plugin_type = by_variant.plugin_type
            and counted.plugin_name = by_variant.plugin_name
            and counted.plugin_variant = by_variant.plugin_variant
    left join pip_url_variants as by_pip_url
        on by_variant.plugin_variant is null
            and counted.plugin_type = by_pip_url.plugin_type
            and counted.plugin_name = by_pip_url.plugin_name
            and counted.plugin_pip_url = by_pip_url.pip_url_key
    where counted.event_type = 'unstructured'

),

by_name as (

    select
        plugin_type,
        plugin_name,
        {{- hub_usage_counts() }}
    from counted
    group by plugin_type, plugin_name

),

unstruct_by_name as (

    select
        plugin_type,
        plugin_name,
        {{- hub_usage_counts() }}
    from unstructured_attributed
    group by plugin_type, plugin_name

),

unstruct_by_variant as (

    select
        plugin_type,
        plugin_name,
        hub_variant as plugin_variant,
        {{- hub_usage_counts() }}
    from unstructured_attributed
    where hub_variant is not null
    group by plugin_type, plugin_name, hub_variant

),

updated as (

    select
        max(
            coalesce(started_at, cast(activity_date as timestamp))
        ) as metrics_updated_at
    from in_window

),

final as (

    select
        -- strings: the Hub's own fields
        hub_plugins.plugin_repo as repo,
        -- the Hub's field name
        hub_plugins.plugin_name as name,  -- noqa: RF04
        hub_plugins.plugin_variant as variant,
        hub_plugins.plugin_type,
        hub_plugins.plugin_pip_url as pip_url,

        -- numerics
        {%- for group in [
            'by_name', 'unstruct_by_name', 'unstruct_by_variant'
        ] %}
            {%- for measure in hub_usage_measures() %}
                cast(coalesce({{ group }}.{{ measure }}, 0) as bigint)
                    as {{ measure }}_{{ group }},
            {%- endfor %}
        {%- endfor %}
        cast(coalesce(unstruct_by_variant.all_projects, 0) as bigint)
            as all_projects,
        cast(coalesce(unstruct_by_variant.all_execs, 0) as bigint)
            as all_execs,

        -- booleans
        hub_plugins.is_default,
        -- the Hub looks metrics up by repo alone, and a few repos hold several
        -- variants (pipelinewise's taps and targets, dbt's transformer and
        -- utility): the file carries one of them, the Hub's default variant
        -- first
        (
            hub_plugins.plugin_repo is not null
            and row_number() over (
                partition by hub_plugins.plugin_repo
                order by
                    hub_plugins.is_default desc,
                    hub_plugins.plugin_type asc,
                    hub_plugins.plugin_name asc,
                    hub_plugins.plugin_variant asc
            ) = 1
        ) as is_published,

        -- dates
        report_window.as_of_date,
        report_window.window_start_date,

        -- timestamps
        updated.metrics_updated_at

    from hub_plugins
    cross join report_window
    cross join updated
    left join by_name
        on hub_plugins.plugin_type = by_name.plugin_type
            and hub_plugins.plugin_name = by_name.plugin_name
    left join unstruct_by_name
        on hub_plugins.plugin_type = unstruct_by_name.plugin_type
            and hub_plugins.plugin_name = unstruct_by_name.plugin_name
    left join unstruct_by_variant
        on hub_plugins.plugin_type = unstruct_by_variant.plugin_type
            and hub_plugins.plugin_name = unstruct_by_variant.plugin_name
            and hub_plugins.plugin_variant = unstruct_by_variant.plugin_variant

)

select * from final
