{#
    A table, not a view: four models read it, and as a view each would run
    its window over every GA row again.
#}
{{ config(materialized='table') }}

{#
    Every GA-era day once: for each GA property or view and day, the rows of
    one origin only, the first there is of api (the tap pulled the day from
    GA), archive_file (a GA interface export the tap read), archive_table
    (the old pipeline's warehouse table). The origins have different grains
    (the old report and most exports had no custom dimension 1), so adding
    rows of two origins for a day would count its events twice. Every model
    downstream of staging reads GA rows from here.
#}

with

events as (

    select * from {{ ref('stg_ga_legacy__events') }}
    union all
    select * from {{ ref('stg_ga_legacy__archive_events') }}

),

ranked as (

    select
        *,
        case origin
            when 'api' then 1
            when 'archive_file' then 2
            else 3
        end as origin_rank
    from events

),

chosen as (

    select
        *,
        min(origin_rank) over (
            partition by api, property_id, event_date
        ) as chosen_rank
    from ranked

),

prioritised as (

    select * exclude (origin_rank, chosen_rank)
    from chosen
    where origin_rank = chosen_rank

),

{# command_line_hash: what every model downstream of the command line
    parser joins on instead of the raw action. SHA-256 is slow, and there
    are few distinct actions: each is hashed once. #}
command_lines as (

    select distinct event_action
    from prioritised

),

hashed as (

    select
        event_action,
        {{ sha256('event_action') }} as command_line_hash
    from command_lines

),

final as (

    select
        prioritised.*,
        hashed.command_line_hash
    from prioritised
    left join hashed
        on prioritised.event_action = hashed.event_action

)

select * from final
