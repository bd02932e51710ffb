{#
    Hashing policy (transform/README.md, "Hashing policy"): one-way only.
    MD5 (dbt.hash) for surrogate keys and IP addresses, SHA-256 (sha256 in cross_db.sql) for
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
    A left join of int_hash_lookup (`lookup`: the CTE that imports it) that
    un-hashes one column: `alias.clear_value` is the clear value where the
    lookup knows the hash as one of hash_kind, else null.
#}
{% macro hash_lookup_join(lookup, alias, hash_column, hash_kind) -%}
    left join {{ lookup }} as {{ alias }}
        on {{ hash_column }} = {{ alias }}.hash_value
            and {{ alias }}.hash_kind = '{{ hash_kind }}'
{%- endmacro %}
