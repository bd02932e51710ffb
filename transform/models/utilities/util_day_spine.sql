/*
    The day spine: one row per day offset, 0 to 999. A model steps through a
    range of days by adding day_offset to the range's first day (dbt.dateadd)
    and keeping the offsets up to the range's length, so every model that
    walks days counts them the same way: fct_ga_legacy_report_window_days
    (a report window, at most 1,000 days), fct_active_projects (the 28 days
    an execution keeps a project active). Built from digits rather than a
    warehouse generator, so DuckDB and Snowflake run the same SQL.
*/

with

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

day_offsets as (

    select units.digit + 10 * tens.digit + 100 * hundreds.digit as day_offset
    from digits as units
    cross join digits as tens
    cross join digits as hundreds

)

select * from day_offsets
