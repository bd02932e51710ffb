{#
    The GA properties and views that record the same hits (var ga_mirrors,
    dbt_project.yml), one row per member: mirror_group, mirror_rule, api,
    property_id, member_position (1 = listed first). A setting the models
    cannot read is refused with one line naming it.
#}
{% macro ga_mirror_members() %}
    {%- set rules = ['priority', 'most_events_per_day'] -%}
    {%- set selects = [] -%}
    {%- for mirror in var('ga_mirrors', []) -%}
        {%- set group = mirror.get('mirror_group') -%}
        {%- set members = mirror.get('members') or [] -%}
        {%- if not group or mirror.get('rule') not in rules
            or members | length < 2 -%}
            {{ exceptions.raise_compiler_error(
                "var ga_mirrors: each entry needs a mirror_group, a rule ("
                ~ rules | join(' or ') ~ ") and two or more members; got "
                ~ mirror
            ) }}
        {%- endif -%}
        {%- for member in members -%}
            {%- set parts = (member ~ '').split(':') -%}
            {%- if parts | length != 2 or parts[0] not in ['ua', 'ga4']
                or not parts[1] -%}
                {{ exceptions.raise_compiler_error(
                    "var ga_mirrors: member " ~ member ~ " of " ~ group
                    ~ " is not ua:<view id> or ga4:<property id>"
                ) }}
            {%- endif -%}
            {%- do selects.append(
                "select\n        '" ~ group | replace("'", "''")
                ~ "' as mirror_group,\n        '" ~ mirror['rule']
                ~ "' as mirror_rule,\n        '" ~ parts[0]
                ~ "' as api,\n        '" ~ parts[1] | replace("'", "''")
                ~ "' as property_id,\n        " ~ loop.index
                ~ " as member_position"
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if selects -%}
        {{ selects | join('\n    union all\n    ') }}
    {%- else -%}
        select
            cast(null as varchar) as mirror_group,
            cast(null as varchar) as mirror_rule,
            cast(null as varchar) as api,
            cast(null as varchar) as property_id,
            cast(null as integer) as member_position
        where 1 = 0
    {%- endif -%}
{% endmacro %}
