/*
    One row per GA property (or view) per day: which origin its rows came
    from and how many rows and events carried no project_id (kept out of
    every other mart, counted here), from int_ga_legacy_days_counted. A
    property or view that records the same hits as another (var ga_mirrors)
    has its days here too, is_mirror_winner saying which member the other
    marts counted that day.
*/

with

ga_days as (

    select * from {{ ref('int_ga_legacy_days_counted') }}

),

final as (

    select
        {{ surrogate_key(['api', 'property_id', 'event_date']) }}
            as coverage_key,
        *
    from ga_days

)

select * from final
