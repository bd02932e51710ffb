/*
    One row per MeltanoHub plugin variant, from the seed. Empty strings in the
    CSV (no executable, no namespace) become nulls so that coalesce() reads
    them as "not given".
*/

with

source as (

    select * from {{ ref('meltanohub_plugins') }}

),

renamed as (

    select
        plugin_type,
        name as plugin_name,
        variant as plugin_variant,
        nullif(label, '') as plugin_label,
        nullif(namespace, '') as plugin_namespace,
        coalesce(nullif(executable, ''), name) as plugin_executable,
        nullif(pip_url, '') as plugin_pip_url,
        nullif(repo, '') as plugin_repo,
        is_default,
        maintenance_status,
        is_sdk,
        quality
    from source

)

select * from renamed
