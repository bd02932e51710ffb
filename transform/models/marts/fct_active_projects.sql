/*
    One row per project and day it is active in the handbook's sense:
    int_projects_active_days, where the rule lives (fct_ui_monthly_adoption
    reads the same days).
*/

select * from {{ ref('int_projects_active_days') }}
