/*
    Per mirror group (var ga_mirrors: GA properties and views that record
    the same hits, e.g. a UA view and a GA4 property dual-tagged during the
    migration) and day, one row per member with rows that day, and which
    member is counted: is_mirror_winner. Adding two mirrors would count every
    hit twice, so int_ga_legacy_events_prioritised keeps the winner's rows
    only. The member's day is its rows of one origin, as there (the first of
    api, archive_file, archive_table). Rules: priority (the first listed
    member with rows that day: list UA first for "UA until it stops, then
    GA4") and most_events_per_day (ties to the first listed).
*/

with

members as (

    {{ ga_mirror_members() }}

),

events as (

    select
        api,
        property_id,
        event_date,
        origin,
        event_count,
        has_project_id
    from {{ ref('stg_ga_legacy__events') }}
    union all
    select
        api,
        property_id,
        event_date,
        origin,
        event_count,
        has_project_id
    from {{ ref('stg_ga_legacy__archive_events') }}

),

origin_days as (

    select
        members.mirror_group,
        members.mirror_rule,
        members.member_position,
        events.api,
        events.property_id,
        events.event_date,
        events.origin,
        {{ ga_origin_rank('events.origin') }} as origin_rank,
        count(*) as ga_rows,
        sum(events.event_count) as ga_events,
        sum(case when events.has_project_id then 0 else 1 end)
            as rows_without_project_id,
        sum(case when events.has_project_id then 0 else events.event_count end)
            as events_without_project_id
    from events
    inner join members
        on events.api = members.api
            and events.property_id = members.property_id
    group by 1, 2, 3, 4, 5, 6, 7

),

member_days as (

    select * exclude (origin_rank)
    from origin_days
    qualify origin_rank = min(origin_rank) over (
            partition by mirror_group, api, property_id, event_date
        )

),

ranked as (

    select
        *,
        row_number() over (
            partition by mirror_group, event_date
            order by
                case
                    when mirror_rule = 'most_events_per_day' then ga_events
                end desc nulls last,
                member_position
        ) as mirror_rank
    from member_days

),

final as (

    select
        -- ids
        {{ surrogate_key([
            'mirror_group', 'api', 'property_id', 'event_date'
        ]) }} as mirror_day_key,
        mirror_group,
        api,
        property_id,

        -- strings
        mirror_rule,
        origin,

        -- numerics
        ga_rows,
        ga_events,
        rows_without_project_id,
        events_without_project_id,

        -- booleans
        mirror_rank = 1 as is_mirror_winner,

        -- dates
        event_date

    from ranked

)

select * from final
