/*
    One row per day of Snowplow events: how many there were, and how many
    carried no usable project id, either none at all or a project_uuid that
    is not a UUID (has_invalid_project_uuid in stg_snowplow__events). Those
    events are kept out of every other mart; this is where they are counted,
    as fct_ga_legacy_daily_coverage counts GA rows without a project_id.
*/

with

events as (

    select * from {{ ref('stg_snowplow__events') }}

),

final as (

    select
        -- ids
        {{ surrogate_key(['event_created_date']) }} as snowplow_coverage_key,

        -- numerics
        count(*) as snowplow_events,
        sum(case when project_uuid is null then 1 else 0 end)
            as events_without_project_id,
        sum(case when has_invalid_project_uuid then 1 else 0 end)
            as events_with_invalid_project_uuid,

        -- dates
        event_created_date

    from events
    group by event_created_date

)

select * from final
