{#
    Plugin analytics: what stays in the clear about a plugin.
#}

{#
    Command names that stay in the clear: the commands MeltanoHub plugin
    definitions declare (dbt's, Airflow's, Superset's, sqlfluff's, ...) and
    common ones. Any other command (a custom command name, the arguments of
    an extract/load block) is shown only as its SHA-256.
    TEMPORARY: the GA parser's seed `meltano_cli_vocabulary` replaces this
    list once it lands (point plugin_command() at it).
#}
{% macro clear_plugin_commands() -%}
    {{ return([
        'build', 'check', 'clean', 'clone', 'compile', 'create-admin',
        'db', 'debug', 'deps', 'describe', 'dev', 'docs', 'docs-generate',
        'docs-serve', 'fix', 'freshness', 'help', 'init', 'initialize',
        'lint', 'list', 'load-examples', 'ls', 'parse', 'render', 'retry',
        'run', 'run-operation', 'scheduler', 'seed', 'serve', 'show',
        'snapshot', 'source', 'start', 'stop', 'test', 'ui', 'upgrade',
        'validate', 'version', 'webserver'
    ]) }}
{%- endmacro %}


{#
    A plugin's command as the marts show it: null when none was sent, the
    name when it is in clear_plugin_commands(), else its SHA-256 hex.
    Meltano puts a block's plugin arguments in `command` (a JSON list
    before v2.x validated it): empty ones count as none.
#}
{% macro plugin_command(command) -%}
    case
        when {{ command }} is null or {{ command }} in ('', '[]') then null
        when {{ command }} in (
            '{{ clear_plugin_commands() | join("', '") }}'
        ) then {{ command }}
        else {{ sha256(command) }}
    end
{%- endmacro %}


{#
    The plugin's family: singer for extractors, loaders and mappers (Meltano
    runs only Singer plugins as those types); else by the clear name (or the
    clear name of the plugin it inherits from): dbt (a transformer or
    utility named like dbt: dbt-<adapter>, dbt-osmosis, ...; and a
    transformer whose name is unknown, as Meltano runs dbt as its
    transformer), airflow, dagster (also dagit), superset,
    lightdash, sqlfluff, great_expectations; other for the rest.
#}
{% macro plugin_category(plugin_type, plugin_name) -%}
    case
        when {{ plugin_type }} in ('extractors', 'loaders', 'mappers')
            then 'singer'
        when {{ plugin_type }} in ('transformers', 'utilities')
            and {{ plugin_name }} like '%dbt%'
            then 'dbt'
        when {{ plugin_name }} like 'airflow%' then 'airflow'
        when {{ plugin_name }} like 'dagster%'
            or {{ plugin_name }} like 'dagit%'
            then 'dagster'
        when {{ plugin_name }} like 'superset%' then 'superset'
        when {{ plugin_name }} like 'lightdash%' then 'lightdash'
        when {{ plugin_name }} like 'sqlfluff%' then 'sqlfluff'
        when {{ plugin_name }} like 'great_expectations%'
            or {{ plugin_name }} like 'great-expectations%'
            then 'great_expectations'
        when {{ plugin_type }} = 'transformers' then 'dbt'
        else 'other'
    end
{%- endmacro %}
