{#
    The tap keys a UI pageview row by the MD5 of its fields as netstrings,
    in the order api, property_id, event_date, page_path, page_title (empty
    when the tap did not ask for titles), project dimension, Meltano
    version (as event_key, assert_ga_event_key_recomputes). Recomputed from
    the loaded columns it must match on every row: a loader that changed a
    path, or stored an empty string as NULL, fails here.
#}

select
    pageview_key,
    property_id,
    event_date
from {{ ref('stg_ga_legacy__pageviews') }}
where
    pageview_key <> {{ surrogate_key([
        'api', 'property_id', 'event_date', 'page_path',
        "coalesce(page_title, '')", 'project_dimension', 'meltano_version'
    ]) }}
