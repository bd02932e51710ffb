/*
    One row per project and day it is active in the handbook's sense:
    int_projects_active_days, where the rule lives (fct_ui_monthly_adoption
    reads the same days). A view, not a copy of its rows, as
    fct_plugin_executions is of its intermediate table.
*/
{{ config(materialized='view') }}

select * from {{ ref('int_projects_active_days') }}
