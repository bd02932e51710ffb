/*
    A table, not a view: four models read it, and as a view each would run
    its window over every GA row again.
*/
{{ config(materialized='table') }}

/*
    Every GA-era day once: for each GA property or view and day, the rows of
    one origin only, the first there is of api (the tap pulled the day from
    GA), archive_file (a GA interface export the tap read), archive_table
    (the old pipeline's warehouse table). The origins have different grains
    (the old report and most exports had no custom dimension 1), so adding
    rows of two origins for a day would count its events twice. Likewise of
    properties and views that record the same hits (var ga_mirrors) only the
    day's winner is kept. Every model downstream of staging reads GA rows
    from here.
*/

with

events as (

    select * from {{ ref('stg_ga_legacy__events') }}
    union all
    select * from {{ ref('stg_ga_legacy__archive_events') }}

),

one_origin as (

    {{ ga_one_origin_per_day('events') }}

),

-- Of GA properties and views that record the same hits (var ga_mirrors),
-- one per day is counted: int_ga_legacy_mirror_days says which.
mirror_losers as (

    select
        api,
        property_id,
        event_date
    from {{ ref('int_ga_legacy_mirror_days') }}
    where not is_mirror_winner

),

prioritised as (

    select
        *,
        -- what every model downstream of the command line parser joins on
        -- instead of the raw action
        {{ sha256('event_action') }} as command_line_hash
    from one_origin
    where
        not exists (
            select 1 from mirror_losers
            where
                mirror_losers.api = one_origin.api
                and mirror_losers.property_id = one_origin.property_id
                and mirror_losers.event_date = one_origin.event_date
        )

)

select * from prioritised
