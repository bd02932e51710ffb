{#
    Every project_id of the GA rows that count (one origin per view and day,
    the old warehouse table's rows included) has a row in dim_projects.
#}

with

ga_events as (

    select distinct project_id
    from {{ ref('int_ga_legacy_events_prioritised') }}
    where project_id is not null

),

projects as (

    select * from {{ ref('dim_projects') }}

)

select ga_events.project_id
from ga_events
left join projects
    on lower(ga_events.project_id) = projects.project_id
where projects.project_id is null
