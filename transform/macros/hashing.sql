{#
    Hashing policy (README.md, "Hashing"): one-way only. MD5 (dbt.hash) for
    surrogate keys and IP addresses, SHA-256 (sha256 in cross_db.sql) for
    identifiers that single out a person or a machine.
#}

{#
    MD5 hex of the fields serialised as netstrings: `<length>:<value>,` per
    field, `~,` for a null. Unambiguous (no two different tuples serialise
    alike) and the same serialisation tap-ga-legacy uses for event_key.
#}
{% macro surrogate_key(fields) -%}
    {%- set parts = [] -%}
    {%- for field in fields -%}
        {%- set text = 'cast(' ~ field ~ ' as ' ~ dbt.type_string() ~ ')' -%}
        {%- do parts.append(
            "coalesce(cast(length(" ~ text ~ ") as " ~ dbt.type_string()
            ~ ") || ':' || " ~ text ~ " || ',', '~,')"
        ) -%}
    {%- endfor -%}
    {{ dbt.hash(parts | join(' || ')) }}
{%- endmacro %}


{# MD5 hex of an IP address; 'unknown' (Snowplow's placeholder) is null. #}
{% macro ip_address_hash(ip_address) -%}
    {{ dbt.hash("nullif(" ~ ip_address ~ ", 'unknown')") }}
{%- endmacro %}


{#
    The project UUID Meltano 2.x uses for a project id (project_context's
    project_uuid): a UUID is kept (lowercased); any other non-empty id that is
    not '(not set)' becomes UUID(sha256(id).hexdigest()[::2]), i.e. every
    other hex digit of its SHA-256; nothing gives null. Same rules as
    tap_ga_legacy.rekey for one field.
#}
{% macro to_project_uuid(project_id) -%}
    {%- set digest = sha256(project_id) -%}
    {%- set groups = [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)] -%}
    case
        when {{ regex_matches(project_id, uuid_pattern()) }}
            then lower({{ project_id }})
        when nullif(trim({{ project_id }}), '') is not null
            and {{ project_id }} <> '(not set)'
            then
                {%- for first, last in groups %}
                {%- for index in range(first, last) %}
                {{ 'substr(' ~ digest ~ ', ' ~ (2 * index + 1) ~ ', 1)' }}
                {%- if not loop.last %} || {% endif -%}
                {%- endfor %}
                {%- if not loop.last %} || '-' || {% endif -%}
                {%- endfor %}
    end
{%- endmacro %}


{% macro uuid_pattern() -%}
    [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}
{%- endmacro %}
