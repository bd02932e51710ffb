{#
    Every project_uuid in the raw Snowplow events (project_context of any
    event) that is a UUID reaches stg_snowplow__events and dim_projects, and
    every execution (context_uuid) of a project reaches
    int_snowplow_executions_grouped. The rest have no project: they are
    counted in fct_snowplow_daily_coverage only.
#}

with

raw_project_uuids as (

    {#- Read with a regular expression on the raw text, not with the JSON
        macros the model uses: an independent second reading. #}
    select distinct
        {{ regex_extract('contexts', '"project_uuid":"([^"]+)"') }}
            as project_uuid
    from {{ source('snowplow', 'events') }}
    where contexts is not null

),

-- Normalised after the distinct: once per project, not once per event.
raw_projects as (

    select distinct {{ as_uuid('project_uuid') }} as project_id
    from raw_project_uuids

),

projects as (

    select * from {{ ref('dim_projects') }}

),

events as (

    select distinct context_uuid from {{ ref('stg_snowplow__events') }}
    where context_uuid is not null
        and project_uuid is not null

),

executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}

),

lost_projects as (

    select
        raw_projects.project_id as lost_id,
        'project' as kind
    from raw_projects
    left join projects
        on raw_projects.project_id = projects.project_id
    where raw_projects.project_id is not null
        and projects.project_id is null

),

lost_executions as (

    select
        events.context_uuid as lost_id,
        'execution' as kind
    from events
    left join executions
        on events.context_uuid = executions.execution_id
    where executions.execution_id is null

)

select * from lost_projects
union all
select * from lost_executions
