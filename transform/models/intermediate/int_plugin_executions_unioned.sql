{#
    PLACEHOLDER (branch hub-metrics only): the columns of
    int_plugin_executions_unioned as /work/plan/CONTRACT.md fixes them, and no
    rows, so that fct_hub_variant_metrics compiles and its unit tests can give
    rows for this ref. The plugins-marts branch builds the real model; drop
    this commit when merging it.
#}

select
    cast(null as varchar) as plugin_execution_key,
    cast(null as varchar) as execution_grain,
    cast(null as varchar) as event_source,
    cast(null as varchar) as event_type,
    cast(null as varchar) as execution_id,
    cast(null as varchar) as project_id,
    cast(null as date) as activity_date,
    cast(null as timestamp) as started_at,
    cast(null as varchar) as cli_command,
    cast(null as varchar) as command_line_hash,
    cast(null as varchar) as plugin_name,
    cast(null as boolean) as is_hub_plugin,
    cast(null as varchar) as plugin_type,
    cast(null as varchar) as plugin_category,
    cast(null as varchar) as plugin_variant,
    cast(null as varchar) as plugin_pip_url,
    cast(null as varchar) as parent_name,
    cast(null as boolean) as is_inherited,
    cast(null as varchar) as plugin_command,
    cast(null as varchar) as plugin_role,
    cast(null as varchar) as completion_status,
    cast(null as bigint) as execution_count,
    cast(null as boolean) as is_execution
where 1 = 0
