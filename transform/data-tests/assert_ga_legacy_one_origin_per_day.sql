{#
    No GA day is counted from two origins, and none is lost: per (api,
    property_id, event_date), the rows downstream models read
    (int_ga_legacy_events_prioritised) come from one origin, that origin is
    the first of api, archive_file, archive_table the staging models hold
    for the day, and its rows and events are all there, unless another GA
    property or view that records the same hits was counted that day (see
    assert_ga_mirrors_never_summed). Read from staging, independently of the
    model's window function.
#}

with

staged as (

    select
        api,
        property_id,
        event_date,
        origin,
        event_count
    from {{ ref('stg_ga_legacy__events') }}
    union all
    select
        api,
        property_id,
        event_date,
        origin,
        event_count
    from {{ ref('stg_ga_legacy__archive_events') }}

),

available as (

    select
        api,
        property_id,
        event_date,
        origin,
        count(*) as staged_rows,
        sum(event_count) as staged_events
    from staged
    group by 1, 2, 3, 4

),

mirror_losers as (

    select
        api,
        property_id,
        event_date
    from {{ ref('int_ga_legacy_mirror_days') }}
    where not is_mirror_winner

),

expected as (

    select * from available as candidate
    where not exists (
            select 1 from mirror_losers
            where mirror_losers.api = candidate.api
                and mirror_losers.property_id = candidate.property_id
                and mirror_losers.event_date = candidate.event_date
        )
        and not exists (
            select 1 from available as better
            where better.api = candidate.api
                and better.property_id = candidate.property_id
                and better.event_date = candidate.event_date
                and (
                    (better.origin = 'api' and candidate.origin <> 'api')
                    or (
                        better.origin = 'archive_file'
                        and candidate.origin = 'archive_table'
                    )
                )
        )

),

counted as (

    select
        api,
        property_id,
        event_date,
        min(origin) as origin,
        count(distinct origin) as origins,
        count(*) as counted_rows,
        sum(event_count) as counted_events
    from {{ ref('int_ga_legacy_events_prioritised') }}
    group by 1, 2, 3

)

select
    coalesce(expected.api, counted.api) as api,
    coalesce(expected.property_id, counted.property_id) as property_id,
    coalesce(expected.event_date, counted.event_date) as event_date,
    expected.origin as expected_origin,
    counted.origin as counted_origin,
    counted.origins
from expected
full outer join counted
    on expected.api = counted.api
        and expected.property_id = counted.property_id
        and expected.event_date = counted.event_date
where counted.origins is distinct from 1
    or expected.origin is distinct from counted.origin
    or expected.staged_rows is distinct from counted.counted_rows
    or expected.staged_events is distinct from counted.counted_events
