{#
    Fails on every row where `expression` is not true (the dbt_utils test of
    the same name, written here because this project installs no packages).
#}
{% test expression_is_true(model, expression) %}

    select * from {{ model }}
    where not ({{ expression }})

{% endtest %}
