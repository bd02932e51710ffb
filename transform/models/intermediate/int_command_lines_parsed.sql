{{ config(materialized='table') }}

/*
    One row per distinct GA-era command line (command_line_hash: SHA-256 of
    the action exactly as GA or Snowplow received it): the command, its
    human-readable shape (command words, flags and vocabulary values in the
    clear, plugins as their role, anything a user typed as <hashed>), which
    of Meltano's action formats it follows and the features it uses. The raw
    line never leaves the parser's CTEs (macro command_line_tokens).
*/

with

{{ command_line_tokens() }},

shown_tokens as (

    select
        *,
        lag(token_shape) over (
            partition by line_id order by token_position
        ) as previous_token_shape
    from classified_tokens

),

line_tokens as (

    select
        command_line_hash,
        {{ dbt.listagg(
            'token_shape', "' '", 'order by token_position'
        ) }} as command_shape
    from shown_tokens
    -- a run of hashed words (a project name with spaces, a select pattern
    -- pair, a cron) shows once
    where
        not (
            token_shape in ('<hashed>', '<cron>')
            and coalesce(previous_token_shape = token_shape, false)
        )
    group by command_line_hash

),

line_features as (

    select
        command_line_hash,
        max(case when option_name = '--transform' then value_text end)
            as transform_value,
        {{ dbt.bool_or("token_role = 'mapping'") }} as has_mapping,
        {{ dbt.bool_or(
            "flag_name in ('--state', '--state-id', '--state-id-suffix',"
            " '--merge-state', '--no-state-update')"
        ) }} as has_state_flag,
        {{ dbt.bool_or("flag_name = '--select'") }} as has_select_flag,
        {{ dbt.bool_or('has_sub_command_first') }} as has_sub_command_first,
        {{ dbt.bool_or('has_arguments') }} as has_arguments,
        sum(
            case when is_plugin and token_role <> 'mapping' then 1 else 0 end
        ) as plugin_count
    from classified_tokens
    group by command_line_hash

),

command_vocabulary as (

    select distinct token
    from {{ ref('meltano_cli_vocabulary') }}
    where kind = 'command'

),

lines as (

    select
        command_words.command_line_hash,
        command_words.command_category,
        case
            when command_vocabulary.token is not null
                then command_words.cli_command_text
            else {{ sha256('command_words.cli_command_text') }}
        end as cli_command,
        coalesce(line_tokens.command_shape, '') as command_shape,
        case
            when {{ regex_matches(
                'command_words.environment_value', '[0-9a-fA-F]{64}'
            ) }} then lower(command_words.environment_value)
            else {{ sha256('command_words.environment_value') }}
        end as environment_name_hash,
        case
            when line_features.transform_value in ('run', 'skip', 'only')
                then line_features.transform_value
        end as transform_option,
        coalesce(line_features.has_mapping, false) as has_mapping,
        coalesce(line_features.has_state_flag, false) as has_state_flag,
        coalesce(line_features.has_select_flag, false) as has_select_flag,
        coalesce(line_features.has_sub_command_first, false)
            as has_sub_command_first,
        coalesce(line_features.has_arguments, false) as has_arguments,
        coalesce(line_features.plugin_count, 0) as plugin_count
    from command_words
    left join line_tokens
        on command_words.command_line_hash = line_tokens.command_line_hash
    left join line_features
        on command_words.command_line_hash = line_features.command_line_hash
    left join command_vocabulary
        on command_words.cli_command_text = command_vocabulary.token

),

final as (

    select
        -- ids
        command_line_hash,

        -- strings
        command_category,
        cli_command,
        command_shape,
        case
            when cli_command = 'schedule' and has_sub_command_first
                then 'schedule_new'
            when cli_command = 'schedule' and has_arguments
                then 'schedule_old'
            else cli_command
        end as action_format,
        environment_name_hash,
        transform_option,

        -- numerics
        plugin_count,

        -- booleans
        environment_name_hash is not null as uses_environment,
        coalesce(transform_option in ('run', 'only'), false) as uses_transform,
        has_mapping as uses_mappers,
        cli_command = 'run' as uses_run,
        cli_command = 'test' as uses_test,
        cli_command = 'schedule' as uses_schedule,
        cli_command = 'state' or has_state_flag as uses_state,
        cli_command = 'select' or has_select_flag as uses_select,
        cli_command in ('elt', 'run', 'invoke', 'test', 'ui') as is_execution

    from lines

)

select * from final
