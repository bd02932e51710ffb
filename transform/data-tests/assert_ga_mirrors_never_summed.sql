{#
    Two GA properties or views that record the same hits (var ga_mirrors)
    are never both counted for a day: per mirror group and day, the rows
    every mart reads (int_ga_legacy_events_prioritised) come from one member,
    the one int_ga_legacy_mirror_days names as the winner, and that day has
    exactly one winner. Rows returned are the offending group-days.
#}

with

members as (

    {{ ga_mirror_members() }}

),

counted as (

    select
        members.mirror_group,
        events.event_date,
        count(distinct events.api || ':' || events.property_id)
            as members_counted,
        min(events.api || ':' || events.property_id) as member_counted
    from {{ ref('int_ga_legacy_events_prioritised') }} as events
    inner join members
        on events.api = members.api
            and events.property_id = members.property_id
    group by 1, 2

),

winners as (

    select
        mirror_group,
        event_date,
        sum(case when is_mirror_winner then 1 else 0 end) as winners,
        min(case when is_mirror_winner then api || ':' || property_id end)
            as winner
    from {{ ref('int_ga_legacy_mirror_days') }}
    group by 1, 2

)

select
    coalesce(counted.mirror_group, winners.mirror_group) as mirror_group,
    coalesce(counted.event_date, winners.event_date) as event_date,
    counted.members_counted,
    counted.member_counted,
    winners.winners,
    winners.winner
from counted
full outer join winners
    on counted.mirror_group = winners.mirror_group
        and counted.event_date = winners.event_date
where counted.members_counted is distinct from 1
    or winners.winners is distinct from 1
    or counted.member_counted is distinct from winners.winner
