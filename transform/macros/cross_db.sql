{#
    Every SQL construct that differs between DuckDB (dev, CI) and Snowflake
    (prod) lives here, behind adapter.dispatch: JSON access, regular
    expressions, SHA-256 and list unnesting. MD5, date truncation and date arithmetic use dbt's
    own cross-database macros (dbt.hash, dbt.date_trunc, dbt.dateadd,
    dbt.datediff) directly.
#}

{# ---- JSON --------------------------------------------------------------- #}

{#
    `paths` (optional): the dotted paths the model will read from the value
    with json_get_field. DuckDB then parses the text once, into a struct of
    just those paths (from_json), instead of once per path read; a path's
    value is text whatever its JSON type, as json_extract_string gives it.
    Snowflake parses to a VARIANT either way.
#}
{% macro json_parse(text, paths=none) %}
    {{- return(adapter.dispatch('json_parse', 'meltano_telemetry')(text, paths)) -}}
{% endmacro %}

{% macro default__json_parse(text, paths=none) -%}
    {%- if paths -%}
        from_json({{ text }}, '{{ json_paths_type(paths) }}')
    {%- else -%}
        cast({{ text }} as json)
    {%- endif -%}
{%- endmacro %}

{% macro snowflake__json_parse(text, paths=none) -%}
    try_parse_json({{ text }})
{%- endmacro %}


{#
    A parsed JSON value (json_find_context) to read
    the dotted `paths` from with json_get_field: in DuckDB parsed once more,
    into a struct of just those paths (as json_parse with `paths`); in
    Snowflake the VARIANT itself.
#}
{% macro json_fields(json, paths) %}
    {{- return(adapter.dispatch('json_fields', 'meltano_telemetry')(json, paths)) -}}
{% endmacro %}

{% macro default__json_fields(json, paths) -%}
    {{ default__json_parse(json, paths) }}
{%- endmacro %}

{% macro snowflake__json_fields(json, paths) -%}
    {{ json }}
{%- endmacro %}


{#
    DuckDB's JSON structure type of dotted `paths`, each leaf VARCHAR; a name
    ending in `[]` is an array of what follows it:
    ['a', 'b.c', 'd[].e'] -> {"a": "VARCHAR", "b": {"c": "VARCHAR"}, "d": [{"e": "VARCHAR"}]}.
#}
{% macro json_paths_type(paths) -%}
    {%- set heads = [] -%}
    {%- for path in paths -%}
        {%- if path.split('.')[0] not in heads -%}
            {%- do heads.append(path.split('.')[0]) -%}
        {%- endif -%}
    {%- endfor -%}
    {
    {%- for head in heads -%}
        {%- set tails = [] -%}
        {%- for path in paths if path.split('.')[0] == head and '.' in path -%}
            {%- do tails.append(path.split('.', 1)[1]) -%}
        {%- endfor -%}
        {%- set element = json_paths_type(tails) if tails else '"VARCHAR"' -%}
        {%- if head.endswith('[]') -%}
            "{{ head[:-2] }}": [{{ element }}]
        {%- else -%}
            "{{ head }}": {{ element }}
        {%- endif -%}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
    }
{%- endmacro %}


{# Text at a dotted path of a value from json_parse with `paths` or json_fields. #}
{% macro json_get_field(parsed, path) %}
    {{- return(adapter.dispatch('json_get_field', 'meltano_telemetry')(parsed, path)) -}}
{% endmacro %}

{% macro default__json_get_field(parsed, path) -%}
    {%- set names = path.split('.') -%}
    {% for name in names %}struct_extract({% endfor %}{{ parsed }}
    {%- for name in names %}, '{{ name }}'){% endfor %}
{%- endmacro %}

{% macro snowflake__json_get_field(parsed, path) -%}
    get_path({{ parsed }}, '{{ path }}')::varchar
{%- endmacro %}


{#
    A Snowplow `contexts` (or `derived_contexts`) text, parsed once:
    `{schema, data: [{schema, data}, ...]}`. In DuckDB a struct whose
    elements keep `data` as JSON, so the big text is read a single time.
#}
{% macro json_parse_contexts(text) %}
    {{- return(adapter.dispatch('json_parse_contexts', 'meltano_telemetry')(text)) -}}
{% endmacro %}

{% macro default__json_parse_contexts(text) -%}
    from_json({{ text }}, '{"data": [{"schema": "VARCHAR", "data": "JSON"}]}')
{%- endmacro %}

{% macro snowflake__json_parse_contexts(text) -%}
    try_parse_json({{ text }})
{%- endmacro %}


{#
    The `data` of the first context whose `schema` starts with `schema_prefix`
    (e.g. 'iglu:com.meltano/project_context/') in contexts parsed by
    json_parse_contexts, as JSON; null when there is none.
#}
{% macro json_find_context(contexts, schema_prefix) %}
    {{- return(adapter.dispatch('json_find_context', 'meltano_telemetry')(contexts, schema_prefix)) -}}
{% endmacro %}

{% macro default__json_find_context(contexts, schema_prefix) -%}
    list_filter(
        {{ contexts }}.data,
        element -> starts_with(element.schema, '{{ schema_prefix }}')
    )[1].data
{%- endmacro %}

{% macro snowflake__json_find_context(contexts, schema_prefix) -%}
    filter(
        {{ contexts }}:data,
        element -> startswith(element:schema::varchar, '{{ schema_prefix }}')
    )[0]:data
{%- endmacro %}


{# A parsed JSON value as JSON text (to store it in a plain text column). #}
{% macro json_to_text(json) %}
    {{- return(adapter.dispatch('json_to_text', 'meltano_telemetry')(json)) -}}
{% endmacro %}

{% macro default__json_to_text(json) -%}
    cast({{ json }} as varchar)
{%- endmacro %}

{% macro snowflake__json_to_text(json) -%}
    to_varchar({{ json }})
{%- endmacro %}


{#
    A FROM-clause item, to follow a relation (it starts with the comma): one
    row per element of the array `name` of `parsed`, a value from json_parse
    whose paths include `<name>[].<field>`, exposed as `<alias>.value` (read
    its fields with json_get_field) and `<alias>.index` (0-based, the array
    order). A row whose array is null or empty gives no row (an inner lateral
    join). DuckDB unnests the list that from_json already typed, so nothing
    is parsed again; Snowflake uses lateral flatten, whose output columns
    these names are.
#}
{% macro json_array_elements(parsed, name, alias) %}
    {{- return(adapter.dispatch('json_array_elements', 'meltano_telemetry')(parsed, name, alias)) -}}
{% endmacro %}

{% macro default__json_array_elements(parsed, name, alias) -%}
    , lateral (
        select
            unnest(struct_extract({{ parsed }}, '{{ name }}')) as value,
            generate_subscripts(
                struct_extract({{ parsed }}, '{{ name }}'), 1
            ) - 1 as index
    ) as {{ alias }}
{%- endmacro %}

{% macro snowflake__json_array_elements(parsed, name, alias) -%}
    , lateral flatten(input => get_path({{ parsed }}, '{{ name }}')) as {{ alias }}
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


{# Whether `text` matches the regular expression `pattern` as a whole. #}
{% macro regex_matches(text, pattern) %}
    {{- return(regex_matches_expression(text, "'" ~ pattern ~ "'")) -}}
{% endmacro %}

{#
    regex_matches with a pattern that is an SQL expression (a column):
    patterns kept as data, such as the UI route templates.
#}
{% macro regex_matches_expression(text, pattern) %}
    {{- return(adapter.dispatch('regex_matches_expression', 'meltano_telemetry')(text, pattern)) -}}
{% endmacro %}

{% macro default__regex_matches_expression(text, pattern) -%}
    regexp_full_match({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro snowflake__regex_matches_expression(text, pattern) -%}
    regexp_like({{ text }}, {{ pattern }})
{%- endmacro %}


{#
    `text` with every match of `pattern` replaced by `replacement`, which
    names groups as \\1, \\2 (written as is: Snowflake's string literals
    need the backslash doubled, done here).
#}
{% macro regex_replace_all(text, pattern, replacement) %}
    {{- return(adapter.dispatch('regex_replace_all', 'meltano_telemetry')(text, pattern, replacement)) -}}
{% endmacro %}

{% macro default__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro snowflake__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement | replace('\\', '\\\\') }}')
{%- endmacro %}


{# ---- splitting ---------------------------------------------------------- #}

{#
    The rows of CTE or relation `relation`, one per piece of `text_column`
    split on every match of `separator` (a regular expression), the piece
    as column `word`; every other column of `relation` kept.
#}
{% macro split_to_rows(relation, text_column, separator) %}
    {{- return(adapter.dispatch('split_to_rows', 'meltano_telemetry')(relation, text_column, separator)) -}}
{% endmacro %}

{% macro default__split_to_rows(relation, text_column, separator) -%}
    select
        *,
        unnest(string_split_regex({{ text_column }}, '{{ separator }}')) as word
    from {{ relation }}
{%- endmacro %}

{% macro snowflake__split_to_rows(relation, text_column, separator) -%}
    select
        splitted.*,
        pieces.value::varchar as word
    from {{ relation }} as splitted,
        lateral flatten(
            input => split(
                regexp_replace({{ text_column }}, '{{ separator }}', ' '), ' '
            )
        ) as pieces
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


{# ---- lists --------------------------------------------------------------- #}

{# Every match of `pattern` in `text`, in order, as a list (DuckDB) or array. #}
{% macro regex_extract_all(text, pattern) %}
    {{- return(adapter.dispatch('regex_extract_all', 'meltano_telemetry')(text, pattern)) -}}
{% endmacro %}

{% macro default__regex_extract_all(text, pattern) -%}
    regexp_extract_all({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro snowflake__regex_extract_all(text, pattern) -%}
    regexp_substr_all({{ text }}, '{{ pattern }}')
{%- endmacro %}


{#
    A select of `columns` from `relation` with one row per element of the
    list (or array) `list`: the element as `element` (text) and its 1-based
    place as `element_position`. An empty list gives no row.
#}
{% macro unnest_list(relation, columns, list) %}
    {{- return(adapter.dispatch('unnest_list', 'meltano_telemetry')(relation, columns, list)) -}}
{% endmacro %}

{% macro default__unnest_list(relation, columns, list) -%}
    select
        {{ columns }},
        unnested.element,
        unnested.element_position
    from {{ relation }},
        unnest({{ list }}) with ordinality as unnested (element, element_position)
{%- endmacro %}

{% macro snowflake__unnest_list(relation, columns, list) -%}
    select
        {{ columns }},
        unnested.value::varchar as element,
        unnested.index + 1 as element_position
    from {{ relation }},
        lateral flatten(input => {{ list }}) as unnested
{%- endmacro %}
