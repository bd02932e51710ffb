{#
    Privacy by default (README "Hashing policy", issue 17): fails when a
    string value of `model` (a mart) could be something a user typed. Every
    string column is checked, read from the warehouse when the test runs, so
    a new column is covered without editing anything. A value passes when it
    is, as a whole:
      - on the allowlist: MeltanoHub's names, variants, labels, namespaces,
        executables, pip_urls and repos (seed meltanohub_plugins) and what
        int_hash_lookup derives from them alone (pip_urls as Meltano hashed
        them, `original`), the common environment names (seed
        environment_names), the command
        vocabulary (seed meltano_cli_vocabulary: command words, flags,
        plugin types, Hub command names), the Meltano UI's route templates
        (seed meltano_ui_routes, and `(unknown)`), every accepted_values of the
        project's tests and the mirror group names of var ga_mirrors;
      - a hex hash (32 or 64 hex digits: MD5 keys, SHA-256 hashes), a UUID,
        an ISO date or timestamp, a number or a version (2.3.0);
      - or matches its column's pattern in `column_patterns`;
    or else when each of its words (split on spaces, `=` and `:`) passes,
    a `<word>` placeholder counting when the word does or is one of the
    parser's placeholders (hashed, cron): command shapes such as
    `meltano select <extractor> <hashed>`.
    The test also fails when a mart has no no_free_text test at all, so a
    new mart cannot slip past it. Failing values are never printed: the
    message names the mart, the column, how many values, and the SHA-256 of
    one of them (find it with `where sha256(column) = '...'`).
#}
{% test no_free_text(model, column_patterns={}) %}

{#- Static refs, so the seeds are built before the test runs.
    int_hash_lookup is built from the seeds and vars only: the Hub's
    derived pip_urls (`git+<repo>.git`, the python version expanded),
    `original`, ... -#}
{%- set allowlists = [
    (ref('meltanohub_plugins'), [
        'plugin_type', 'name', 'variant', 'label', 'namespace', 'executable',
        'pip_url', 'repo', 'maintenance_status', 'quality'
    ]),
    (ref('environment_names'), ['environment_name']),
    (ref('meltano_cli_vocabulary'), ['token']),
    (ref('int_hash_lookup'), ['clear_value']),
    (ref('meltano_ui_routes'), ['page_route']),
] -%}
{#- What the parser's command shapes put in place of typed text. -#}
{%- set placeholders = ['hashed', 'cron'] -%}

{%- if not execute or flags.WHICH not in ('build', 'test', 'retry') -%}
    {#- Parsing, compiling, docs: nothing to read yet. -#}
    select 1 as no_free_text where 1 = 0
{%- else -%}

{#- Every mart carries this test. -#}
{%- set tested = [] -%}
{%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'test'
        and node.test_metadata
        and node.test_metadata.name == 'no_free_text' -%}
        {%- do tested.extend(node.depends_on.nodes) -%}
    {%- endif -%}
{%- endfor -%}
{%- set untested = [] -%}
{%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'model' and node.fqn[1] == 'marts'
        and node.unique_id not in tested -%}
        {%- do untested.append(node.name) -%}
    {%- endif -%}
{%- endfor -%}
{%- if untested -%}
    {{ exceptions.raise_compiler_error(
        'no_free_text: marts without the privacy test (add `- no_free_text`'
        ~ ' to their data_tests): ' ~ untested | sort | join(', ')
    ) }}
{%- endif -%}

{#- The accepted values of every accepted_values test in the project. -#}
{%- set accepted = [] -%}
{%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'test'
        and node.test_metadata
        and node.test_metadata.name == 'accepted_values' -%}
        {%- set kwargs = node.test_metadata.kwargs -%}
        {%- set values = kwargs.get('values')
            or kwargs.get('arguments', {}).get('values', []) -%}
        {%- for value in values if value is string -%}
            {%- do accepted.append(value) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endfor -%}

{#- Names this project's own configuration gives (var ga_mirrors), not
    anything a Meltano user typed. -#}
{%- for mirror in var('ga_mirrors', []) -%}
    {%- do accepted.append(mirror['mirror_group']) -%}
{%- endfor -%}

{%- set string_columns = [] -%}
{%- for column in adapter.get_columns_in_relation(model) -%}
    {%- if column.is_string() -%}
        {%- do string_columns.append(column.name) -%}
    {%- endif -%}
{%- endfor -%}

{%- set patterns = [
    '[0-9a-fA-F]{32}',
    '[0-9a-fA-F]{64}',
    '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?',
    '-?[0-9]+([.][0-9]+)?',
    '[0-9]+([.][0-9]+)+([.+-]?[a-z0-9]+)*',
] -%}

{%- if string_columns -%}
{%- set check -%}
with

allowed as (

    {% for relation, names in allowlists -%}
    {%- for name in names %}
    select cast({{ name }} as {{ dbt.type_string() }}) as word
    from {{ relation }}
    union
    {%- endfor %}
    {%- endfor %}
    {%- for value in accepted | unique %}
    select '{{ value | replace("'", "''") }}'
    union
    {%- endfor %}
    select '{{ ui_unknown_route() }}'
    union
    select ''

),

{#- found_value, not value: Snowflake's flatten (split_to_rows) adds a
    VALUE column of its own. -#}
found as (

    {% for name in string_columns -%}
    select
        '{{ name | lower }}' as column_name,
        cast({{ adapter.quote(name) }} as {{ dbt.type_string() }}) as found_value
    from {{ model }}
    where {{ adapter.quote(name) }} is not null
    group by {{ adapter.quote(name) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unexplained as (

    select found.column_name, found.found_value
    from found
    left join allowed
        on found.found_value = allowed.word
    where allowed.word is null
        {%- for pattern in patterns %}
        and not {{ regex_matches('found.found_value', pattern) }}
        {%- endfor %}
        {%- for name, pattern in column_patterns.items() %}
        and not (
            found.column_name = '{{ name | lower }}'
            and {{ regex_matches('found.found_value', pattern) }}
        )
        {%- endfor %}

),

words as (

    {{ split_to_rows('unexplained', 'found_value', '[ =:]') }}

),

bare_words as (

    select
        column_name,
        found_value,
        case
            when {{ regex_matches('word', '<[^<>]+>') }}
                then substr(word, 2, length(word) - 2)
            else word
        end as word
    from words

),

failing as (

    select bare_words.column_name, bare_words.found_value
    from bare_words
    left join allowed
        on bare_words.word = allowed.word
    where allowed.word is null
        and bare_words.word not in (
            '{{ placeholders | join("', '") }}'
        )
        {%- for pattern in patterns %}
        and not {{ regex_matches('bare_words.word', pattern) }}
        {%- endfor %}

)

select
    column_name,
    count(distinct found_value) as failing_values,
    min({{ sha256('found_value') }}) as example_sha256
from failing
group by column_name
order by column_name
{%- endset -%}

{%- set result = run_query(check) -%}
{%- if result.rows | length > 0 -%}
    {%- set lines = [] -%}
    {%- for row in result.rows -%}
        {%- do lines.append(
            model.identifier ~ '.' ~ row[0] ~ ': ' ~ row[1]
            ~ ' value(s) neither allowlisted nor a hash (one has sha256 '
            ~ row[2] ~ ')'
        ) -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        'no_free_text: possible free text in a mart: ' ~ lines | join('; ')
    ) }}
{%- endif -%}
{%- endif -%}

select 1 as no_free_text where 1 = 0
{%- endif -%}

{% endtest %}
