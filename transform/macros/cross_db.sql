{#
    Every SQL construct that differs between DuckDB (dev, CI) and Snowflake
    (prod) lives here, behind adapter.dispatch: JSON access, regular
    expressions and SHA-256. MD5, date truncation and date arithmetic use dbt's
    own cross-database macros (dbt.hash, dbt.date_trunc, dbt.dateadd,
    dbt.datediff) directly.
#}

{# ---- JSON --------------------------------------------------------------- #}

{% macro json_parse(text) %}
    {{- return(adapter.dispatch('json_parse', 'meltano_telemetry')(text)) -}}
{% endmacro %}

{% macro default__json_parse(text) -%}
    cast({{ text }} as json)
{%- endmacro %}

{% macro snowflake__json_parse(text) -%}
    try_parse_json({{ text }})
{%- endmacro %}


{# Text at a dotted path (`data.project_uuid`) of a parsed JSON value. #}
{% macro json_get_text(json, path) %}
    {{- return(adapter.dispatch('json_get_text', 'meltano_telemetry')(json, path)) -}}
{% endmacro %}

{% macro default__json_get_text(json, path) -%}
    json_extract_string({{ json }}, '$.{{ path }}')
{%- endmacro %}

{% macro snowflake__json_get_text(json, path) -%}
    get_path({{ json }}, '{{ path }}')::varchar
{%- endmacro %}


{#
    The first element of the JSON array at `array_path` whose `schema` starts
    with `schema_prefix`, e.g. the project_context among a Snowplow event's
    contexts: json_find(contexts, 'data', 'iglu:com.meltano/project_context/').
#}
{% macro json_find(json, array_path, schema_prefix) %}
    {{- return(adapter.dispatch('json_find', 'meltano_telemetry')(json, array_path, schema_prefix)) -}}
{% endmacro %}

{% macro default__json_find(json, array_path, schema_prefix) -%}
    list_filter(
        cast(json_extract({{ json }}, '$.{{ array_path }}') as json[]),
        element -> starts_with(
            json_extract_string(element, '$.schema'), '{{ schema_prefix }}'
        )
    )[1]
{%- endmacro %}

{% macro snowflake__json_find(json, array_path, schema_prefix) -%}
    filter(
        get_path({{ json }}, '{{ array_path }}'),
        element -> startswith(element:schema::varchar, '{{ schema_prefix }}')
    )[0]
{%- endmacro %}


{# ---- regular expressions ------------------------------------------------ #}

{# The first capture group of `pattern` in `text`, or null. #}
{% macro regex_extract(text, pattern) %}
    {{- return(adapter.dispatch('regex_extract', 'meltano_telemetry')(text, pattern)) -}}
{% endmacro %}

{% macro default__regex_extract(text, pattern) -%}
    nullif(regexp_extract({{ text }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro snowflake__regex_extract(text, pattern) -%}
    regexp_substr({{ text }}, '{{ pattern }}', 1, 1, 'e', 1)
{%- endmacro %}


{% macro regex_matches(text, pattern) %}
    {{- return(adapter.dispatch('regex_matches', 'meltano_telemetry')(text, pattern)) -}}
{% endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro snowflake__regex_matches(text, pattern) -%}
    regexp_like({{ text }}, '{{ pattern }}')
{%- endmacro %}


{# ---- hashing ------------------------------------------------------------ #}

{# Lowercase hex SHA-256 of a text. #}
{% macro sha256(text) %}
    {{- return(adapter.dispatch('sha256', 'meltano_telemetry')(text)) -}}
{% endmacro %}

{% macro default__sha256(text) -%}
    sha256({{ text }})
{%- endmacro %}

{% macro snowflake__sha256(text) -%}
    sha2({{ text }}, 256)
{%- endmacro %}
