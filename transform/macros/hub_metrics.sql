{#
    The dbt var hub_metrics_as_of (dbt_project.yml: HUB_METRICS_AS_OF), checked:
    a real calendar date YYYY-MM-DD, or none when it is empty (the mart then
    takes the latest day it has events for). Anything else stops the run with
    one line that names the var. Checked only when dbt executes, so a bad
    value in the environment does not break the parsing of unrelated runs.
#}
{% macro hub_metrics_as_of() %}
    {%- set value = (var('hub_metrics_as_of', '') or '') | string | trim -%}
    {%- if value in ('', 'None') or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set ns = namespace(ok=false) -%}
    {%- set match = modules.re.match('^([1-9][0-9]{3})-([0-9]{2})-([0-9]{2})$', value) -%}
    {%- if match -%}
        {%- set year = match.group(1) | int -%}
        {%- set month = match.group(2) | int -%}
        {%- set day = match.group(3) | int -%}
        {%- if 1 <= month <= 12 and day >= 1 -%}
            {%- set next_month = modules.datetime.date(
                year + month // 12, month % 12 + 1, 1
            ) -%}
            {%- set last_day = (
                next_month - modules.datetime.timedelta(days=1)
            ).day -%}
            {%- set ns.ok = day <= last_day -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not ns.ok -%}
        {{ exceptions.raise_compiler_error(
            "hub_metrics_as_of must be a date YYYY-MM-DD, got '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#
    The four usage figures MeltanoHub reads per plugin (or variant), as
    name: aggregate over rows of fct_hub_variant_metrics' counted CTE
    (project_id, execution_count, is_success). Projects are counted once
    however often they ran the plugin; executions are GA event counts or
    Snowplow executions.
#}
{% macro hub_usage_measures() -%}
    {{ return({
        'all_projects': 'count(distinct project_id)',
        'success_projects':
            'count(distinct case when is_success then project_id end)',
        'all_execs': 'sum(execution_count)',
        'success_execs':
            'sum(case when is_success then execution_count else 0 end)',
    }) }}
{%- endmacro %}


{# hub_usage_measures as select-list items, comma-separated. #}
{% macro hub_usage_counts() -%}
    {%- for name, aggregate in hub_usage_measures().items() %}
        {{ aggregate }} as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
