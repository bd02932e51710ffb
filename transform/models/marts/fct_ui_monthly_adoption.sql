/*
    One row per month with GA data (CLI events or UI pageviews): how many
    of the month's active projects used the Meltano UI. Active projects are
    the handbook's monthly active projects, as int_projects_active_days
    (fct_active_projects) counts them, not recomputed here. A UI project
    viewed at least one UI page that month; a CLI-only project is a monthly
    active project that did not. ui_projects also counts projects the CLI
    rule does not call active (new ones, the UI alone). Screens are the
    distinct routes viewed, `(unknown)` left out. has_ui_data marks the
    months from the first to the last with UI pageviews: outside them a
    share of 0 says nothing (the UI stopped reporting to GA in v2.7, or the
    warehouse has no pageviews of that time).
*/

with

active_days as (

    select * from {{ ref('int_projects_active_days') }}
    where is_monthly_active

),

pageviews as (

    select * from {{ ref('int_ga_legacy_pageviews_routed') }}
    where has_project_id

),

ui_project_months as (

    select
        project_id,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date)
            as activity_month,
        sum(pageviews) as pageviews
    from pageviews
    group by
        project_id,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date)

),

ui_months as (

    select
        cast({{ dbt.date_trunc('month', 'event_date') }} as date)
            as activity_month,
        count(distinct case
            when page_route <> '{{ ui_unknown_route() }}' then page_route
        end) as screens_used,
        sum(pageviews) as pageviews
    from pageviews
    group by cast({{ dbt.date_trunc('month', 'event_date') }} as date)

),

-- One row per monthly active project and month, whether it used the UI.
active_months as (

    select
        active_days.activity_month,
        active_days.project_id,
        ui_project_months.project_id is not null as used_ui
    from active_days
    left join ui_project_months
        on active_days.project_id = ui_project_months.project_id
            and active_days.activity_month = ui_project_months.activity_month

),

active_counts as (

    select
        activity_month,
        count(*) as active_projects,
        sum(case when used_ui then 1 else 0 end) as active_ui_projects
    from active_months
    group by activity_month

),

ui_counts as (

    select
        activity_month,
        count(*) as ui_projects
    from ui_project_months
    group by activity_month

),

months as (

    select activity_month from active_counts
    union
    select activity_month from ui_counts

),

ui_span as (

    select
        min(activity_month) as first_ui_month,
        max(activity_month) as last_ui_month
    from ui_months

),

final as (

    select
        -- numerics
        coalesce(active_counts.active_projects, 0) as active_projects,
        coalesce(ui_counts.ui_projects, 0) as ui_projects,
        coalesce(active_counts.active_ui_projects, 0) as active_ui_projects,
        coalesce(active_counts.active_projects, 0)
        - coalesce(active_counts.active_ui_projects, 0) as cli_only_projects,
        case
            when active_counts.active_projects > 0
                then
                    1.0 * active_counts.active_ui_projects
                    / active_counts.active_projects
        end as ui_share,
        coalesce(ui_months.screens_used, 0) as screens_used,
        coalesce(ui_months.pageviews, 0) as pageviews,

        -- booleans
        coalesce(
            months.activity_month
            between ui_span.first_ui_month and ui_span.last_ui_month,
            false
        ) as has_ui_data,

        -- dates
        months.activity_month

    from months
    left join active_counts
        on months.activity_month = active_counts.activity_month
    left join ui_counts
        on months.activity_month = ui_counts.activity_month
    left join ui_months
        on months.activity_month = ui_months.activity_month
    cross join ui_span

)

select * from final
