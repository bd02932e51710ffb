/*
    SHA-256 hex -> clear value, per kind: the values Meltano 2.x hashes
    before sending them (plugins_context, project_context, exception_context)
    that the warehouse can recognise. A hash found here is shown in the
    clear; any other stays a hash (a custom plugin, an environment name not
    in the seed), so it can still be counted but not read.
    - plugin_name, plugin_namespace, plugin_executable, plugin_variant: every
      MeltanoHub variant's (the executable is the name when the Hub gives
      none, as Meltano defaults it); plugin_variant also `original`.
    - plugin_pip_url: the Hub's pip_url; the same with
      ${MELTANO__PYTHON_VERSION} expanded for each Python version Meltano
      ran on (var meltano_python_versions: v2.0-v2.10 hashed the expanded
      pip_url); and
      `git+<repo>.git`, what `meltano add --custom` and older Hub
      definitions installed from.
    - environment: the environment_names seed.
    - runtime_error: the meltano_runtime_errors seed's messages.
*/

with

hub as (

    select * from {{ ref('stg_meltanohub__plugins') }}

),

python_versions as (

    {% for version in var('meltano_python_versions') -%}
        select '{{ version }}' as python_version
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

clear_values as (

    select
        'plugin_name' as hash_kind,
        plugin_name as clear_value
    from hub
    union all
    select
        'plugin_namespace' as hash_kind,
        plugin_namespace as clear_value
    from hub
    union all
    select
        'plugin_executable' as hash_kind,
        plugin_executable as clear_value
    from hub
    union all
    select
        'plugin_variant' as hash_kind,
        plugin_variant as clear_value
    from hub
    union all
    select
        'plugin_variant' as hash_kind,
        'original' as clear_value
    union all
    select
        'plugin_pip_url' as hash_kind,
        plugin_pip_url as clear_value
    from hub
    union all
    select
        'plugin_pip_url' as hash_kind,
        replace(
            hub.plugin_pip_url,
            '${MELTANO__PYTHON_VERSION}',
            python_versions.python_version
        ) as clear_value
    from hub
    cross join python_versions
    where hub.plugin_pip_url like '%${MELTANO__PYTHON_VERSION}%'
    union all
    select
        'plugin_pip_url' as hash_kind,
        'git+' || plugin_repo || '.git' as clear_value
    from hub
    union all
    select
        'environment' as hash_kind,
        environment_name as clear_value
    from {{ ref('environment_names') }}
    union all
    select
        'runtime_error' as hash_kind,
        error_message as clear_value
    from {{ ref('meltano_runtime_errors') }}

),

hashed as (

    select distinct
        hash_kind,
        {{ sha256('clear_value') }} as hash_value,
        clear_value
    from clear_values
    where clear_value is not null

)

select * from hashed
