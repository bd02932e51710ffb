{#
    The rank of a GA row's origin: a day's rows come from the lowest there is
    (api, then archive_file, then archive_table).
#}
{% macro ga_origin_rank(origin) %}
    case {{ origin }}
        when 'api' then 1
        when 'archive_file' then 2
        else 3
    end
{% endmacro %}

{#
    The rows of `relation` (GA rows with api, property_id, event_date and
    origin) from one origin per GA property or view and day: the first there
    is by ga_origin_rank. Why: the origins have different grains (the old
    report and most exports had no custom dimension 1), so the rows of two
    origins for one day would count its events or pageviews twice. The
    events and the UI's pageviews both choose so; the columns come out as
    they went in.
#}
{% macro ga_one_origin_per_day(relation) -%}
    select * exclude (_origin_rank)
    from (
        select
            *,
            {{ ga_origin_rank('origin') }} as _origin_rank
        from {{ relation }}
    ) as ranked
    qualify _origin_rank = min(_origin_rank) over (
        partition by api, property_id, event_date
    )
{%- endmacro %}
