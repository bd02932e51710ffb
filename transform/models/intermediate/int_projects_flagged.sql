{{ config(materialized='table') }}

/*
    One row per project_id seen by GA (rows with a project_id) or Snowplow,
    with the flags that say whether its usage counts: what dim_projects shows
    and what fct_hub_variant_metrics filters on (no mart reads a mart).
    project_uuid_source is Meltano's (explicit/derived/random): Snowplow's
    when it saw the project, else mapped from the GA rows' project_id_source
    (label, custom_dimension: explicit; derived: derived). project_id_source
    is the tap's, for projects GA saw (derived when any GA row derived the
    id, else label when any row had it in the label, else custom_dimension).
    Ephemeral ids: a random project_uuid_source, a Snowplow-only project whose
    whole life fits in var('ephemeral_max_lifespan_minutes'), or a project
    whose Snowplow executions all ran in CI. Opted out: Snowplow saw the
    project turn its anonymous usage stats off (GA never said).
    A project seen only by the UI's GA view is here too (first_ui_day,
    last_ui_day), so that every UI mart's project_id reaches dim_projects.
*/

with

ga_events as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}
    where has_project_id

),

snowplow_events as (

    select * from {{ ref('stg_snowplow__events') }}
    where project_uuid is not null

),

executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}
    where project_id is not null

),

ui_pageviews as (

    select * from {{ ref('int_ga_legacy_pageviews_routed') }}
    where has_project_id

),

activations as (

    select * from {{ ref('int_projects_activated') }}

),

ga_projects as (

    select
        project_id,
        min(event_date) as ga_first_event_date,
        max(event_date) as ga_last_event_date,
        sum(event_count) as ga_events,
        case
            when {{ dbt.bool_or("project_id_source = 'derived'") }}
                then 'derived'
            when {{ dbt.bool_or("project_id_source = 'label'") }}
                then 'label'
            else 'custom_dimension'
        end as ga_project_id_source,
        -- the tap's vocabulary mapped to Meltano's: a UUID in the label or the
        -- custom dimension is explicit, a derived one derived
        case
            when {{ dbt.bool_or("project_id_source = 'derived'") }}
                then 'derived'
            else 'explicit'
        end as ga_project_uuid_source
    from ga_events
    group by project_id

),

ui_projects as (

    select
        project_id,
        min(event_date) as first_ui_day,
        max(event_date) as last_ui_day,
        case
            when {{ dbt.bool_or("project_id_source = 'derived'") }}
                then 'derived'
            else 'custom_dimension'
        end as ui_project_id_source
    from ui_pageviews
    group by project_id

),

snowplow_projects as (

    select
        project_uuid as project_id,
        min(event_created_at) as snowplow_first_event_at,
        max(event_created_at) as snowplow_last_event_at,
        count(*) as snowplow_events,
        max(project_uuid_source) as snowplow_project_uuid_source,
        {{ dbt.bool_or('is_opt_out_event') }} as has_opted_out
    from snowplow_events
    group by project_uuid

),

execution_projects as (

    select
        project_id,
        count(*) as snowplow_executions,
        min(case when is_ci_environment then 1 else 0 end) = 1 as is_ci_only
    from executions
    group by project_id

),

project_ids as (

    select project_id from ga_projects
    union
    select project_id from snowplow_projects
    union
    select project_id from ui_projects

),

joined as (

    select
        project_ids.project_id,
        ga_projects.ga_first_event_date,
        ga_projects.ga_last_event_date,
        coalesce(ga_projects.ga_events, 0) as ga_events,
        snowplow_projects.snowplow_first_event_at,
        snowplow_projects.snowplow_last_event_at,
        coalesce(snowplow_projects.snowplow_events, 0) as snowplow_events,
        coalesce(execution_projects.snowplow_executions, 0)
            as snowplow_executions,
        activations.snowplow_activation_date,
        coalesce(
            snowplow_projects.snowplow_project_uuid_source,
            ga_projects.ga_project_uuid_source,
            case ui_projects.ui_project_id_source
                when 'derived' then 'derived'
                when 'custom_dimension' then 'explicit'
            end
        ) as project_uuid_source,
        coalesce(
            ga_projects.ga_project_id_source, ui_projects.ui_project_id_source
        ) as project_id_source,
        ga_projects.project_id is not null as has_ga_events,
        ui_projects.project_id is not null as has_ui_pageviews,
        ui_projects.first_ui_day,
        ui_projects.last_ui_day,
        snowplow_projects.project_id is not null as has_snowplow_events,
        coalesce(execution_projects.is_ci_only, false) as is_ci_only,
        coalesce(snowplow_projects.has_opted_out, false) as has_opted_out,
        -- least/greatest of what is there: null if any argument is null
        -- in Snowflake, so each slot falls back on the others.
        {%- set firsts = [
            'cast(ga_projects.ga_first_event_date as timestamp)',
            'snowplow_projects.snowplow_first_event_at',
            'cast(ui_projects.first_ui_day as timestamp)',
        ] %}
        {%- set lasts = [
            'cast(ga_projects.ga_last_event_date as timestamp)',
            'snowplow_projects.snowplow_last_event_at',
            'cast(ui_projects.last_ui_day as timestamp)',
        ] %}
        least(
            coalesce({{ firsts | join(', ') }}),
            coalesce({{ firsts[1:] | join(', ') }}, {{ firsts[0] }}),
            coalesce({{ firsts[2] }}, {{ firsts[:2] | join(', ') }})
        ) as first_seen_at,
        greatest(
            coalesce({{ lasts | join(', ') }}),
            coalesce({{ lasts[1:] | join(', ') }}, {{ lasts[0] }}),
            coalesce({{ lasts[2] }}, {{ lasts[:2] | join(', ') }})
        ) as last_seen_at
    from project_ids
    left join ga_projects
        on project_ids.project_id = ga_projects.project_id
    left join snowplow_projects
        on project_ids.project_id = snowplow_projects.project_id
    left join execution_projects
        on project_ids.project_id = execution_projects.project_id
    left join ui_projects
        on project_ids.project_id = ui_projects.project_id
    left join activations
        on project_ids.project_id = activations.project_id

),

final as (

    select
        -- ids
        project_id,

        -- strings
        project_uuid_source,
        project_id_source,
        -- The UI's pageviews are GA's too.
        case
            when (has_ga_events or has_ui_pageviews) and has_snowplow_events
                then 'ga, snowplow'
            when has_ga_events or has_ui_pageviews then 'ga'
            else 'snowplow'
        end as event_sources,

        -- numerics
        ga_events,
        snowplow_events,
        snowplow_executions,

        -- booleans
        has_ga_events,
        has_snowplow_events,
        has_ui_pageviews,
        is_ci_only,
        has_opted_out,
        (
            coalesce(project_uuid_source = 'random', false)
            or is_ci_only
            or (
                not has_ga_events
                and not has_ui_pageviews
                and {{ dbt.datediff(
                    'snowplow_first_event_at', 'snowplow_last_event_at', 'minute'
                ) }} <= {{ var('ephemeral_max_lifespan_minutes') }}
            )
        ) as is_ephemeral_project_id,

        -- dates
        cast(first_seen_at as date) as first_seen_date,
        cast(last_seen_at as date) as last_seen_date,
        ga_first_event_date,
        ga_last_event_date,
        snowplow_activation_date,
        first_ui_day,
        last_ui_day,

        -- timestamps
        first_seen_at,
        last_seen_at,
        snowplow_first_event_at,
        snowplow_last_event_at

    from joined

)

select * from final
