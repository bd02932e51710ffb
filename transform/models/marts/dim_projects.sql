/*
    One row per project_id seen by GA or Snowplow: int_projects_flagged, where
    the rules live (fct_hub_variant_metrics reads the same flags).
*/

select * from {{ ref('int_projects_flagged') }}
