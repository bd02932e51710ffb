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
    The plugin's family, one rule for both eras (GA's command lines and
    2.x's plugins contexts), from the clear name (a hash matches none; 2.x
    passes the clear name of the plugin it inherits from when its own is
    unknown), case-insensitive: dbt (dbt, dbt-<adapter>, dbt_<x>), airflow,
    dagster (also dagit), superset, lightdash, sqlfluff, great_expectations;
    else singer for extractors, loaders and mappers (Meltano runs only
    Singer plugins as those types) and for a name starting tap- or target-
    (also pipelinewise-); else dbt for any other transformer, as Meltano runs
    dbt as its transformer; else other.
#}
{% macro plugin_category(plugin_type, plugin_name) -%}
    {%- set name = 'lower(' ~ plugin_name ~ ')' -%}
    case
        when {{ regex_matches(name, 'dbt([-_].*)?') }} then 'dbt'
        when {{ regex_matches(name, 'airflow.*') }} then 'airflow'
        when {{ regex_matches(name, '(dagster|dagit).*') }} then 'dagster'
        when {{ regex_matches(name, 'superset.*') }} then 'superset'
        when {{ regex_matches(name, 'lightdash.*') }} then 'lightdash'
        when {{ regex_matches(name, 'sqlfluff.*') }} then 'sqlfluff'
        when {{ regex_matches(name, 'great[-_]expectations.*') }}
            then 'great_expectations'
        when {{ plugin_type }} in ('extractors', 'loaders', 'mappers')
            or {{ regex_matches(name, '(pipelinewise-)?(tap|target)[-_].*') }}
            then 'singer'
        when {{ plugin_type }} = 'transformers' then 'dbt'
        else 'other'
    end
{%- endmacro %}
