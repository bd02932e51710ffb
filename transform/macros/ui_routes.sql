{#
    The rules that map a Meltano UI page path to its route template
    (int_ga_legacy_pageviews_routed, seed meltano_ui_routes).
#}

{#
    A version as one comparable integer: major * 1,000,000 + minor * 1,000
    + patch (Meltano minors reached 105). Null when the text does not start
    with three numbers.
#}
{% macro meltano_version_number(version) -%}
    (
        cast({{ regex_extract(version, '^([0-9]+)[.][0-9]+[.][0-9]+') }}
            as integer) * 1000000
        + cast({{ regex_extract(version, '^[0-9]+[.]([0-9]+)[.][0-9]+') }}
            as integer) * 1000
        + cast({{ regex_extract(version, '^[0-9]+[.][0-9]+[.]([0-9]+)') }}
            as integer)
    )
{%- endmacro %}


{#
    The regular expression of a route template, as vue-router matches it:
    `:name+` is one or more segments, `:name` exactly one. The literal
    segments of the templates hold no regular expression syntax.
#}
{% macro ui_route_pattern(template) -%}
    {{ regex_replace_all(
        regex_replace_all(template, ':[A-Za-z]+[+]', '[^/]+(/[^/]+)*'),
        ':[A-Za-z]+',
        '[^/]+'
    ) }}
{%- endmacro %}


{# The page_route of a path that is no route of its version. #}
{% macro ui_unknown_route() -%}
    (unknown)
{%- endmacro %}
