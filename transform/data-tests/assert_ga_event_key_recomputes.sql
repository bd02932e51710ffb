{#
    The tap's event_key is the MD5 of the row's fields as netstrings, in the
    order api, property_id, event_date, category, action, label, project
    dimension (README, "event_key"); surrogate_key is the same serialisation.
    Recomputed from the warehouse's columns it must match on every row: a
    loader that stored GA's empty strings as NULL (or changed any value)
    fails here. The rows that count are read, so the old warehouse table's
    rows (keyed in SQL) are checked too.
#}

select
    event_key,
    property_id,
    event_date
from {{ ref('int_ga_legacy_events_prioritised') }}
where
    event_key <> {{ surrogate_key([
        'api', 'property_id', 'event_date', 'command_category',
        'event_action', 'event_label', 'project_dimension'
    ]) }}
