{# Every project_id the GA rows carry has a row in dim_projects. #}

with

ga_events as (

    select distinct project_id
    from {{ source('ga_legacy', 'events') }}
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
