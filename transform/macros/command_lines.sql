{#
    The GA-era command line parser, shared by int_command_lines_parsed and
    int_command_line_plugins: CTEs from the distinct command lines (GA's
    event_action, Snowplow's se_action of Meltano 1.97-2.4) to one row per
    token (`classified_tokens`) with its role in the command, its shape (what
    command_shape shows for it) and, for a plugin, its name (clear when on
    MeltanoHub, else SHA-256), type, category and command. The raw text only
    lives inside these CTEs: every column a model selects from
    classified_tokens is a clear vocabulary word, a Hub name or a hash.

    Tokens: the line with ` --environment=<value>` cut out (anywhere), runs of
    whitespace made one space, then split on spaces except inside quotes.
    Roles by command (positions count the arguments after `meltano <cmd>`
    that are neither flags nor an option's value):
    - elt: 1 extractor, 2 loader; `--transform run|only` (either spelling)
      adds dbt as the transformer.
    - run: each block is an extractor (on the Hub as one, else tap-...), a
      loader (target-...), a mapping (anything between an extractor and the
      loader it feeds: a mapping's name, not a mapper plugin) or a block;
      `name:command` is split into plugin and plugin_command.
    - invoke, test, config: plugins, with their `:command`; invoke's other
      arguments stay clear only when they are vocabulary words.
    - add, remove, install: `<type> <name>...`, the type decides.
    - schedule: new order when the first argument is a sub-command (`add
      <name> --extractor x --loader y --interval i --transform=t`; 1.99-1.105
      `add <name> <extractor> <loader> <interval>`), else the old one
      (`<name> <extractor> <loader> <interval> --transform=t`).
    - select: 1 extractor, then entity and attribute patterns (hashed).
    - init, job, state: names, ids and patterns are always hashed.
#}
{% macro command_line_tokens() -%}

{%- set token_pattern %}([^ "'']|"[^"]*"|''[^'']*''|["''])+{% endset -%}
{%- set plugin_roles -%}
    ('extractor', 'loader', 'mapping', 'block', 'plugin', 'transformer')
{%- endset -%}

ga_command_lines as (

    select distinct
        command_line_hash,
        command_category,
        event_action as command_line
    from {{ ref('int_ga_legacy_events_prioritised') }}
    where command_line_hash is not null

),

snowplow_command_lines as (

    select distinct
        command_line_hash,
        se_category as command_category,
        se_action as command_line
    from {{ ref('stg_snowplow__events') }}
    where command_line_hash is not null

),

all_command_lines as (

    select * from ga_command_lines
    union all
    select * from snowplow_command_lines

),

command_lines as (

    select
        command_line_hash,
        min(command_category) as command_category,
        min(command_line) as command_line,
        {#- a small integer key: the windows below partition by it -#}
        row_number() over (order by command_line_hash) as line_id
    from all_command_lines
    group by command_line_hash

),

normalised as (

    select
        command_line_hash,
        line_id,
        lower(trim({{ regex_replace_all(
            'command_category', '[[:space:]]+', ' '
        ) }})) as command_category,
        {{ regex_extract(
            'command_line', '--environment=([^[:space:]]+)'
        ) }} as environment_value,
        trim({{ regex_replace_all(
            regex_replace_all(
                'command_line', '--environment=[^[:space:]]*', ' '
            ),
            '[[:space:]]+',
            ' '
        ) }}) as normalised_line
    from command_lines

),

command_words as (

    select
        *,
        coalesce(
            nullif({{ dbt.split_part('command_category', "' '", 2) }}, ''),
            lower({{ dbt.split_part('normalised_line', "' '", 2) }})
        ) as cli_command_text
    from normalised

),

vocabulary as (

    select
        token,
        kind,
        nullif(cli_command, '') as cli_command
    from {{ ref('meltano_cli_vocabulary') }}

),

words as (

    select
        token,
        {{ dbt.bool_or("kind = 'command'") }} as is_command_word,
        {{ dbt.bool_or("kind in ('flag', 'option')") }} as is_flag_word,
        {{ dbt.bool_or("kind = 'plugin_type'") }} as is_plugin_type_word,
        {{ dbt.bool_or("kind = 'plugin_command'") }} as is_plugin_command_word
    from vocabulary
    group by token

),

hub_plugins as (

    select distinct
        plugin_name,
        plugin_type
    from {{ ref('stg_meltanohub__plugins') }}

),

{#- A name listed under several types: without a type from the command, the
    GA era's (Meltano 1.x) type first; `transforms` (dbt packages that share
    an extractor's name) only when the Hub has nothing else. -#}
hub_names as (

    select
        plugin_name,
        {{ dbt.bool_or("plugin_type = 'extractors'") }} as is_hub_extractor,
        {{ dbt.bool_or("plugin_type = 'loaders'") }} as is_hub_loader,
        min(
            case plugin_type
                when 'extractors' then 1
                when 'loaders' then 2
                when 'mappers' then 3
                when 'transformers' then 4
                when 'orchestrators' then 5
                when 'utilities' then 6
                when 'files' then 7
                else 8
            end
        ) as type_rank
    from hub_plugins
    group by plugin_name

),

hub_types as (

    select
        plugin_name,
        is_hub_extractor,
        is_hub_loader,
        case type_rank
            when 1 then 'extractors'
            when 2 then 'loaders'
            when 3 then 'mappers'
            when 4 then 'transformers'
            when 5 then 'orchestrators'
            when 6 then 'utilities'
            when 7 then 'files'
            else 'transforms'
        end as hub_plugin_type
    from hub_names

),

tokens as (

    {{ unnest_list(
        'command_words',
        'command_line_hash, line_id, cli_command_text',
        regex_extract_all('normalised_line', token_pattern)
    ) }}

),

token_features as (

    select
        command_line_hash,
        line_id,
        cli_command_text,
        element_position as token_position,
        element as token,
        replace(replace(element, '"', ''), '''', '') as bare_token,
        element_position >= 3 and element like '-%' as is_flag
    from tokens

),

flags as (

    select
        *,
        case
            when is_flag
                then lower({{ dbt.split_part('bare_token', "'='", 1) }})
        end as flag_name,
        case
            when is_flag
                then nullif({{ regex_extract(
                    'bare_token', '^[^=]*=(.*)$'
                ) }}, '')
        end as flag_value,
        sum(case when is_flag then 1 else 0 end) over (
            partition by line_id
            order by token_position
            rows between unbounded preceding and current row
        ) as flag_group
    from token_features

),

{#- Each token after a flag belongs to that flag's group: the token right
    after an option (or every one after --interval, a cron has spaces) is
    its value. -#}
flag_groups as (

    select
        *,
        max(flag_name) over (
            partition by line_id, flag_group
        ) as group_flag_name,
        max(flag_value) over (
            partition by line_id, flag_group
        ) as group_flag_value,
        min(token_position) over (
            partition by line_id, flag_group
        ) as group_start
    from flags

),

looked_up as (

    select
        flag_groups.*,
        coalesce(token_word.is_command_word, false) as is_command_word,
        coalesce(token_word.is_plugin_type_word, false) as is_plugin_type_word,
        token_word.token is not null as is_vocabulary_token,
        coalesce(flag_word.is_flag_word, false) as is_vocabulary_flag,
        sub_command.token is not null as is_sub_command,
        flag_groups.group_flag_name is not null
        and flag_groups.group_flag_value is null
        and option_word.token is not null
        and not flag_groups.is_flag
        and (
            flag_groups.token_position = flag_groups.group_start + 1
            or flag_groups.group_flag_name = '--interval'
        ) as is_option_value
    from flag_groups
    left join words as token_word
        on flag_groups.bare_token = token_word.token
    left join words as flag_word
        on flag_groups.flag_name = flag_word.token
    left join vocabulary as sub_command
        on flag_groups.bare_token = sub_command.token
            and flag_groups.cli_command_text = sub_command.cli_command
            and sub_command.kind = 'sub_command'
    left join vocabulary as option_word
        on flag_groups.group_flag_name = option_word.token
            and flag_groups.cli_command_text = option_word.cli_command
            and option_word.kind = 'option'

),

positioned as (

    select
        *,
        token_position >= 3 and not is_flag and not is_option_value
            as is_positional,
        sum(
            case
                when token_position >= 3 and not is_flag and not is_option_value
                    then 1
                else 0
            end
        ) over (
            partition by line_id
            order by token_position
            rows between unbounded preceding and current row
        ) as argument_index,
        {#- the option a value belongs to: its own (--x=value), its group's -#}
        case
            when is_flag and flag_value is not null then flag_name
            when is_option_value then group_flag_name
        end as option_name,
        case when is_flag then flag_value else bare_token end as value_text
    from looked_up

),

line_context as (

    select
        *,
        max(
            case
                when
                    is_positional
                    and argument_index = 1
                    and is_plugin_type_word
                    then bare_token
            end
        ) over (partition by line_id) as context_type_word,
        max(
            case
                when is_positional and argument_index = 1 and is_sub_command
                    then 1
                else 0
            end
        ) over (partition by line_id) = 1 as has_sub_command_first,
        max(
            case
                when is_positional and argument_index = 1 and is_sub_command
                    then bare_token
            end
        ) over (partition by line_id) as sub_command_word,
        max(case when is_positional then 1 else 0 end) over (
            partition by line_id
        ) = 1 as has_arguments
    from positioned

),

roles as (

    select
        *,
        case
            when token_position <= 2 then 'command'
            when option_name = '--transform'
                then
                    case
                        when value_text in ('run', 'only') then 'transformer'
                        else 'argument'
                    end
            when option_name = '--extractor' then 'extractor'
            when option_name = '--loader' then 'loader'
            when option_name = '--interval' then 'interval'
            when
                option_name
                in ('--format', '--dump', '--log-level', '--plugin-type')
                then 'argument'
            when option_name is not null then 'text'
            when is_flag then 'flag'
            when cli_command_text = 'elt'
                then
                    case argument_index
                        when 1 then 'extractor'
                        when 2 then 'loader'
                        else 'text'
                    end
            when cli_command_text = 'run' then 'run_block'
            when cli_command_text = 'invoke'
                then
                    case
                        when argument_index = 1 then 'plugin'
                        else 'argument'
                    end
            when cli_command_text in ('add', 'remove', 'install')
                then
                    case
                        when argument_index = 1 and is_plugin_type_word
                            then 'plugin_type'
                        else 'plugin'
                    end
            when cli_command_text = 'schedule' and has_sub_command_first
                then
                    {# 1.99-1.105 kept the old order after `add`: `add
                        <name> <extractor> <loader> <interval>`; 2.x names
                        them by option, so no positional argument follows
                        the name there. #}
                    case
                        when argument_index = 1 then 'sub_command'
                        when sub_command_word <> 'add' then 'text'
                        when argument_index = 2 then 'text'
                        when argument_index = 3 then 'extractor'
                        when argument_index = 4 then 'loader'
                        else 'interval'
                    end
            when cli_command_text = 'schedule'
                then
                    case argument_index
                        when 1 then 'text'
                        when 2 then 'extractor'
                        when 3 then 'loader'
                        else 'interval'
                    end
            when cli_command_text = 'select'
                then
                    case
                        when argument_index = 1 then 'extractor'
                        else 'text'
                    end
            when cli_command_text = 'test' then 'plugin'
            when cli_command_text = 'config'
                then
                    case
                        when argument_index = 1 and bare_token <> 'meltano'
                            then 'plugin'
                        when is_sub_command then 'sub_command'
                        else 'text'
                    end
            when cli_command_text in ('state', 'job')
                then case when is_sub_command then 'sub_command' else 'text' end
            when cli_command_text = 'init' then 'text'
            else 'argument'
        end as base_role,
        case
            when context_type_word = 'utility' then 'utilities'
            when context_type_word = 'all' then null
            when context_type_word like '%s' then context_type_word
            else context_type_word || 's'
        end as context_plugin_type
    from line_context

),

plugin_texts as (

    select
        roles.*,
        case
            when base_role = 'transformer' then 'dbt'
            when base_role in {{ plugin_roles }} or base_role = 'run_block'
                then value_text
        end as plugin_text
    from roles

),

plugin_names as (

    select
        *,
        {{ dbt.split_part('plugin_text', "':'", 1) }} as name_text,
        nullif({{ regex_extract('plugin_text', '^[^:]*:(.*)$') }}, '')
            as command_text
    from plugin_texts

),

hub_matched as (

    select
        plugin_names.*,
        hub_types.plugin_name is not null as is_hub_name,
        hub_types.hub_plugin_type,
        case
            when plugin_names.base_role <> 'run_block' then null
            when
                coalesce(hub_types.is_hub_extractor, false)
                or (
                    hub_types.plugin_name is null
                    and {{ regex_matches(
                        'lower(plugin_names.name_text)',
                        '(pipelinewise-)?tap[-_].*'
                    ) }}
                )
                then 'extractor'
            when
                coalesce(hub_types.is_hub_loader, false)
                or (
                    hub_types.plugin_name is null
                    and {{ regex_matches(
                        'lower(plugin_names.name_text)',
                        '(pipelinewise-)?target[-_].*'
                    ) }}
                )
                then 'loader'
            else 'other'
        end as block_kind
    from plugin_names
    left join hub_types
        on plugin_names.name_text = hub_types.plugin_name

),

{#- A run block that is neither extractor nor loader is a mapping when an
    extractor comes before it and a loader after it with no loader between
    that extractor and the block. -#}
run_neighbours as (

    select
        *,
        max(case when block_kind = 'extractor' then token_position end) over (
            partition by line_id
            order by token_position
            rows between unbounded preceding and 1 preceding
        ) as previous_extractor_position,
        max(case when block_kind = 'loader' then token_position end) over (
            partition by line_id
            order by token_position
            rows between unbounded preceding and 1 preceding
        ) as previous_loader_position,
        min(case when block_kind = 'loader' then token_position end) over (
            partition by line_id
            order by token_position
            rows between 1 following and unbounded following
        ) as next_loader_position
    from hub_matched

),

resolved as (

    select
        *,
        case
            when base_role <> 'run_block' then base_role
            when block_kind in ('extractor', 'loader') then block_kind
            when previous_extractor_position is not null
                and next_loader_position is not null
                and coalesce(previous_loader_position, 0)
                < previous_extractor_position
                then 'mapping'
            else 'block'
        end as token_role
    from run_neighbours

),

typed as (

    select
        resolved.*,
        case
            when token_role not in {{ plugin_roles }} then null
            when token_role = 'extractor' then 'extractors'
            when token_role = 'loader' then 'loaders'
            when token_role = 'mapping' then 'mappers'
            when token_role = 'transformer' then 'transformers'
            when cli_command_text in ('add', 'remove', 'install')
                and context_plugin_type is not null
                then context_plugin_type
            when is_hub_name then hub_plugin_type
            when {{ regex_matches(
                'lower(name_text)', '(pipelinewise-)?tap[-_].*'
            ) }} then 'extractors'
            when {{ regex_matches(
                'lower(name_text)', '(pipelinewise-)?target[-_].*'
            ) }} then 'loaders'
            else 'unknown'
        end as plugin_type,
        command_word.is_plugin_command_word,
        value_word.token is not null as is_vocabulary_value
    from resolved
    left join words as command_word
        on resolved.command_text = command_word.token
    left join words as value_word
        on resolved.value_text = value_word.token

),

classified_tokens as (

    select
        command_line_hash,
        line_id,
        cli_command_text,
        token_position,
        token_role,
        flag_name,
        option_name,
        value_text,
        context_plugin_type,
        has_sub_command_first,
        has_arguments,
        plugin_type,
        token_role in {{ plugin_roles }} as is_plugin,
        case
            when token_role not in {{ plugin_roles }} then null
            when is_hub_name then name_text
            else {{ sha256('name_text') }}
        end as plugin_name,
        token_role in {{ plugin_roles }} and is_hub_name as is_hub_plugin,
        case
            when token_role in {{ plugin_roles }}
                then {{ plugin_category('plugin_type', 'name_text') }}
        end as plugin_category,
        case
            when token_role not in {{ plugin_roles }} or command_text is null
                then null
            when coalesce(is_plugin_command_word, false) then command_text
            else {{ sha256('command_text') }}
        end as plugin_command,
        {#- what command_shape shows: command words, flags and vocabulary
            values in the clear, a plugin as its role, anything else
            <hashed> (a cron interval <cron>) -#}
        case
            when token_position <= 2
                then
                    case
                        when is_command_word then lower(bare_token)
                        else '<hashed>'
                    end
            when is_flag
                then
                    case
                        when is_vocabulary_flag then flag_name
                        else '<hashed>'
                    end
            else ''
        end
        || case
            when is_flag and flag_value is null then ''
            when is_flag then '='
            else ''
        end
        || case
            when token_position <= 2 then ''
            when is_flag and flag_value is null then ''
            when
                token_role
                in ('extractor', 'loader', 'mapping', 'block', 'plugin')
                then '<' || token_role || '>'
            when token_role = 'text' then '<hashed>'
            when is_vocabulary_value then value_text
            when token_role = 'interval' then '<cron>'
            else '<hashed>'
        end as token_shape
    from typed

)
{%- endmacro %}
