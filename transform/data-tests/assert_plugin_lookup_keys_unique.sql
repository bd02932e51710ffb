{#
    The plugin models' compound keys are unique: one clear value per
    (hash_kind, hash_value) in int_hash_lookup (else an un-hashing join would
    multiply rows), one row per (event_id, plugin_index) in
    stg_snowplow__plugin_contexts.
#}

with

lookup_keys as (

    select
        'int_hash_lookup' as model_name,
        hash_kind || ':' || hash_value as model_key
    from {{ ref('int_hash_lookup') }}

),

plugin_context_keys as (

    select
        'stg_snowplow__plugin_contexts' as model_name,
        event_id || ':' || cast(plugin_index as {{ dbt.type_string() }})
            as model_key
    from {{ ref('stg_snowplow__plugin_contexts') }}

),

all_keys as (

    select * from lookup_keys
    union all
    select * from plugin_context_keys

)

select
    model_name,
    model_key,
    count(*) as row_count
from all_keys
group by model_name, model_key
having count(*) > 1
