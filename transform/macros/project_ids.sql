{#
    Project ids: the rules that turn what GA and Snowplow sent into the
    project UUID both sides key on, the same rules as tap_ga_legacy.rekey
    (tests/transform/test_rekey_sql.py checks them row by row against the
    Python). as_uuid reads a UUID as Python's uuid.UUID does;
    to_project_uuid derives one as Meltano 2.x does; ga_project_id and
    ga_project_id_source apply the tap's order to a GA row.
#}

{#
    The UUID Python's uuid.UUID(text) reads, in canonical lowercase form, or
    null: Meltano 2.x kept a project id that uuid.UUID accepts, so every form
    it accepts counts (tap_ga_legacy.rekey.as_uuid is the same rule).
    uuid.UUID drops 'urn:' and 'uuid:', braces at either end and every hyphen,
    then needs exactly 32 characters that int(x, 16) reads: hex digits with
    single underscores between them, optionally a leading '+' and '0x', and
    whitespace around them. int() reads any Unicode decimal digit and
    whitespace as its ASCII counterpart: the translate below does the same
    with the non-ASCII decimal digits (str.isdecimal, Unicode 14, in runs of
    0-9) and whitespace (str.isspace) that Python 3.11 knows. The ASCII
    separators 0x1c-0x1f, whitespace to str.isspace, are not to int().
#}
{% macro as_uuid(text) -%}
    {%- set decimals = '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹߀߁߂߃߄߅߆߇߈߉०१२३४५६७८९০১২৩৪৫৬৭৮৯੦੧੨੩੪੫੬੭੮੯૦૧૨૩૪૫૬૭૮૯୦୧୨୩୪୫୬୭୮୯௦௧௨௩௪௫௬௭௮௯౦౧౨౩౪౫౬౭౮౯೦೧೨೩೪೫೬೭೮೯൦൧൨൩൪൫൬൭൮൯෦෧෨෩෪෫෬෭෮෯๐๑๒๓๔๕๖๗๘๙໐໑໒໓໔໕໖໗໘໙༠༡༢༣༤༥༦༧༨༩၀၁၂၃၄၅၆၇၈၉႐႑႒႓႔႕႖႗႘႙០១២៣៤៥៦៧៨៩᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙᥆᥇᥈᥉᥊᥋᥌᥍᥎᥏᧐᧑᧒᧓᧔᧕᧖᧗᧘᧙᪀᪁᪂᪃᪄᪅᪆᪇᪈᪉᪐᪑᪒᪓᪔᪕᪖᪗᪘᪙᭐᭑᭒᭓᭔᭕᭖᭗᭘᭙᮰᮱᮲᮳᮴᮵᮶᮷᮸᮹᱀᱁᱂᱃᱄᱅᱆᱇᱈᱉᱐᱑᱒᱓᱔᱕᱖᱗᱘᱙꘠꘡꘢꘣꘤꘥꘦꘧꘨꘩꣐꣑꣒꣓꣔꣕꣖꣗꣘꣙꤀꤁꤂꤃꤄꤅꤆꤇꤈꤉꧐꧑꧒꧓꧔꧕꧖꧗꧘꧙꧰꧱꧲꧳꧴꧵꧶꧷꧸꧹꩐꩑꩒꩓꩔꩕꩖꩗꩘꩙꯰꯱꯲꯳꯴꯵꯶꯷꯸꯹０１２３４５６７８９𐒠𐒡𐒢𐒣𐒤𐒥𐒦𐒧𐒨𐒩𐴰𐴱𐴲𐴳𐴴𐴵𐴶𐴷𐴸𐴹𑁦𑁧𑁨𑁩𑁪𑁫𑁬𑁭𑁮𑁯𑃰𑃱𑃲𑃳𑃴𑃵𑃶𑃷𑃸𑃹𑄶𑄷𑄸𑄹𑄺𑄻𑄼𑄽𑄾𑄿𑇐𑇑𑇒𑇓𑇔𑇕𑇖𑇗𑇘𑇙𑋰𑋱𑋲𑋳𑋴𑋵𑋶𑋷𑋸𑋹𑑐𑑑𑑒𑑓𑑔𑑕𑑖𑑗𑑘𑑙𑓐𑓑𑓒𑓓𑓔𑓕𑓖𑓗𑓘𑓙𑙐𑙑𑙒𑙓𑙔𑙕𑙖𑙗𑙘𑙙𑛀𑛁𑛂𑛃𑛄𑛅𑛆𑛇𑛈𑛉𑜰𑜱𑜲𑜳𑜴𑜵𑜶𑜷𑜸𑜹𑣠𑣡𑣢𑣣𑣤𑣥𑣦𑣧𑣨𑣩𑥐𑥑𑥒𑥓𑥔𑥕𑥖𑥗𑥘𑥙𑱐𑱑𑱒𑱓𑱔𑱕𑱖𑱗𑱘𑱙𑵐𑵑𑵒𑵓𑵔𑵕𑵖𑵗𑵘𑵙𑶠𑶡𑶢𑶣𑶤𑶥𑶦𑶧𑶨𑶩𖩠𖩡𖩢𖩣𖩤𖩥𖩦𖩧𖩨𖩩𖫀𖫁𖫂𖫃𖫄𖫅𖫆𖫇𖫈𖫉𖭐𖭑𖭒𖭓𖭔𖭕𖭖𖭗𖭘𖭙𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟢𝟣𝟤𝟥𝟦𝟧𝟨𝟩𝟪𝟫𝟬𝟭𝟮𝟯𝟰𝟱𝟲𝟳𝟴𝟵𝟶𝟷𝟸𝟹𝟺𝟻𝟼𝟽𝟾𝟿𞅀𞅁𞅂𞅃𞅄𞅅𞅆𞅇𞅈𞅉𞋰𞋱𞋲𞋳𞋴𞋵𞋶𞋷𞋸𞋹𞥐𞥑𞥒𞥓𞥔𞥕𞥖𞥗𞥘𞥙🯰🯱🯲🯳🯴🯵🯶🯷🯸🯹' -%}
    {%- set spaces = [9, 10, 11, 12, 13, 133, 160, 5760]
        + range(8192, 8203) | list + [8232, 8233, 8239, 8287, 12288] -%}
    {%- set space_chars = [] -%}
    {%- for code in spaces -%}
        {%- do space_chars.append('chr(' ~ code ~ ')') -%}
    {%- endfor -%}
    {%- set bare = "replace(trim(replace(replace(" ~ text
        ~ ", 'urn:', ''), 'uuid:', ''), '{}'), '-', '')" -%}
    {%- set ascii = "translate(" ~ bare ~ ", '" ~ decimals ~ "' || "
        ~ space_chars | join(' || ') ~ ", '" ~ '0123456789' * 65
        ~ ' ' * (spaces | length) ~ "')" -%}
    {%- set hex = "lpad(replace(lower(translate(" ~ ascii
        ~ ", ' +_', '')), '0x', ''), 32, '0')" -%}
    case
        {#- The canonical form, what Meltano sends, reads as itself: tested
            first, so the translate()s below (a map of ~700 characters built
            per row) run only for the rare other forms. #}
        when {{ regex_matches(
            text,
            '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
        ) }}
            then {{ text }}
        when length({{ bare }}) = 32
            and {{ regex_matches(
                ascii, ' *[+]?(0[xX]_?)?[0-9a-fA-F](_?[0-9a-fA-F])* *'
            ) }}
            then {{ uuid_from_hex(hex) }}
    end
{%- endmacro %}


{#
    The project UUID Meltano 2.x uses for a project id (project_context's
    project_uuid), from the id exactly as sent, never trimmed: an id
    as_uuid reads is kept (canonical lowercase); any other id that is not a
    placeholder (empty, '(not set)', GA's '(other)') becomes
    UUID(sha256(id).hexdigest()[::2]), every other hex digit of its SHA-256;
    a placeholder or null gives null. Same rule as
    tap_ga_legacy.rekey.project_uuid.
#}
{% macro to_project_uuid(project_id) -%}
    coalesce(
        {{ as_uuid(project_id) }},
        case
            when {{ project_id }} not in ('', '(not set)', '(other)')
                then {{ uuid_from_hex(regex_replace_all(
                    sha256(project_id), '(.).', '\\1'
                )) }}
        end
    )
{%- endmacro %}


{# 32 lowercase hex digits as a UUID: 8-4-4-4-12, hyphenated. #}
{% macro uuid_from_hex(hex) -%}
    {{ regex_replace_all(
        hex, '^(.{8})(.{4})(.{4})(.{4})', '\\1-\\2-\\3-\\4-'
    ) }}
{%- endmacro %}


{#
    A GA row's project_id and project_id_source from its label and custom
    dimension 1: the tap's rules (tap_ga_legacy.rekey.resolve_project_id),
    first match wins: the label is a UUID ('label'), else the dimension is
    ('custom_dimension'), else a UUID derived from the label or else the
    dimension ('derived'), else null ('missing'). For rows the tap did not
    read: the old pipeline's warehouse table.
#}
{% macro ga_project_id(label, dimension) -%}
    coalesce(
        {{ as_uuid(label) }},
        {{ as_uuid(dimension) }},
        {{ to_project_uuid(label) }},
        {{ to_project_uuid(dimension) }}
    )
{%- endmacro %}


{% macro ga_project_id_source(label, dimension) -%}
    case
        when {{ as_uuid(label) }} is not null then 'label'
        when {{ as_uuid(dimension) }} is not null then 'custom_dimension'
        when {{ ga_project_id(label, dimension) }} is not null then 'derived'
        else 'missing'
    end
{%- endmacro %}
